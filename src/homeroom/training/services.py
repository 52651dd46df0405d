"""Writes to training: sessions, sign-ups and the waitlist, attendance.

Seats are handed out under a lock on the session's row, so two people signing up for the
last seat at once get one seat and one waitlist place, never a session over capacity. A
refused write raises before anything is saved, so it changes nothing."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.services import require_site_access
from homeroom.core.templatetags.homeroom import when
from homeroom.training import mail, selectors
from homeroom.training.choices import (
    ACTIVE_SIGNUPS,
    SESSION_TRANSITIONS,
    SIGNUP_TRANSITIONS,
    AttendanceKind,
    RecordedVia,
    SessionStatus,
    SignUpStatus,
)
from homeroom.training.models import MAX_HOURS, Attendance, SignUp, TrainingSession

# Attendance opens this long before a session starts (people arrive early), and a scan this
# long after the start counts as late.
DOORS_OPEN = datetime.timedelta(hours=1)
LATE_AFTER = datetime.timedelta(minutes=10)
MAX_SERIES = 20


def _who(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _require(actor, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(message)


def _require_run(actor, session: TrainingSession) -> None:
    if actor is not None and not selectors.can_run(actor, session):
        raise PermissionDenied(
            "Only the presenter, or someone who runs training at its school, can do this."
        )


def _lock(session: TrainingSession) -> TrainingSession:
    locked = TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
    if locked is None:
        raise Conflict("That session no longer exists.")
    return locked


def hours_of(value, field: str = "hours") -> Decimal:
    """Hours such as 1.5 or "0.75": at most two decimal places, 0 to 40."""
    if isinstance(value, float):
        value = str(value)
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, TypeError):
        raise ValidationError({field: "Enter hours such as 1.5."}) from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
        raise ValidationError({field: f"Hours must be between 0 and {MAX_HOURS}."})
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({field: "Hours have at most two decimal places."})
    return hours.quantize(Decimal("0.01"))


@transaction.atomic
def session_create(
    *,
    actor,
    title: str,
    topic: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    credit_hours,
    presenter,
    description: str = "",
    tool_name: str = "",
    site=None,
    room=None,
    online_link: str = "",
    audience_roles: list[str] | None = None,
    audience_sites=(),
    audience_grades: str = "",
    repeat_weekly: int = 0,
) -> TrainingSession:
    """Schedule a session, or with `repeat_weekly` a series: the same session that many
    more times a week apart. Returns the first."""
    _require(actor, "training.add_trainingsession", "Your role does not schedule training.")
    if room is not None:
        site = room.site
    if site is not None:
        require_site_access(actor, site)
    elif actor is not None and not actor.sees_all_sites and not online_link:
        raise ValidationError({"room": "Choose a room at one of your schools, or a link."})
    if presenter is None or not presenter.is_active:
        raise ValidationError({"presenter": "Choose who presents the session."})
    if not 0 <= repeat_weekly <= MAX_SERIES:
        raise ValidationError({"repeat_weekly": f"A series repeats at most {MAX_SERIES} times."})
    audience_sites = list(audience_sites)
    first = None
    for week in range(repeat_weekly + 1):
        shift = datetime.timedelta(weeks=week)
        session = TrainingSession(
            title=(title or "").strip(),
            description=(description or "").strip(),
            topic=topic,
            tool_name=(tool_name or "").strip(),
            audience_roles=list(audience_roles or []),
            audience_grades=(audience_grades or "").strip(),
            presenter=presenter,
            starts_at=starts_at + shift,
            ends_at=ends_at + shift,
            site=site,
            room=room,
            online_link=(online_link or "").strip(),
            capacity=capacity,
            credit_hours=hours_of(credit_hours, "credit_hours"),
            series=first,
        )
        session.full_clean()
        session.save()
        session.audience_sites.set(audience_sites)
        audit.record(
            actor=actor,
            obj=session,
            verb=AuditVerb.CREATED,
            site=session.site,
            changes={
                "title": [None, session.title],
                "topic": [None, session.topic],
                "starts_at": [None, audit.as_json(session.starts_at)],
                "capacity": [None, session.capacity],
                "credit_hours": [None, str(session.credit_hours)],
                "presenter": [None, str(presenter)],
            },
            message=f"Scheduled {session.title} for {when(session.starts_at)}",
        )
        first = first or session
    return first


@transaction.atomic
def session_update(*, actor, session: TrainingSession, **data) -> TrainingSession:
    """Change a session's details. Raising the capacity gives the new seats to the people
    waiting, in order; lowering it below the seats taken is refused."""
    session = _lock(session)
    _require(actor, "training.change_trainingsession", "Your role does not change training.")
    _require_run(actor, session)
    audience_sites = data.pop("audience_sites", None)
    if "credit_hours" in data:
        data["credit_hours"] = hours_of(data["credit_hours"], "credit_hours")
    for field in ("title", "description", "tool_name", "online_link", "audience_grades"):
        if field in data:
            data[field] = (data[field] or "").strip()
    if data.get("room") is not None:
        data["site"] = data["room"].site
    changes = audit.apply_changes(session, data)
    if "site" in changes and session.site_id:
        require_site_access(actor, session.site)
    taken = session.signups.filter(status=SignUpStatus.CONFIRMED).count()
    if session.capacity < taken:
        raise ValidationError(
            {"capacity": f"{taken} people already have seats; cancel some sign-ups first."}
        )
    if audience_sites is not None:
        before = sorted(site.pk for site in session.audience_sites.all())
        after = sorted(site.pk for site in audience_sites)
        if before != after:
            changes["audience_sites"] = [before, after]
    if changes:
        session.full_clean()
        session.save()
        if audience_sites is not None:
            session.audience_sites.set(audience_sites)
        audit.record(
            actor=actor, obj=session, verb=AuditVerb.UPDATED, site=session.site, changes=changes
        )
        _fill_seats(actor, session)
    return session


@transaction.atomic
def session_set_status(*, actor, session: TrainingSession, status: str) -> TrainingSession:
    """Cancel a session (the only move): everyone signed up is told by mail."""
    session = _lock(session)
    _require(actor, "training.change_trainingsession", "Your role does not change training.")
    _require_run(actor, session)
    if status not in SESSION_TRANSITIONS.get(session.status, set()):
        raise Conflict(
            f"This session is {session.get_status_display().lower()}; it cannot become "
            f"{dict(SessionStatus.choices).get(status, status).lower()}."
        )
    old = session.status
    session.status = status
    session.save(update_fields=["status"])
    audit.record(
        actor=actor,
        obj=session,
        verb=AuditVerb.STATUS_CHANGED,
        site=session.site,
        changes={"status": [old, status]},
    )
    if status == SessionStatus.CANCELLED:
        people = [signup.person for signup in selectors.live_signups(session)]
        transaction.on_commit(lambda: mail.session_cancelled(session, people))
    return session


def _person_for(actor, session, person):
    """Whom a sign-up is for: the actor's own staff record, or for someone who runs the
    session, anyone on the staff."""
    own = selectors.person_of(actor) if actor is not None else None
    if person is None:
        if own is None:
            raise ValidationError(
                "Your account is not linked to a staff record, so it cannot sign up. Ask a "
                "district admin to link it."
            )
        return own
    if own is not None and own.pk == person.pk:
        return own
    _require_run(actor, session)
    if person.kind == "student":
        raise ValidationError({"person": "Training is for staff; students do not sign up."})
    return person


@transaction.atomic
def signup_create(*, actor, session: TrainingSession, person=None) -> SignUp:
    """Sign a person up: a seat while there is one, else the end of the waitlist."""
    _require(actor, "training.add_signup", "Your role does not sign up for training.")
    session = _lock(session)
    person = _person_for(actor, session, person)
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict("This session is cancelled; look for another in the catalog.")
    now = timezone.now()
    if session.starts_at <= now:
        raise Conflict("This session has already started; sign-ups are closed.")
    if not person.is_active:
        raise ValidationError({"person": f"{person} is no longer active."})
    audience = list(session.audience_sites.values_list("pk", flat=True))
    if audience and person.primary_site_id not in audience:
        raise ValidationError({"person": f"This session is for other schools than {person}'s."})
    existing = session.signups.filter(person=person, status__in=ACTIVE_SIGNUPS).first()
    if existing is not None:
        where = "has a seat" if existing.status == SignUpStatus.CONFIRMED else "is waiting"
        raise Conflict(f"{person} already {where} in this session.")
    taken = session.signups.filter(status=SignUpStatus.CONFIRMED).count()
    status = SignUpStatus.CONFIRMED if taken < session.capacity else SignUpStatus.WAITLISTED
    signup = SignUp(
        session=session,
        person=person,
        status=status,
        signed_up_at=now,
        confirmed_at=now if status == SignUpStatus.CONFIRMED else None,
        signed_up_by=_who(actor),
    )
    signup.full_clean(validate_constraints=False)
    signup.save()
    position = 0 if status == SignUpStatus.CONFIRMED else selectors.waitlist_position(signup)
    audit.record(
        actor=actor,
        obj=signup,
        verb=AuditVerb.CREATED,
        site=session.site,
        changes={"person": [None, str(person)], "status": [None, status]},
        message=(
            f"{person} has a seat"
            if not position
            else f"{person} is number {position} on the waitlist"
        ),
    )
    transaction.on_commit(lambda: mail.signed_up(signup, position))
    return signup


def _fill_seats(actor, session: TrainingSession) -> list[SignUp]:
    """Give free seats of a locked session to the people waiting, first come first served,
    and mail each of them. Nobody moves up once the session has started."""
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= timezone.now():
        return []
    taken = session.signups.filter(status=SignUpStatus.CONFIRMED).count()
    free = session.capacity - taken
    if free <= 0:
        return []
    moved = list(
        session.signups.select_for_update(of=("self",))
        .filter(status=SignUpStatus.WAITLISTED)
        .select_related("person", "person__user")
        .order_by("signed_up_at", "pk")[:free]
    )
    now = timezone.now()
    for signup in moved:
        signup.status = SignUpStatus.CONFIRMED
        signup.confirmed_at = now
        signup.save(update_fields=["status", "confirmed_at"])
        signup.session = session
        audit.record(
            actor=actor,
            obj=signup,
            verb=AuditVerb.STATUS_CHANGED,
            site=session.site,
            changes={"status": [SignUpStatus.WAITLISTED, SignUpStatus.CONFIRMED]},
            message=f"{signup.person} moved up from the waitlist",
        )
        transaction.on_commit(lambda signup=signup: mail.promoted(signup))
    return moved


@transaction.atomic
def signup_cancel(*, actor, signup: SignUp) -> SignUp:
    """Cancel a sign-up (one's own, or as someone who runs the session). A freed seat goes
    to the first person waiting, who gets an email."""
    session = _lock(signup.session)
    signup = SignUp.objects.select_for_update().select_related("person").get(pk=signup.pk)
    own = selectors.person_of(actor) if actor is not None else None
    if own is None or own.pk != signup.person_id:
        _require_run(actor, session)
    if SignUpStatus.CANCELLED not in SIGNUP_TRANSITIONS[signup.status]:
        raise Conflict("This sign-up is already cancelled.")
    old = signup.status
    signup.status = SignUpStatus.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    audit.record(
        actor=actor,
        obj=signup,
        verb=AuditVerb.STATUS_CHANGED,
        site=session.site,
        changes={"status": [old, SignUpStatus.CANCELLED]},
        message=f"{signup.person} cancelled",
    )
    if old == SignUpStatus.CONFIRMED:
        _fill_seats(actor, session)
    return signup


def _attendance_open(session: TrainingSession) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict("This session is cancelled; there is no attendance to take.")
    if timezone.now() < session.starts_at - DOORS_OPEN:
        raise Conflict(
            f"Attendance opens an hour before the session starts ({when(session.starts_at)})."
        )


@transaction.atomic
def attendance_record(
    *,
    actor,
    session: TrainingSession,
    person,
    kind: str = AttendanceKind.PRESENT,
    hours=None,
    via: str = RecordedVia.TICK,
) -> Attendance:
    """Record that `person` came: on time or late for the session's full credit unless
    `hours` says less, or leaving early for the `hours` given. Recording again changes it."""
    session = _lock(session)
    _require_run(actor, session)
    _attendance_open(session)
    if kind not in AttendanceKind.values:
        raise ValidationError({"kind": "Choose present, came late or left early."})
    if person.kind == "student":
        raise ValidationError({"person": "Training attendance is for staff."})
    if hours is None or hours == "":
        if kind == AttendanceKind.PARTIAL:
            raise ValidationError({"hours": f"Say how many hours {person} stayed for."})
        hours = session.credit_hours
    hours = hours_of(hours)
    if hours > session.credit_hours:
        raise ValidationError(
            {"hours": f"At most the session's {session.credit_hours} hours can be credited."}
        )
    attendance = (
        Attendance.objects.select_for_update().filter(session=session, person=person).first()
    )
    if attendance is not None:
        changes = audit.apply_changes(attendance, {"kind": kind, "hours": hours})
        if changes:
            attendance.recorded_by = _who(actor)
            attendance.via = via
            attendance.full_clean(validate_constraints=False)
            attendance.save()
            audit.record(
                actor=actor,
                obj=attendance,
                verb=AuditVerb.UPDATED,
                site=session.site,
                changes=changes,
            )
        return attendance
    signup = session.signups.filter(person=person, status__in=ACTIVE_SIGNUPS).first()
    attendance = Attendance(
        session=session,
        person=person,
        signup=signup,
        kind=kind,
        hours=hours,
        via=via,
        recorded_by=_who(actor),
    )
    attendance.full_clean(validate_constraints=False)
    attendance.save()
    audit.record(
        actor=actor,
        obj=attendance,
        verb=AuditVerb.CREATED,
        site=session.site,
        changes={
            "person": [None, str(person)],
            "kind": [None, kind],
            "hours": [None, str(hours)],
            "via": [None, via],
        },
        message=f"{person} attended ({hours} h)",
    )
    return attendance


@transaction.atomic
def attendance_remove(*, actor, attendance: Attendance) -> None:
    """Take a person off the attendance (ticked by mistake)."""
    session = _lock(attendance.session)
    _require_run(actor, session)
    attendance = Attendance.objects.select_for_update().filter(pk=attendance.pk).first()
    if attendance is None:
        return
    audit.record(
        actor=actor,
        obj=attendance,
        verb=AuditVerb.DELETED,
        site=session.site,
        changes={"person": [str(attendance.person), None], "hours": [str(attendance.hours), None]},
        message=f"{attendance.person} taken off the attendance",
    )
    attendance.delete()


def find_badge(code: str):
    """The active staff member whose badge (local id) is `code`, or None."""
    from homeroom.people.models import Person

    code = (code or "").strip()
    if not code:
        return None
    matches = list(
        Person.objects.filter(identifier=code, is_active=True).exclude(kind="student")[:2]
    )
    return matches[0] if len(matches) == 1 else None


def attendance_scan(*, actor, session: TrainingSession, code: str) -> tuple[Attendance, bool]:
    """A badge scanned at the door: present, or late once the session is ten minutes in.
    Returns (attendance, whether it is new); a second scan of the same badge changes
    nothing."""
    person = find_badge(code)
    if person is None:
        raise ValidationError({"scan": f"No staff member has the badge “{code.strip()}”."})
    existing = Attendance.objects.filter(session=session, person=person).first()
    if existing is not None:
        _require_run(actor, session)
        return existing, False
    late = timezone.now() > session.starts_at + LATE_AFTER
    kind = AttendanceKind.LATE if late else AttendanceKind.PRESENT
    return (
        attendance_record(
            actor=actor, session=session, person=person, kind=kind, via=RecordedVia.SCAN
        ),
        True,
    )


@transaction.atomic
def feedback_submit(*, actor, session: TrainingSession, rating, comment: str = ""):
    """The actor's feedback on a session they attended: once, after it has started."""
    from homeroom.training.models import Feedback

    person = selectors.person_of(actor) if actor is not None else None
    if person is None or not Attendance.objects.filter(session=session, person=person).exists():
        raise PermissionDenied("Only people who attended the session give feedback on it.")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError({"rating": "Choose a rating from 1 to 5."}) from None
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    if Feedback.objects.filter(session=session, person=person).exists():
        raise Conflict("You already gave feedback on this session. Thank you!")
    feedback = Feedback(session=session, person=person, rating=rating, comment=comment.strip())
    feedback.full_clean(validate_constraints=False)
    feedback.save()
    audit.record(
        actor=actor,
        obj=feedback,
        verb=AuditVerb.CREATED,
        site=session.site,
        changes={"rating": [None, rating]},
        message=f"Feedback from {person}: {rating}/5",
    )
    return feedback


def reminders_send(now: datetime.datetime | None = None) -> str:
    """Mail everyone with a seat at a session that starts tomorrow (in the district's time)
    and has not been reminded yet. Run by the sweep; running it twice sends nothing twice."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()), zone)
    last = first + datetime.timedelta(days=1)
    sent = 0
    due = SignUp.objects.filter(
        status=SignUpStatus.CONFIRMED,
        reminded_at__isnull=True,
        session__status=SessionStatus.SCHEDULED,
        session__starts_at__gte=first,
        session__starts_at__lt=last,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            signup = (
                SignUp.objects.select_for_update(of=("self",))
                .select_related("session", "session__room", "session__room__site", "person")
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if signup is None:
                continue
            signup.reminded_at = now
            signup.save(update_fields=["reminded_at"])
            transaction.on_commit(lambda signup=signup: mail.reminder(signup))
            sent += 1
    return f"{sent} reminder{'s' if sent != 1 else ''} for tomorrow's sessions"
