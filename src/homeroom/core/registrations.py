"""What the core module adds to the navigation, Today and the global search."""

from django.db.models import Count, Q

from homeroom.core import selectors
from homeroom.core.access import SIGNED_IN, Rule
from homeroom.core.calendar_import import ClosedDaysFormat
from homeroom.core.charts import bar_chart
from homeroom.core.import_formats import ANY_IMPORT, register_format
from homeroom.core.import_services import import_runs_delete_refused, import_runs_recover
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    SearchProvider,
    SearchResult,
    SweepJob,
    Workspace,
    registry,
)


def sites_card(request):
    sites = (
        selectors.scoped_sites(request)
        .filter(is_active=True)
        .annotate(rooms_in_use=Count("rooms", filter=Q(rooms__is_active=True)))
        .order_by("name")
    )
    rows = [(site.name, site.rooms_in_use) for site in sites]
    if not rows:
        return {"chart": None}
    return {"chart": bar_chart(rows, title="Rooms in use per site", unit="rooms")}


def activity_card(request):
    return {"events": selectors.recent_changes(request.user)}


def welcome_card(request):
    return {"user": request.user}


def search_sites(request, query: str, limit: int):
    sites = selectors.sites_for(request.user).filter(
        Q(name__icontains=query) | Q(code__iexact=query)
    )[:limit]
    return [
        SearchResult(site.name, site.get_absolute_url(), site.get_type_display(), site.code)
        for site in sites
    ]


def search_rooms(request, query: str, limit: int):
    rooms = selectors.rooms_for(request.user).filter(
        Q(number__iexact=query) | Q(name__icontains=query)
    )[:limit]
    return [
        SearchResult(
            f"Room {room}", room.get_absolute_url(), room.site.name, room.get_kind_display()
        )
        for room in rooms
    ]


TODAY = Workspace("today", "Today", order=0)
DISTRICT = Workspace("district", "District", order=900)

registry.add_nav(NavItem("Today", "core:today", SIGNED_IN, TODAY))
registry.add_nav(NavItem("Sites", "core:site_list", Rule("core.view_site"), DISTRICT, order=800))
registry.add_nav(NavItem("Rooms", "core:room_list", Rule("core.view_room"), DISTRICT, order=810))
registry.add_nav(
    NavItem(
        "School calendar", "core:district_calendar", Rule("core.view_site"), DISTRICT, order=820
    )
)
registry.add_nav(
    NavItem("Activity", "core:activity", Rule("core.view_auditevent"), DISTRICT, order=850)
)
# Every format's runs together; shown to the roles that may see one of the formats.
registry.add_nav(NavItem("Imports", "core:import_run_list", ANY_IMPORT, DISTRICT, order=860))

# Last: every role's own work comes first.
registry.add_card(DashboardCard("core/cards/welcome.html", welcome_card, SIGNED_IN, order=1000))
registry.add_card(
    DashboardCard("core/cards/sites.html", sites_card, Rule("core.view_site"), order=900)
)
registry.add_card(
    DashboardCard(
        "core/cards/activity.html", activity_card, Rule("core.view_auditevent"), order=950
    )
)

registry.add_search(SearchProvider("Sites", search_sites, Rule("core.view_site"), order=900))
registry.add_search(SearchProvider("Rooms", search_rooms, Rule("core.view_room"), order=910))

registry.add_sweep(SweepJob("Import runs", import_runs_recover, at_worker_start=True))
registry.add_sweep(SweepJob("Refused import files", import_runs_delete_refused))

# The school calendar's .ics file goes through the import lifecycle: a preview of the closed
# days it adds, then Apply.
register_format(ClosedDaysFormat())
