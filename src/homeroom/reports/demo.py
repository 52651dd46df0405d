"""The demo district's metrics: rollups of everything the help-desk and repair steps made."""

from homeroom.core.demo import DemoContext, demo_step
from homeroom.reports.services import first_recorded_day, rollups_refresh


@demo_step(80)
def build_metrics(context: DemoContext) -> None:
    """Every day from the first ticket, self-service fix or repair up to the demo's date."""
    rollups_refresh(
        first=min(first_recorded_day() or context.today, context.today), last=context.today
    )
