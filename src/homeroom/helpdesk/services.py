"""Writes to the help desk: filing tickets, moving them along their lifecycle, comments and
photos, assignment, escalation, satisfaction, self-service deflections, knowledge-base
articles and the periodic sweep (reminders, auto-close, breach flags).

Every write to a ticket locks its row first and recomputes its SLA due times, so the
queue reads due times and breach flags straight from indexed columns."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.selectors import sites_for
from homeroom.core.services import require_site_access
from homeroom.devices.choices import AssignmentKind
from homeroom.helpdesk import attachments, mail, sla
from homeroom.helpdesk.choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    TICKET_TRANSITIONS,
    Audience,
    Satisfaction,
    TicketSource,
    TicketStatus,
    priority_for,
)
from homeroom.helpdesk.markdown import render
from homeroom.helpdesk.models import (
    Article,
    Attachment,
    Comment,
    Deflection,
    HelpdeskSettings,
    IssueType,
    Ticket,
)
from homeroom.helpdesk.rules import FILES_TICKETS, is_student
from homeroom.people.models import Person
from homeroom.people.selectors import people_for

S = TicketStatus
# What a requester may do to their own ticket: reopen it, or close it themselves.
REQUESTER_MOVES = {(S.RESOLVED, S.IN_PROGRESS), *((s, S.CLOSED) for s in TicketStatus)}


def is_worker(user) -> bool:
    return user is not None and user.has_perm("helpdesk.work_ticket")


def works_at(user, site) -> bool:
    return is_worker(user) and sites_for(user).filter(pk=site.pk).exists()


def follows(user, ticket: Ticket) -> bool:
    """The requester and the watchers follow a ticket."""
    return user is not None and (
        ticket.requester_id == user.pk or ticket.watchers.filter(pk=user.pk).exists()
    )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("site").get(pk=ticket.pk)


def _require_worker(actor, ticket: Ticket) -> None:
    if not is_worker(actor):
        raise PermissionDenied("Only technicians can do this.")
    require_site_access(actor, ticket.site)


def _mark_response(ticket: Ticket, at: datetime.datetime) -> None:
    if ticket.first_response_at is not None:
        return
    ticket.first_response_at = at
    ticket.response_seconds = sla.business_seconds(ticket, at)
    response_minutes = sla.targets()[ticket.priority][0]
    ticket.response_breached = ticket.response_breached or (
        ticket.response_seconds > response_minutes * 60
    )


def _check_place(*, site, room, device) -> None:
    if room is not None and room.site_id != site.pk:
        raise ValidationError({"room": f"Room {room} is not at {site}."})
    if device is not None and device.site_id != site.pk:
        raise ValidationError({"device": f"{device} belongs to {device.site}, not {site}."})


def _one_to_one_holder(device) -> Person | None:
    """The person a device is checked out to as their own (1:1) device, if anyone."""
    assignment = (
        device.assignments.filter(
            checked_in_at__isnull=True, kind=AssignmentKind.ONE_TO_ONE, person__isnull=False
        )
        .select_related("person")
        .first()
    )
    return assignment.person if assignment is not None else None


def _store_photos(*, actor, ticket: Ticket, photos, comment=None, is_internal=False) -> list:
    stored = []
    for photo in photos:
        path = attachments.store(photo, ticket.pk)
        stored.append(
            Attachment.objects.create(
                ticket=ticket,
                comment=comment,
                uploaded_by=actor,
                file_name=photo.file_name,
                file_path=str(path),
                content_type=photo.content_type,
                size=len(photo.data),
                sha256=photo.sha256,
                is_internal=is_internal,
            )
        )
    return stored


@transaction.atomic
def ticket_create(
    *,
    actor,
    site,
    subject: str,
    description: str = "",
    requester=None,
    affected_person=None,
    room=None,
    device=None,
    issue_type: IssueType | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    source: str = TicketSource.FORM,
    assignee=None,
    photos: Sequence = (),
) -> Ticket:
    """File a ticket. Technicians may file for someone else (the requester, or the
    affected person's account); everyone else files as themselves, and names only a person
    they may see (a teacher: a student of their own classes). A ticket about someone's 1:1
    device is about its holder unless it names someone else."""
    if not FILES_TICKETS.allows(actor):
        raise PermissionDenied("Your account cannot file tickets.")
    require_site_access(actor, site)
    checked = attachments.check_photos(photos)
    if is_worker(actor):
        if requester is None and affected_person is not None:
            requester = affected_person.user
    else:
        requester, assignee = actor, None
        if affected_person is None and is_student(actor):
            affected_person = Person.objects.filter(user=actor).first()
        elif (
            affected_person is not None
            and affected_person.user_id != actor.pk
            and not people_for(actor).filter(pk=affected_person.pk).exists()
        ):
            raise ValidationError(
                {"affected_person": "Name a student of your own classes, or nobody."}
            )
    _check_place(site=site, room=room, device=device)
    if affected_person is None and device is not None:
        affected_person = _one_to_one_holder(device)
    if assignee is not None and not works_at(assignee, site):
        raise ValidationError({"assignee": f"{assignee} does not work tickets at {site}."})
    impact = impact or (issue_type.default_impact if issue_type else 3)
    urgency = urgency or (issue_type.default_urgency if issue_type else 2)
    now = timezone.now()
    ticket = Ticket(
        site=site,
        room=room,
        device=device,
        requester=requester,
        filed_by=actor,
        affected_person=affected_person,
        issue_type=issue_type,
        source=source,
        subject=subject.strip(),
        description=description.strip(),
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact, urgency),
        assignee=assignee,
        created_at=now,
        updated_at=now,
    )
    sla.refresh_due_times(ticket)
    ticket.full_clean()
    ticket.save()
    _store_photos(actor=actor, ticket=ticket, photos=checked)
    audit.record(
        actor=actor,
        obj=ticket,
        verb=AuditVerb.CREATED,
        site=site,
        changes={
            "subject": [None, ticket.subject],
            "priority": [None, ticket.get_priority_display()],
            "requester": [None, str(requester) if requester else None],
        },
    )
    transaction.on_commit(lambda: mail.send_new_ticket(ticket.pk))
    return ticket


def _apply_status(ticket: Ticket, status: str, *, actor, now: datetime.datetime) -> dict:
    """Move a locked ticket to `status` in memory, keeping the SLA clock right; the caller
    saves. Returns the audit changes."""
    old = ticket.status
    if status not in TICKET_TRANSITIONS[TicketStatus(old)]:
        raise Conflict(
            f"Ticket #{ticket.pk} is {ticket.get_status_display().lower()}; it cannot move to "
            f"{TicketStatus(status).label.lower()}."
        )
    changes = {"status": [old, status]}
    if old in PAUSED_STATUSES or old == S.RESOLVED:
        sla.resume(ticket, now)
        ticket.waiting_since = None
        ticket.reminded_at = None
    if is_worker(actor):
        _mark_response(ticket, now)
    if status in PAUSED_STATUSES:
        sla.pause(ticket, now)
        ticket.waiting_since = now
    elif status == S.RESOLVED:
        ticket.resolved_at = now
        ticket.resolution_seconds = sla.business_seconds(ticket, now)
        resolution_minutes = sla.targets()[ticket.priority][1]
        ticket.resolution_breached = ticket.resolution_breached or (
            ticket.resolution_seconds > resolution_minutes * 60
        )
        sla.pause(ticket, now)
    elif status == S.CLOSED:
        ticket.closed_at = now
    elif old == S.RESOLVED:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.resolution_seconds = None
        changes["reopen_count"] = [ticket.reopen_count - 1, ticket.reopen_count]
    ticket.status = status
    ticket.updated_at = now
    sla.refresh_due_times(ticket)
    return changes


@transaction.atomic
def ticket_set_status(*, actor, ticket: Ticket, status: str, note: str = "") -> Ticket:
    """Move a ticket along its lifecycle. Technicians make any move the map allows at
    their sites; a requester may reopen their resolved ticket within the reopen window,
    or close it."""
    ticket = _locked(ticket)
    if status == ticket.status:
        return ticket
    if not works_at(actor, ticket.site):
        if actor is None or ticket.requester_id != actor.pk:
            raise PermissionDenied("Only technicians can change this ticket's status.")
        if (ticket.status, status) not in REQUESTER_MOVES:
            raise Conflict("Only a technician can make this change.")
        if ticket.status == S.RESOLVED and status == S.IN_PROGRESS:
            window = HelpdeskSettings.current().reopen_window_days
            if ticket.resolved_at + datetime.timedelta(days=window) < timezone.now():
                raise Conflict(
                    f"Ticket #{ticket.pk} was resolved more than {window} days ago; "
                    "file a new ticket instead."
                )
    changes = _apply_status(ticket, status, actor=actor, now=timezone.now())
    ticket.full_clean()
    ticket.save()
    audit.record(
        actor=actor,
        obj=ticket,
        verb=AuditVerb.STATUS_CHANGED,
        site=ticket.site,
        changes=changes,
        message=note,
    )
    if status == S.RESOLVED:
        transaction.on_commit(lambda: mail.send_resolved(ticket.pk))
    return ticket


@transaction.atomic
def ticket_update(*, actor, ticket: Ticket, **data) -> Ticket:
    """Technicians correct what a ticket is about: subject, description, issue type,
    impact and urgency (and with them the priority and due times), room, device and
    affected person."""
    allowed = {
        "subject",
        "description",
        "issue_type",
        "impact",
        "urgency",
        "room",
        "device",
        "affected_person",
    }
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    ticket = _locked(ticket)
    _require_worker(actor, ticket)
    changes = audit.apply_changes(ticket, data)
    if not changes:
        return ticket
    _check_place(site=ticket.site, room=ticket.room, device=ticket.device)
    priority = priority_for(ticket.impact, ticket.urgency)
    if priority != ticket.priority:
        changes["priority"] = [ticket.priority, priority]
        ticket.priority = priority
        sla.refresh_due_times(ticket)
    ticket.updated_at = timezone.now()
    ticket.full_clean()
    ticket.save()
    audit.record(actor=actor, obj=ticket, verb=AuditVerb.UPDATED, site=ticket.site, changes=changes)
    return ticket


@transaction.atomic
def ticket_assign(*, actor, ticket: Ticket, assignee) -> Ticket:
    """Give a ticket to a technician who works at its site (None: unassign)."""
    ticket = _locked(ticket)
    _require_worker(actor, ticket)
    if assignee is not None and not works_at(assignee, ticket.site):
        raise ValidationError(f"{assignee} does not work tickets at {ticket.site}.")
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.get_status_display().lower()}.")
    old = ticket.assignee
    ticket.assignee = assignee
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["assignee", "updated_at"])
    audit.record(
        actor=actor,
        obj=ticket,
        verb=AuditVerb.UPDATED,
        site=ticket.site,
        changes={"assignee": [str(old) if old else None, str(assignee) if assignee else None]},
    )
    return ticket


@transaction.atomic
def ticket_escalate(*, actor, ticket: Ticket, external_reference: str, note: str = "") -> Ticket:
    """Hand a ticket to district IT: record their reference and say so in an internal note."""
    ticket = _locked(ticket)
    _require_worker(actor, ticket)
    external_reference = external_reference.strip()
    if not external_reference:
        raise ValidationError({"external_reference": "Give district IT's ticket number."})
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.get_status_display().lower()}.")
    changes = {"external_reference": [ticket.external_reference or None, external_reference]}
    ticket.escalated_at = ticket.escalated_at or timezone.now()
    ticket.external_reference = external_reference
    ticket.updated_at = timezone.now()
    ticket.full_clean()
    ticket.save()
    audit.record(
        actor=actor,
        obj=ticket,
        verb=AuditVerb.UPDATED,
        site=ticket.site,
        changes=changes,
        message="Escalated to district IT",
    )
    body = f"Escalated to district IT, their reference {external_reference}."
    comment_add(actor=actor, ticket=ticket, body=f"{body}\n\n{note}".strip(), is_internal=True)
    return ticket


@transaction.atomic
def ticket_watch(*, actor, ticket: Ticket, user, watching: bool = True) -> Ticket:
    """Add or remove a watcher. Technicians manage watchers; anyone may stop watching."""
    if not (works_at(actor, ticket.site) or (actor == user and not watching)):
        raise PermissionDenied("Only technicians can add watchers.")
    if watching:
        ticket.watchers.add(user)
    else:
        ticket.watchers.remove(user)
    audit.record(
        actor=actor,
        obj=ticket,
        verb=AuditVerb.UPDATED,
        site=ticket.site,
        changes={"watchers": [None, str(user)] if watching else [str(user), None]},
    )
    return ticket


@transaction.atomic
def comment_add(
    *,
    actor,
    ticket: Ticket,
    body: str,
    is_internal: bool = False,
    time_spent_minutes: int = 0,
    photos: Sequence = (),
) -> Comment:
    """A public reply or an internal note, with photos. A technician's first public reply
    is the ticket's first response; the requester's reply to a ticket waiting on them
    starts the clock again."""
    checked = attachments.check_photos(photos)
    ticket = _locked(ticket)
    worker = works_at(actor, ticket.site)
    if not worker and not follows(actor, ticket):
        raise PermissionDenied("You cannot reply on this ticket.")
    if (is_internal or time_spent_minutes) and not worker:
        raise PermissionDenied("Only technicians can add internal notes or time spent.")
    body = body.strip()
    if not body and not checked:
        raise ValidationError({"body": "Write a reply or attach a photo."})
    if ticket.status == S.CLOSED and not is_internal:
        raise Conflict(f"Ticket #{ticket.pk} is closed; file a new ticket instead.")
    now = timezone.now()
    comment = Comment(
        ticket=ticket,
        author=actor,
        body=body,
        is_internal=is_internal,
        time_spent_minutes=time_spent_minutes,
        created_at=now,
    )
    comment.full_clean()
    comment.save()
    _store_photos(
        actor=actor, ticket=ticket, photos=checked, comment=comment, is_internal=is_internal
    )
    changes = {}
    if not is_internal and worker:
        _mark_response(ticket, now)
    if (
        not is_internal
        and ticket.requester_id == getattr(actor, "pk", None)
        and ticket.status == S.WAITING_ON_REQUESTER
    ):
        changes = _apply_status(ticket, S.IN_PROGRESS, actor=actor, now=now)
    ticket.updated_at = now
    ticket.save()
    Ticket.objects.filter(pk=ticket.pk).update(
        comment_count=F("comment_count") + 1,
        public_comment_count=F("public_comment_count") + (0 if is_internal else 1),
        time_spent_minutes=F("time_spent_minutes") + time_spent_minutes,
    )
    audit.record(
        actor=actor,
        obj=ticket,
        verb=AuditVerb.STATUS_CHANGED if changes else AuditVerb.UPDATED,
        site=ticket.site,
        changes=changes,
        message="Added an internal note" if is_internal else "Replied",
    )
    if not is_internal:
        transaction.on_commit(lambda: mail.send_public_reply(comment.pk))
    return comment


@dataclass
class BulkResult:
    changed: int
    problems: list[str]


def tickets_bulk_change(
    *, actor, tickets: Sequence[Ticket], status: str = "", assignee=None, unassign=False
) -> BulkResult:
    """Change many tickets; each one changes on its own, and those that cannot (an illegal
    move, another site) are named in `problems` while the others go through."""
    changed, problems = 0, []
    for ticket in tickets:
        try:
            with transaction.atomic():
                if assignee is not None or unassign:
                    ticket_assign(actor=actor, ticket=ticket, assignee=assignee)
                if status:
                    ticket_set_status(actor=actor, ticket=ticket, status=status)
        except (Conflict, ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            problems.append(f"#{ticket.pk}: {text}")
        else:
            changed += 1
    return BulkResult(changed, problems)


@transaction.atomic
def ticket_rate(*, ticket_id: int, rating: int) -> tuple[Ticket, bool]:
    """Record the requester's satisfaction from the emailed link: once per ticket, for a
    resolved or closed ticket. Returns the ticket and whether this click recorded it."""
    ticket = Ticket.objects.select_for_update().select_related("site").get(pk=ticket_id)
    if rating not in Satisfaction.values:
        raise ValidationError("Pick one of the ratings in the email.")
    if ticket.satisfaction is not None:
        return ticket, False
    if ticket.status not in DONE_STATUSES:
        raise Conflict(f"Ticket #{ticket.pk} is not resolved yet.")
    ticket.satisfaction = rating
    ticket.satisfaction_at = timezone.now()
    ticket.save(update_fields=["satisfaction", "satisfaction_at"])
    audit.record(
        actor=None,
        obj=ticket,
        verb=AuditVerb.UPDATED,
        site=ticket.site,
        changes={"satisfaction": [None, Satisfaction(rating).label]},
        message="Rated from the email link",
    )
    return ticket, True


@transaction.atomic
def deflection_record(
    *, actor, issue_type: IssueType, article: Article | None = None, site=None
) -> Deflection:
    """“This fixed it”: the troubleshooting steps solved the problem; no ticket is filed.
    Not for physical damage, which no step fixes."""
    if issue_type.physical_damage:
        raise Conflict(f"“{issue_type.name}” needs a repair; file a ticket instead.")
    deflection = Deflection(
        issue_type=issue_type,
        article=article,
        user=actor if actor is not None and actor.is_authenticated else None,
        site=site,
    )
    deflection.full_clean()
    deflection.save()
    audit.record(
        actor=actor,
        obj=deflection,
        verb=AuditVerb.CREATED,
        site=site,
        message=f"Fixed by self-service: {issue_type}",
    )
    return deflection


def _unique_slug(title: str, article: Article | None) -> str:
    base = slugify(title)[:180] or "article"
    slug, n = base, 1
    taken = Article.objects.exclude(pk=getattr(article, "pk", None))
    # “new” is the address of the page that writes an article.
    while slug == "new" or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def article_save(
    *,
    actor,
    article: Article | None = None,
    title: str,
    body: str,
    summary: str = "",
    audience: str = Audience.TEACHER,
    issue_types: Sequence[IssueType] = (),
    is_published: bool = True,
) -> Article:
    """Create or update a knowledge-base article; its HTML is rendered and sanitized here."""
    creating = article is None
    article = Article() if creating else Article.objects.select_for_update().get(pk=article.pk)
    data = {
        "title": title.strip(),
        "body": body,
        "summary": summary.strip(),
        "audience": audience,
        "is_published": is_published,
    }
    changes = audit.apply_changes(article, data)
    if creating or "title" in changes:
        article.slug = _unique_slug(article.title, article)
    article.body_html = render(article.body)
    article.updated_at = timezone.now()
    article.updated_by = actor
    article.full_clean()
    article.save()
    article.issue_types.set(issue_types)
    if "body" in changes:
        changes["body"] = ["…", "…"]
    audit.record(
        actor=actor,
        obj=article,
        verb=AuditVerb.CREATED if creating else AuditVerb.UPDATED,
        changes=changes,
    )
    return article


@dataclass
class SweepReport:
    reminded: int = 0
    closed_silent: int = 0
    closed_resolved: int = 0
    response_breached: int = 0
    resolution_breached: int = 0


def _close_each(tickets, still_status: str, message: str, *, now) -> int:
    """Close each of `tickets` that is still in `still_status` once locked, one transaction
    per ticket, recorded as the system's doing. Returns how many closed."""
    closed = 0
    for ticket in tickets.only("pk"):
        with audit.interface("system"), transaction.atomic():
            locked = _locked(ticket)
            if locked.status != still_status:
                continue
            changes = _apply_status(locked, S.CLOSED, actor=None, now=now)
            locked.save()
            audit.record(
                actor=None,
                obj=locked,
                verb=AuditVerb.STATUS_CHANGED,
                site=locked.site,
                changes=changes,
                message=message,
            )
            closed += 1
    return closed


def helpdesk_sweep(*, now: datetime.datetime | None = None) -> SweepReport:
    """The periodic pass: remind requesters who have not answered, close tickets after the
    configured silence and resolved tickets once their reopen window has passed, and flag
    open tickets whose response or resolution time has run out."""
    now = now or timezone.now()
    options = HelpdeskSettings.current()
    report = SweepReport()
    waiting = Ticket.objects.filter(status=S.WAITING_ON_REQUESTER)
    silent = waiting.filter(
        waiting_since__lte=now - datetime.timedelta(hours=options.auto_close_after_hours)
    )
    report.closed_silent = _close_each(
        silent,
        S.WAITING_ON_REQUESTER,
        f"Closed after {options.auto_close_after_hours} hours without a reply",
        now=now,
    )
    due_reminder = waiting.filter(
        reminded_at__isnull=True,
        waiting_since__lte=now - datetime.timedelta(hours=options.remind_after_hours),
    )
    close_in = max(options.auto_close_after_hours - options.remind_after_hours, 0)
    for pk in due_reminder.values_list("pk", flat=True):
        with transaction.atomic():
            if Ticket.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                transaction.on_commit(lambda pk=pk: mail.send_reminder(pk, close_in))
                report.reminded += 1
    stale = Ticket.objects.filter(
        status=S.RESOLVED,
        resolved_at__lte=now - datetime.timedelta(days=options.reopen_window_days),
    )
    report.closed_resolved = _close_each(
        stale, S.RESOLVED, "Closed after the reopen window", now=now
    )
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
    report.response_breached = open_tickets.filter(
        first_response_at__isnull=True, response_breached=False, response_due_at__lt=now
    ).update(response_breached=True)
    report.resolution_breached = open_tickets.filter(
        resolution_breached=False, resolution_due_at__lt=now
    ).update(resolution_breached=True)
    return report
