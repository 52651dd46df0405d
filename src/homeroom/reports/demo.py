"""The demo district's metrics: rollups of everything the help-desk and repair steps made."""

from homeroom.core.demo import DemoContext, demo_step
from homeroom.reports.services import rollups_refresh_all


@demo_step(80)
def build_metrics(context: DemoContext) -> None:
    rollups_refresh_all()
