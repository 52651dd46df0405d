"""Reads of the help desk, limited to what the user may see: technicians see the tickets
at their sites; everyone else sees the tickets they asked for or watch. Internal notes
are for technicians only."""

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from homeroom.core.selectors import sites_for
from homeroom.helpdesk import sla
from homeroom.helpdesk.choices import OPEN_STATUSES, Audience
from homeroom.helpdesk.models import Article, Attachment, Comment, IssueType, Ticket
from homeroom.helpdesk.rules import FILES_TICKETS, READS_ARTICLES, is_student

TICKET_RELATED = (
    "site",
    "room",
    "device",
    "device__model",
    "requester",
    "assignee",
    "affected_person",
    "issue_type",
    "issue_type__parent",
)


def tickets_for(user) -> QuerySet[Ticket]:
    if not FILES_TICKETS.allows(user):
        return Ticket.objects.none()
    tickets = Ticket.objects.select_related(*TICKET_RELATED)
    if user.has_perm("helpdesk.work_ticket"):
        if user.sees_all_sites:
            return tickets
        # The site ids as literal values, so the planner can use the (site, …) indexes.
        return tickets.filter(site_id__in=list(sites_for(user).values_list("pk", flat=True)))
    watched = Ticket.watchers.through.objects.filter(user=user).values("ticket_id")
    return tickets.filter(Q(requester=user) | Q(pk__in=watched))


def own_tickets(user) -> QuerySet[Ticket]:
    """The tickets the user asked for or watches, whatever their role."""
    if not FILES_TICKETS.allows(user):
        return Ticket.objects.none()
    watched = Ticket.watchers.through.objects.filter(user=user).values("ticket_id")
    return Ticket.objects.select_related(*TICKET_RELATED).filter(
        Q(requester=user) | Q(pk__in=watched)
    )


def queue_for(user) -> QuerySet[Ticket]:
    """The technician's queue: tickets at their sites (nothing for anyone else)."""
    if not user.has_perm("helpdesk.work_ticket"):
        return Ticket.objects.none()
    return tickets_for(user)


def is_breached(now: datetime.datetime) -> Q:
    """Past the response or resolution time (flagged by the sweep, or due before `now`)."""
    return (
        Q(resolution_breached=True)
        | Q(response_breached=True)
        | Q(resolution_due_at__lte=now)
        | Q(first_response_at__isnull=True, response_due_at__lte=now)
    )


def is_due_soon(now: datetime.datetime) -> Q:
    """Not breached yet, but the resolution falls due within the warning window."""
    return Q(resolution_due_at__lte=now + sla.DUE_SOON) & ~is_breached(now)


def breaching_soon(tickets: QuerySet[Ticket], now: datetime.datetime | None = None):
    """Open tickets not yet breached whose resolution falls due within the warning window,
    the soonest first."""
    now = now or timezone.now()
    return tickets.filter(is_due_soon(now), status__in=OPEN_STATUSES).order_by(
        "resolution_due_at", "pk"
    )


def breached(tickets: QuerySet[Ticket], now: datetime.datetime | None = None):
    """Open tickets past their response or resolution time, the longest late first."""
    now = now or timezone.now()
    return tickets.filter(is_breached(now), status__in=OPEN_STATUSES).order_by(
        F("resolution_due_at").asc(nulls_last=True), "pk"
    )


def queue_counts(tickets: QuerySet[Ticket], user, now: datetime.datetime) -> dict[str, int]:
    """How many of `tickets` are the user's, unassigned, and due soon, in one query."""
    return tickets.aggregate(
        mine=Count("pk", filter=Q(assignee=user)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        breaching=Count("pk", filter=is_due_soon(now)),
    )


def comments_for(user, ticket: Ticket) -> QuerySet[Comment]:
    comments = ticket.comments.select_related("author").prefetch_related("attachments")
    if not user.has_perm("helpdesk.view_internal_note"):
        comments = comments.filter(is_internal=False)
    return comments


def attachments_for(user) -> QuerySet[Attachment]:
    attachments = Attachment.objects.filter(ticket__in=tickets_for(user).values("pk"))
    if not user.has_perm("helpdesk.view_internal_note"):
        attachments = attachments.filter(is_internal=False)
    return attachments


def audiences_for(user) -> list[str]:
    if user.has_perm("helpdesk.work_ticket"):
        return list(Audience.values)
    if is_student(user) and not user.has_perm("helpdesk.add_ticket"):
        return [Audience.STUDENT]
    return [Audience.STUDENT, Audience.TEACHER]


def articles_for(user) -> QuerySet[Article]:
    if not READS_ARTICLES.allows(user):
        return Article.objects.none()
    articles = Article.objects.filter(audience__in=audiences_for(user))
    if not user.has_perm("helpdesk.change_article"):
        articles = articles.filter(is_published=True)
    return articles


def search_articles(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Articles whose title, summary or text contain every word of the query."""
    for word in query.split()[:8]:
        articles = articles.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return articles


def issue_groups(device_category: str = "") -> list[IssueType]:
    """The active issue tree, each group with `issues` loaded; a device's category puts its
    group first and leaves out the groups of other kinds of device."""
    groups = list(IssueType.objects.filter(parent__isnull=True, is_active=True))
    issues = IssueType.objects.filter(parent__isnull=False, is_active=True)
    by_parent: dict[int, list[IssueType]] = {}
    for issue in issues:
        by_parent.setdefault(issue.parent_id, []).append(issue)
    for group in groups:
        group.issues = by_parent.get(group.pk, [])
        for issue in group.issues:
            issue.parent = group
    if device_category:
        groups = [g for g in groups if g.device_category in ("", device_category)]
        groups.sort(key=lambda g: g.device_category != device_category)
    return [group for group in groups if group.issues]


def issue_types() -> QuerySet[IssueType]:
    return IssueType.objects.filter(parent__isnull=False, is_active=True).select_related("parent")
