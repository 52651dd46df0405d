from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from homeroom.core.access import requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.core.selectors import rooms_for, sites_for
from homeroom.devices.selectors import devices_for
from homeroom.helpdesk import selectors, services
from homeroom.helpdesk.choices import TicketSource
from homeroom.helpdesk.filters import TicketFilter
from homeroom.helpdesk.models import Ticket
from homeroom.helpdesk.rules import FILES_TICKETS, WORKS_TICKETS
from homeroom.helpdesk.schemas import (
    ArticleOut,
    AssignIn,
    CommentIn,
    CommentOut,
    DeflectionIn,
    DeflectionOut,
    EscalateIn,
    IssueTypeOut,
    TicketChangeIn,
    TicketIn,
    TicketOut,
    TicketStatusIn,
)
from homeroom.people.models import User
from homeroom.people.selectors import people_for

router = Router(tags=["Help desk"])


def _ticket(request, ticket_id: Id) -> Ticket:
    return get_object_or_404(selectors.tickets_for(request.auth), pk=ticket_id)


@router.get("/tickets", response=list[TicketOut])
@requires(FILES_TICKETS)
@paginate(Pages)
def list_tickets(request, filters: Query[TicketFilter]):
    """Technicians get the tickets at their sites; others the tickets they asked for or
    watch."""
    return filters.filter(selectors.tickets_for(request.auth)).order_by("-created_at", "-pk")


@router.post("/tickets", response={201: TicketOut})
@requires(FILES_TICKETS)
def create_ticket(request, payload: TicketIn):
    user = request.auth
    site = get_object_or_404(sites_for(user), pk=payload.site_id)
    room = device = person = requester = issue = None
    if payload.room_id is not None:
        room = get_object_or_404(rooms_for(user), pk=payload.room_id)
    if payload.device_id is not None:
        device = get_object_or_404(devices_for(user), pk=payload.device_id)
    if payload.affected_person_id is not None:
        person = get_object_or_404(people_for(user), pk=payload.affected_person_id)
    if payload.requester_id is not None and services.is_worker(user):
        requester = get_object_or_404(User, pk=payload.requester_id)
    if payload.issue_type_id is not None:
        issue = get_object_or_404(selectors.issue_types(), pk=payload.issue_type_id)
    ticket = services.ticket_create(
        actor=user,
        site=site,
        subject=payload.subject,
        description=payload.description,
        room=room,
        device=device,
        affected_person=person,
        requester=requester,
        issue_type=issue,
        impact=payload.impact,
        urgency=payload.urgency,
        source=TicketSource.API,
    )
    return Status(201, ticket)


@router.get("/tickets/{ticket_id}", response=TicketOut)
@requires(FILES_TICKETS)
def get_ticket(request, ticket_id: Id):
    return _ticket(request, ticket_id)


@router.patch("/tickets/{ticket_id}", response=TicketOut)
@requires(WORKS_TICKETS)
def change_ticket(request, ticket_id: Id, payload: TicketChangeIn):
    """Change the subject, description, issue type, impact and urgency (and with them the
    priority and due times), room, device or affected person."""
    user = request.auth
    data = payload.dict(exclude_unset=True)
    related = {
        "issue_type_id": ("issue_type", selectors.issue_types()),
        "room_id": ("room", rooms_for(user)),
        "device_id": ("device", devices_for(user)),
        "affected_person_id": ("affected_person", people_for(user)),
    }
    for key, (field, choices) in related.items():
        if key in data:
            pk = data.pop(key)
            data[field] = None if pk is None else get_object_or_404(choices, pk=pk)
    for key in ("subject", "impact", "urgency"):
        if key in data and data[key] is None:
            del data[key]
    return services.ticket_update(actor=user, ticket=_ticket(request, ticket_id), **data)


@router.post("/tickets/{ticket_id}/escalate", response=TicketOut)
@requires(WORKS_TICKETS)
def escalate_ticket(request, ticket_id: Id, payload: EscalateIn):
    """Hand the ticket to district IT with their reference; an internal note says so."""
    return services.ticket_escalate(
        actor=request.auth,
        ticket=_ticket(request, ticket_id),
        external_reference=payload.external_reference,
        note=payload.note,
    )


@router.post("/tickets/{ticket_id}/status", response=TicketOut)
@requires(WORKS_TICKETS)
def set_ticket_status(request, ticket_id: Id, payload: TicketStatusIn):
    """Move a ticket along its lifecycle; an illegal move is a 409."""
    return services.ticket_set_status(
        actor=request.auth,
        ticket=_ticket(request, ticket_id),
        status=payload.status,
        note=payload.note,
    )


@router.post("/tickets/{ticket_id}/assign", response=TicketOut)
@requires(WORKS_TICKETS)
def assign_ticket(request, ticket_id: Id, payload: AssignIn):
    assignee = None
    if payload.assignee_id is not None:
        assignee = get_object_or_404(User, pk=payload.assignee_id)
    return services.ticket_assign(
        actor=request.auth, ticket=_ticket(request, ticket_id), assignee=assignee
    )


@router.get("/tickets/{ticket_id}/comments", response=list[CommentOut])
@requires(FILES_TICKETS)
@paginate(Pages)
def list_comments(request, ticket_id: Id):
    """Replies in order; internal notes only for technicians."""
    return selectors.comments_for(request.auth, _ticket(request, ticket_id))


@router.post("/tickets/{ticket_id}/comments", response={201: CommentOut})
@requires(FILES_TICKETS)
def add_comment(request, ticket_id: Id, payload: CommentIn):
    comment = services.comment_add(
        actor=request.auth,
        ticket=_ticket(request, ticket_id),
        body=payload.body,
        is_internal=payload.is_internal,
        time_spent_minutes=payload.time_spent_minutes,
    )
    return Status(201, comment)


@router.get("/issue-types", response=list[IssueTypeOut])
@requires(FILES_TICKETS)
def list_issue_types(request, device_category: str = ""):
    """The issue tree, flattened: each issue with its group."""
    issues = selectors.issue_types()
    if device_category:
        issues = issues.filter(device_category__in=["", device_category])
    return issues


@router.post("/issue-types/{issue_type_id}/fixed", response={201: DeflectionOut})
@requires(FILES_TICKETS)
def record_deflection(request, issue_type_id: Id, payload: DeflectionIn):
    """“This fixed it”: count a problem solved by its troubleshooting steps. 409 for
    physical damage, which needs a repair."""
    issue = get_object_or_404(selectors.issue_types(), pk=issue_type_id)
    article = None
    if payload.article_id is not None:
        article = get_object_or_404(selectors.articles_for(request.auth), pk=payload.article_id)
    deflection = services.deflection_record(actor=request.auth, issue_type=issue, article=article)
    return Status(201, deflection)


@router.get("/articles", response=list[ArticleOut])
@requires(FILES_TICKETS)
@paginate(Pages)
def list_articles(request, q: str = "", issue_type_id: Id | None = None):
    articles = selectors.articles_for(request.auth).prefetch_related("issue_types")
    if q:
        articles = selectors.search_articles(articles, q)
    if issue_type_id is not None:
        articles = articles.filter(issue_types=issue_type_id)
    return articles.order_by("title", "pk")


@router.get("/articles/{slug}", response=ArticleOut)
@requires(FILES_TICKETS)
def get_article(request, slug: str):
    return get_object_or_404(selectors.articles_for(request.auth), slug=slug)
