"""What the Help desk module adds to the navigation, Today, person pages and the global
search."""

from django.db.models import Count
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.registry import (
    DashboardCard,
    Holding,
    NavItem,
    PersonSection,
    SearchProvider,
    SearchResult,
    SweepJob,
    Workspace,
    registry,
)
from homeroom.helpdesk import selectors
from homeroom.helpdesk.choices import OPEN_STATUSES
from homeroom.helpdesk.models import Ticket
from homeroom.helpdesk.rules import FILES_TICKETS, READS_ARTICLES, WORKS_TICKETS, is_student
from homeroom.helpdesk.services import helpdesk_sweep

CARD_ROWS = 5


def search_tickets(request, query: str, limit: int):
    number = query.strip().lstrip("#")
    if not number.isdigit():
        return []
    ticket = selectors.tickets_for(request.user).filter(pk=int(number)).first()
    if ticket is None:
        return []
    return [
        SearchResult(
            f"#{ticket.pk} {ticket.subject}",
            ticket.get_absolute_url(),
            ticket.site.name,
            ticket.get_status_display(),
        )
    ]


def _open_queue(request):
    tickets = selectors.queue_for(request.user).filter(status__in=OPEN_STATUSES)
    if request.current_site is not None:
        tickets = tickets.filter(site=request.current_site)
    return tickets


def queue_card(request):
    """The technician's Today: their open tickets, the unassigned ones, and those due soon
    that are not late yet (late ones have their own card)."""
    tickets = _open_queue(request)
    now = timezone.now()
    counts = selectors.queue_counts(tickets, request.user, now)
    return {
        "mine": tickets.filter(assignee=request.user).order_by("resolution_due_at")[:CARD_ROWS],
        "mine_count": counts["mine"],
        "unassigned_count": counts["unassigned"],
        "breaching": selectors.breaching_soon(tickets, now)[:CARD_ROWS],
        "breaching_count": counts["breaching"],
    }


def breached_card(request):
    """Tickets past their response or resolution time, on a card of their own while there
    are any."""
    breached = selectors.breached(_open_queue(request), timezone.now())
    count = breached.count()
    if not count:
        return None
    return {"tickets": breached[:CARD_ROWS], "count": count}


def requests_card(request):
    """For everyone who files tickets but does not work them: their open requests."""
    if request.user.has_perm("helpdesk.work_ticket"):
        return None
    tickets = selectors.own_tickets(request.user).filter(status__in=OPEN_STATUSES)
    return {"tickets": tickets.order_by("-created_at")[:CARD_ROWS]}


def student_help_card(request):
    """For students: Get help (while the district lets them file) and the articles written
    for them."""
    if not is_student(request.user):
        return None
    return {
        "may_file": FILES_TICKETS.allows(request.user),
        "articles": selectors.articles_for(request.user).order_by("title")[:CARD_ROWS],
    }


def person_tickets(request, person):
    tickets = selectors.tickets_for(request.user).filter(affected_person=person)
    return {"tickets": tickets.order_by("-created_at")[:10], "person": person}


HELP_DESK = Workspace("helpdesk", "Help desk", order=100)

# Ticket pages belong to the queue for those who work it, to Get help for those who file.
registry.add_nav(
    NavItem("Queue", "helpdesk:queue", WORKS_TICKETS, HELP_DESK, order=100, prefixes=("/tickets/",))
)
registry.add_nav(
    NavItem(
        "Get help",
        "helpdesk:get_help",
        FILES_TICKETS,
        HELP_DESK,
        order=110,
        prefixes=("/tickets/",),
    )
)
registry.add_nav(
    NavItem("Knowledge base", "helpdesk:article_list", READS_ARTICLES, HELP_DESK, order=120)
)
registry.add_card(
    DashboardCard(
        "helpdesk/cards/queue.html",
        queue_card,
        WORKS_TICKETS,
        order=50,
        leads=frozenset({roles.TECHNICIAN}),
    )
)
registry.add_card(
    DashboardCard(
        "helpdesk/cards/requests.html",
        requests_card,
        FILES_TICKETS,
        order=50,
        leads=frozenset({roles.TEACHER}),
    )
)
registry.add_card(
    DashboardCard(
        "helpdesk/cards/student_help.html",
        student_help_card,
        READS_ARTICLES,
        order=40,
        leads=frozenset({roles.STUDENT}),
    )
)
registry.add_person_section(
    PersonSection("helpdesk/sections/person_tickets.html", person_tickets, FILES_TICKETS, order=120)
)
registry.add_card(
    DashboardCard(
        "helpdesk/cards/breached.html",
        breached_card,
        WORKS_TICKETS,
        order=51,
        leads=frozenset({roles.TECHNICIAN}),
    )
)
registry.add_search(SearchProvider("Tickets", search_tickets, FILES_TICKETS, order=50))


def open_tickets_at(site_ids) -> dict[int, int]:
    tickets = Ticket.objects.filter(site__in=site_ids, status__in=OPEN_STATUSES)
    return dict(tickets.values_list("site").annotate(n=Count("pk")).order_by())


registry.add_holding(Holding("open tickets", "sites", open_tickets_at))


def sweep_tickets() -> str:
    report = helpdesk_sweep()
    return (
        f"reminded {report.reminded}, closed {report.closed_silent + report.closed_resolved}, "
        f"flagged {report.response_breached + report.resolution_breached} late"
    )


registry.add_sweep(SweepJob("Help desk", sweep_tickets))
