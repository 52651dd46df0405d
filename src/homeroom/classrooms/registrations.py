"""What the classrooms module adds to the navigation, Today, the search and the sweep."""

from django.db.models import Count, Q
from django.utils import timezone

from homeroom.classrooms import selectors, services
from homeroom.classrooms.choices import HOLDING
from homeroom.classrooms.importer import AVReadingsFormat
from homeroom.classrooms.models import Reservation
from homeroom.core import roles
from homeroom.core.access import Rule
from homeroom.core.import_formats import register_format
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    PageSection,
    SearchProvider,
    SearchResult,
    SweepJob,
    Workspace,
    registry,
)

VIEW_RESOURCES = Rule("classrooms.view_resource")
VIEW_RESERVATIONS = Rule("classrooms.view_reservation")
VIEW_TASKS = Rule("classrooms.view_maintenancetask")
VIEW_PLANS = Rule("classrooms.view_maintenanceplan")
VIEW_AV = Rule("classrooms.view_avdetails")
CLASSROOMS = Workspace("classrooms", "Classrooms", order=285)

registry.add_nav(
    NavItem(
        "Reserve",
        "classrooms:resource_list",
        VIEW_RESOURCES,
        CLASSROOMS,
        order=285,
        prefixes=("/classrooms/resources/", "/classrooms/day/", "/classrooms/bell-schedules/"),
    )
)
registry.add_nav(
    NavItem(
        "Bookings",
        "classrooms:reservation_list",
        VIEW_RESERVATIONS,
        CLASSROOMS,
        order=286,
        prefixes=("/classrooms/feed/",),
    )
)
registry.add_nav(
    NavItem("Maintenance due", "classrooms:task_list", VIEW_TASKS, CLASSROOMS, order=287)
)
registry.add_nav(
    NavItem("Maintenance plans", "classrooms:plan_list", VIEW_PLANS, CLASSROOMS, order=288)
)
registry.add_nav(
    NavItem("Displays and projectors", "classrooms:av_list", VIEW_AV, CLASSROOMS, order=289)
)

registry.add_nav(
    NavItem(
        "Inspections",
        "classrooms:inspection_list",
        Rule("classrooms.view_inspection"),
        CLASSROOMS,
        order=290,
    )
)

registry.add_nav(
    NavItem("Classroom reports", "classrooms:reports", VIEW_PLANS, CLASSROOMS, order=291)
)

CARD_ROWS = 4


def reservations_card(request):
    """The user's own bookings that have not ended, soonest first (one query)."""
    reservations = list(
        Reservation.objects.filter(
            holder=request.user, status__in=HOLDING, ends_at__gte=timezone.now()
        )
        .select_related("resource")
        .order_by("starts_at", "pk")[:CARD_ROWS]
    )
    rooms = list(selectors.rooms_of_teacher(request.user)[:3])
    return {"reservations": reservations, "rooms": rooms}


registry.add_card(
    DashboardCard(
        "classrooms/cards/reservations.html",
        reservations_card,
        Rule("classrooms.add_reservation"),
        order=285,
        leads=frozenset({roles.TEACHER}),
    )
)


def maintenance_card(request):
    """Tasks due by the end of the week, those overdue, and projector lamps near their end,
    at the user's schools; hidden when all are none."""
    today = timezone.localdate()
    counts = selectors.due_tasks(request.user, today).aggregate(
        due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    lamps = selectors.lamps_near_end(selectors.av_for(request.user)).count()
    if not counts["due"] and not lamps:
        return None
    return {**counts, "lamps": lamps}


registry.add_card(
    DashboardCard(
        "classrooms/cards/maintenance.html",
        maintenance_card,
        VIEW_TASKS,
        order=286,
        leads=frozenset({roles.TECHNICIAN}),
    )
)


def search_resources(request, query: str, limit: int):
    resources = selectors.resources_for(request.user).filter(name__icontains=query.strip())
    return [
        SearchResult(
            title=resource.name,
            url=resource.get_absolute_url(),
            subtitle=f"{resource.get_kind_display()} · {resource.site.name}",
            badge="Reservable",
        )
        for resource in resources.order_by("name", "pk")[:limit]
    ]


registry.add_search(SearchProvider("Carts and labs", search_resources, VIEW_RESOURCES, order=285))


def room_section(request, room):
    """On a room's page: its AV, devices, reservable resources with today's bookings, open
    tickets and maintenance due."""
    return selectors.room_story(request.user, room)


registry.add_page_section(
    PageSection("core.room", "classrooms/sections/room.html", room_section, order=50)
)

registry.add_sweep(SweepJob("Maintenance tasks", services.sweep_tasks))

register_format(AVReadingsFormat())
