"""What the reports module adds to the navigation and Today."""

from homeroom.core.access import Rule
from homeroom.core.registry import DashboardCard, NavItem, registry
from homeroom.helpdesk.registrations import HELP_DESK
from homeroom.reports import selectors
from homeroom.reports.tasks import queue_refresh

VIEW_METRICS = Rule("reports.view_helpdesk_metrics")


def helpdesk_card(request):
    queue_refresh()
    scope = selectors.scope_for(request.user, current_site=request.current_site)
    return {"backlog": selectors.backlog(scope), "sla": selectors.week_sla(scope)}


registry.add_nav(NavItem("Metrics", "reports:helpdesk_metrics", VIEW_METRICS, HELP_DESK, order=130))
registry.add_card(
    DashboardCard("reports/cards/helpdesk.html", helpdesk_card, VIEW_METRICS, order=120)
)
