"""Writes to training: sessions, sign-ups and the waitlist, attendance, coaching visits and
the quick guides linked to them.

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
    COACHING_TRANSITIONS,
    SESSION_TRANSITIONS,
    SIGNUP_TRANSITIONS,
    AttendanceKind,
    CoachingStatus,
    RecordedVia,
    SessionStatus,
    SignUpStatus,
    SupportKind,
    Topic,
)
from homeroom.training.models import (
    MAX_HOURS,
    Attendance,
    CoachingLog,
    CoachingRequest,
    SignUp,
    TrainingSession,
)

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


# Coaching and in-class support.


def _require_coach(actor, coaching: CoachingRequest) -> None:
    if actor is not None and not selectors.can_coach(actor, coaching.site):
        raise PermissionDenied(f"Only a coach at {coaching.site} can do this.")


def _is_asker(actor, coaching: CoachingRequest) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    own = selectors.person_of(actor)
    return coaching.requested_by_id == actor.pk or (
        own is not None and own.pk == coaching.teacher_id
    )


def _lock_coaching(coaching: CoachingRequest) -> CoachingRequest:
    locked = (
        CoachingRequest.objects.select_for_update(of=("self",))
        .select_related("teacher", "site", "room", "coach")
        .filter(pk=coaching.pk)
        .first()
    )
    if locked is None:
        raise Conflict("That request no longer exists.")
    return locked


def _move(coaching: CoachingRequest, status: str) -> str:
    """Check a move against the transition map; returns the old status."""
    if status not in COACHING_TRANSITIONS.get(coaching.status, set()):
        labels = dict(CoachingStatus.choices)
        raise Conflict(
            f"This request is {coaching.get_status_display().lower()}; it cannot become "
            f"{labels.get(status, status).lower()}."
        )
    return coaching.status


@transaction.atomic
def coaching_request_create(
    *,
    actor,
    tool_name: str,
    details: str,
    wanted_at: datetime.datetime,
    room=None,
    site=None,
    topic: str = Topic.TOOL,
    kind: str = "",
    teacher=None,
) -> CoachingRequest:
    """A teacher asks for help in class: the tool, the room, the time and what they want.
    A coach may ask on a teacher's behalf (`teacher`)."""
    _require(actor, "training.add_coachingrequest", "Your role does not ask for coaching.")
    own = selectors.person_of(actor) if actor is not None else None
    if teacher is None:
        if own is None and actor is not None:
            raise ValidationError(
                "Your account is not linked to a staff record, so it cannot ask for a visit. "
                "Ask a district admin to link it."
            )
        teacher = own
    if teacher is None:
        raise ValidationError({"teacher": "Say which teacher the help is for."})
    if teacher.kind == "student":
        raise ValidationError({"teacher": "Coaching is for staff."})
    if not teacher.is_active:
        raise ValidationError({"teacher": f"{teacher} is no longer active."})
    if room is not None:
        site = room.site
    site = site or teacher.primary_site
    if site is None:
        raise ValidationError({"room": "Choose the room the visit is in."})
    for_someone_else = own is None or own.pk != teacher.pk
    if for_someone_else and actor is not None and not selectors.can_coach(actor, site):
        raise PermissionDenied("You can ask for help for yourself only.")
    require_site_access(actor, site)
    if wanted_at is None or wanted_at < timezone.now():
        raise ValidationError({"wanted_at": "Choose a time that has not passed yet."})
    if kind and kind not in SupportKind.values:
        raise ValidationError({"kind": "Choose one of the kinds of support."})
    coaching = CoachingRequest(
        teacher=teacher,
        requested_by=_who(actor),
        site=site,
        room=room,
        tool_name=(tool_name or "").strip(),
        topic=topic,
        wanted_at=wanted_at,
        details=(details or "").strip(),
        kind=kind or "",
    )
    coaching.full_clean()
    coaching.save()
    audit.record(
        actor=actor,
        obj=coaching,
        verb=AuditVerb.CREATED,
        site=site,
        changes={
            "teacher": [None, str(teacher)],
            "tool_name": [None, coaching.tool_name],
            "wanted_at": [None, audit.as_json(wanted_at)],
            "room": [None, str(room) if room else None],
        },
        message=f"{teacher} asked for help with {coaching.tool_name}",
    )
    return coaching


@transaction.atomic
def coaching_set_status(
    *, actor, coaching: CoachingRequest, status: str, note: str = ""
) -> CoachingRequest:
    """Accept (the actor becomes the coach), decline or cancel a request. The teacher may
    cancel their own; accepting and declining are for coaches at the request's school.
    Scheduling and completing have their own services."""
    coaching = _lock_coaching(coaching)
    if status in {CoachingStatus.SCHEDULED, CoachingStatus.COMPLETED}:
        raise ValidationError(
            {"status": "Schedule the visit with its time, or log it to complete it."}
        )
    if not (status == CoachingStatus.CANCELLED and _is_asker(actor, coaching)):
        _require_coach(actor, coaching)
    old = _move(coaching, status)
    note = (note or "").strip()[:300]
    changes = {"status": [old, status]}
    coaching.status = status
    coaching.status_note = note
    coaching.updated_at = timezone.now()
    if status == CoachingStatus.ACCEPTED and actor is not None and actor.is_authenticated:
        changes["coach"] = [str(coaching.coach) if coaching.coach else None, str(actor)]
        coaching.coach = actor
    coaching.full_clean()
    coaching.save()
    audit.record(
        actor=actor,
        obj=coaching,
        verb=AuditVerb.STATUS_CHANGED,
        site=coaching.site,
        changes=changes,
        message=note,
    )
    return coaching


@transaction.atomic
def coaching_schedule(
    *, actor, coaching: CoachingRequest, visit_at: datetime.datetime, coach=None
) -> CoachingRequest:
    """Schedule the visit (or move it): when, and who comes (the actor unless `coach`).
    The teacher gets an email."""
    coaching = _lock_coaching(coaching)
    _require_coach(actor, coaching)
    coach = coach or (actor if actor is not None and actor.is_authenticated else coaching.coach)
    if coach is None or not selectors.can_coach(coach, coaching.site):
        raise ValidationError({"coach": f"Choose a coach who works at {coaching.site}."})
    if visit_at is None or visit_at < timezone.now():
        raise ValidationError({"visit_at": "Choose a time that has not passed yet."})
    old = _move(coaching, CoachingStatus.SCHEDULED)
    moved = old == CoachingStatus.SCHEDULED
    changes = audit.apply_changes(
        coaching, {"status": CoachingStatus.SCHEDULED, "visit_at": visit_at, "coach": coach}
    )
    if not changes:
        return coaching
    coaching.updated_at = timezone.now()
    coaching.full_clean()
    coaching.save()
    audit.record(
        actor=actor,
        obj=coaching,
        verb=AuditVerb.STATUS_CHANGED if not moved else AuditVerb.UPDATED,
        site=coaching.site,
        changes=changes,
        message=f"Visit {'moved to' if moved else 'scheduled for'} {when(visit_at)} with {coach}",
    )
    transaction.on_commit(lambda: mail.visit_scheduled(coaching, moved=moved))
    return coaching


@transaction.atomic
def coaching_log_create(
    *,
    actor,
    coaching: CoachingRequest,
    visited_on: datetime.date,
    goal: str,
    kind: str,
    done: str,
    next_step: str = "",
    follow_up_on: datetime.date | None = None,
    guides=None,
) -> CoachingLog:
    """Log a visit: the goal, the kind of support, what was done, the next step and a
    follow-up date. The first log of a scheduled visit completes the request; a later
    visit is logged on a completed one. `guides` adds the quick guides it used."""
    coaching = _lock_coaching(coaching)
    _require(actor, "training.add_coachinglog", "Your role does not log coaching visits.")
    _require_coach(actor, coaching)
    if coaching.status not in {CoachingStatus.SCHEDULED, CoachingStatus.COMPLETED}:
        raise Conflict("Schedule the visit before logging it.")
    today = timezone.localdate()
    if visited_on is None or visited_on > today:
        raise ValidationError({"visited_on": "Log a visit on the day it happened, or later."})
    if follow_up_on is not None and follow_up_on < visited_on:
        raise ValidationError({"follow_up_on": "The follow-up comes after the visit."})
    coach = _who(actor) or coaching.coach
    log = CoachingLog(
        request=coaching,
        coach=coach,
        visited_on=visited_on,
        goal=(goal or "").strip(),
        kind=kind,
        done=(done or "").strip(),
        next_step=(next_step or "").strip(),
        follow_up_on=follow_up_on,
    )
    log.full_clean()
    log.save()
    audit.record(
        actor=actor,
        obj=log,
        verb=AuditVerb.CREATED,
        site=coaching.site,
        changes={
            "goal": [None, log.goal],
            "kind": [None, kind],
            "follow_up_on": [None, audit.as_json(follow_up_on)],
        },
        message=f"Logged a visit to {coaching.teacher}",
    )
    if coaching.status == CoachingStatus.SCHEDULED:
        old = _move(coaching, CoachingStatus.COMPLETED)
        coaching.status = CoachingStatus.COMPLETED
        coaching.updated_at = timezone.now()
        coaching.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            obj=coaching,
            verb=AuditVerb.STATUS_CHANGED,
            site=coaching.site,
            changes={"status": [old, CoachingStatus.COMPLETED]},
        )
    if guides:
        _link_guides(actor, coaching, list(guides), site=coaching.site, keep=True)
    return log


@transaction.atomic
def follow_up_done(*, actor, log: CoachingLog) -> CoachingLog:
    """Mark a visit's follow-up as done, so it leaves the coach's Today."""
    log = (
        CoachingLog.objects.select_for_update()
        .select_related("request", "request__site")
        .get(pk=log.pk)
    )
    _require_coach(actor, log.request)
    if log.follow_up_on is None:
        raise Conflict("This visit has no follow-up.")
    if log.follow_up_done_at is not None:
        return log
    log.follow_up_done_at = timezone.now()
    log.save(update_fields=["follow_up_done_at"])
    audit.record(
        actor=actor,
        obj=log,
        verb=AuditVerb.UPDATED,
        site=log.request.site,
        changes={"follow_up_done_at": [None, audit.as_json(log.follow_up_done_at)]},
        message=f"Followed up with {log.request.teacher}",
    )
    return log


def _link_guides(actor, obj, articles: list, *, site, keep: bool = False) -> list:
    """Set (or with `keep`, add to) the quick guides linked to a session or a request."""
    allowed = set(selectors.guide_choices().values_list("pk", flat=True))
    refused = [article for article in articles if article.pk not in allowed]
    if refused:
        raise ValidationError(
            {"guides": f"“{refused[0]}” is not a published guide for teachers and staff."}
        )
    before = sorted(obj.guides.values_list("pk", flat=True))
    after = (
        sorted(set(before) | {a.pk for a in articles}) if keep else sorted({a.pk for a in articles})
    )
    if before != after:
        obj.guides.set(after)
        audit.record(
            actor=actor,
            obj=obj,
            verb=AuditVerb.UPDATED,
            site=site,
            changes={"guides": [before, after]},
            message="Linked quick guides",
        )
    return after


@transaction.atomic
def guides_set(*, actor, obj, articles) -> list:
    """Link quick guides (teachers' knowledge-base articles) to a session (for someone who
    runs it) or a coaching request (for its coaches); replaces the ones linked before."""
    if isinstance(obj, TrainingSession):
        obj = _lock(obj)
        _require_run(actor, obj)
        site = obj.site
    else:
        obj = _lock_coaching(obj)
        _require_coach(actor, obj)
        site = obj.site
    return _link_guides(actor, obj, list(articles), site=site)
