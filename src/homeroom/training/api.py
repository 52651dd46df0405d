"""Training in the API: sessions, sign-ups, attendance, certificates and hours, coaching
requests and their visit logs. The same services as the pages, so the same rules."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from homeroom.core.access import requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.core.selectors import rooms_for, sites_for
from homeroom.people.models import User
from homeroom.people.selectors import people_for
from homeroom.training import selectors, services
from homeroom.training.choices import SignUpStatus
from homeroom.training.filters import CoachingFilter, SessionFilter
from homeroom.training.models import CoachingLog, SignUp
from homeroom.training.schemas import (
    AttendanceIn,
    AttendanceOut,
    CoachingIn,
    CoachingLogIn,
    CoachingLogOut,
    CoachingOut,
    CoachingStatusIn,
    HoursYearOut,
    ScheduleIn,
    SessionIn,
    SessionOut,
    SignUpIn,
    SignUpOut,
)

router = Router(tags=["Training"])

VIEW = "training.view_trainingsession"


def _session(request, session_id: int):
    return get_object_or_404(
        selectors.with_counts(selectors.sessions_for(request.auth)), pk=session_id
    )


def _running(request, session_id: int):
    session = _session(request, session_id)
    if not selectors.can_run(request.auth, session):
        raise PermissionDenied("Only the presenter, or someone who runs training there, may.")
    return session


def _coaching(request, coaching_id: int):
    return get_object_or_404(selectors.coaching_for(request.auth), pk=coaching_id)


def _guides(ids: list[int]) -> list:
    guides = list(selectors.guide_choices().filter(pk__in=ids))
    if len(guides) != len(set(ids)):
        raise ValidationError({"guide_ids": "Give published guides for teachers and staff."})
    return guides


def _signup_out(signup: SignUp) -> dict:
    position = None
    if signup.status == SignUpStatus.WAITLISTED:
        position = selectors.waitlist_position(signup)
    return {
        "id": signup.pk,
        "session_id": signup.session_id,
        "person_id": signup.person_id,
        "person": str(signup.person),
        "status": signup.status,
        "signed_up_at": signup.signed_up_at,
        "waitlist_position": position,
    }


@router.get("/training/sessions", response=list[SessionOut])
@requires(VIEW)
@paginate(Pages)
def list_training_sessions(request, filters: Query[SessionFilter]):
    """Sessions the caller may see: upcoming ones, or with dates those in the dates."""
    sessions = filters.filter(selectors.with_counts(selectors.sessions_for(request.auth)))
    if filters.on_or_after is None and filters.on_or_before is None:
        sessions = selectors.upcoming(sessions)
    return sessions.order_by("starts_at", "pk")


@router.get("/training/sessions/{int:session_id}", response=SessionOut)
@requires(VIEW)
def get_training_session(request, session_id: Id):
    return _session(request, session_id)


@router.post("/training/sessions", response={201: SessionOut})
@requires("training.add_trainingsession")
def create_training_session(request, payload: SessionIn):
    """Schedule a session (with `repeat_weekly`, a weekly series; the first is answered)."""
    room = None
    if payload.room_id is not None:
        room = get_object_or_404(rooms_for(request.auth), pk=payload.room_id)
    presenter = request.auth
    if payload.presenter_id is not None:
        presenter = get_object_or_404(User.objects.filter(is_active=True), pk=payload.presenter_id)
    audience = list(sites_for(request.auth).filter(pk__in=payload.audience_site_ids))
    if len(audience) != len(set(payload.audience_site_ids)):
        raise ValidationError({"audience_site_ids": "Give schools you work at."})
    with transaction.atomic():
        session = services.session_create(
            actor=request.auth,
            title=payload.title,
            topic=payload.topic,
            description=payload.description,
            tool_name=payload.tool_name,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            capacity=payload.capacity,
            credit_hours=payload.credit_hours,
            presenter=presenter,
            room=room,
            online_link=payload.online_link,
            audience_roles=[str(role) for role in payload.audience_roles],
            audience_sites=audience,
            audience_grades=payload.audience_grades,
            repeat_weekly=payload.repeat_weekly,
        )
        if payload.guide_ids:
            services.guides_set(
                actor=request.auth, obj=session, articles=_guides(payload.guide_ids)
            )
    return Status(201, _session(request, session.pk))


@router.post("/training/sessions/{int:session_id}/cancel", response=SessionOut)
@requires("training.change_trainingsession")
def cancel_training_session(request, session_id: Id):
    """Cancel a session; everyone signed up gets an email. 409 if already cancelled."""
    services.session_set_status(
        actor=request.auth, session=_session(request, session_id), status="cancelled"
    )
    return _session(request, session_id)


@router.get("/training/sessions/{int:session_id}/signups", response=list[SignUpOut])
@requires("training.view_signup")
def list_training_signups(request, session_id: Id):
    """The seats in order, then the waitlist in order, for whoever runs the session."""
    confirmed, waiting = selectors.seats(_running(request, session_id))
    return [_signup_out(signup) for signup in [*confirmed, *waiting]]


@router.post("/training/sessions/{int:session_id}/signups", response={201: SignUpOut})
@requires("training.add_signup")
def create_training_signup(request, session_id: Id, payload: SignUpIn):
    """Sign up (the caller, or for someone running the session, `person_id`): a seat while
    there is one, else the end of the waitlist. 409 when already signed up or closed."""
    person = None
    if payload.person_id is not None:
        person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
    signup = services.signup_create(
        actor=request.auth, session=_session(request, session_id), person=person
    )
    return Status(201, _signup_out(signup))


@router.post("/training/signups/{int:signup_id}/cancel", response=SignUpOut)
@requires("training.add_signup")
def cancel_training_signup(request, signup_id: Id):
    """Cancel one's own sign-up (or, running the session, anyone's); a freed seat goes to
    the first person waiting. 409 when already cancelled."""
    signup = get_object_or_404(
        SignUp.objects.select_related("person", "session").filter(
            session__in=selectors.sessions_for(request.auth)
        ),
        pk=signup_id,
    )
    own = selectors.person_of(request.auth)
    if (own is None or own.pk != signup.person_id) and not selectors.can_run(
        request.auth, signup.session
    ):
        raise PermissionDenied("That sign-up is someone else's.")
    services.signup_cancel(actor=request.auth, signup=signup)
    signup.refresh_from_db()
    return _signup_out(signup)


@router.get("/training/sessions/{int:session_id}/attendance", response=list[AttendanceOut])
@requires("training.view_attendance")
def list_training_attendance(request, session_id: Id):
    session = _running(request, session_id)
    return sorted(selectors.attendance_of(session).values(), key=lambda a: (str(a.person), a.pk))


@router.post("/training/sessions/{int:session_id}/attendance", response={201: AttendanceOut})
@requires("training.add_attendance")
def record_training_attendance(request, session_id: Id, payload: AttendanceIn):
    """Record that someone came, by `person_id` or a scanned `badge`: present, late or
    left early (`hours` then says how long they stayed). Recording again changes it."""
    session = _running(request, session_id)
    if payload.badge:
        person = services.find_badge(payload.badge)
        if person is None:
            raise ValidationError({"badge": "No staff member has that badge."})
        via = "scan"
    elif payload.person_id is not None:
        person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
        via = "api"
    else:
        raise ValidationError({"person_id": "Give a person or a badge."})
    attendance = services.attendance_record(
        actor=request.auth,
        session=session,
        person=person,
        kind=payload.kind,
        hours=payload.hours,
        via=via,
    )
    return Status(201, attendance)


@router.get("/training/certificates", response=list[HoursYearOut])
@requires(VIEW)
def my_training_certificates(request):
    """The caller's hours by school year (newest first), each attended session with the
    link to its certificate PDF."""
    person = selectors.person_of(request.auth)
    if person is None:
        return []
    years = []
    for year in selectors.transcript(person):
        certificates = [
            {
                "attendance_id": record.pk,
                "session_id": record.session_id,
                "session": record.session.title,
                "date": timezone.localtime(record.session.starts_at).date(),
                "school_year": year["label"],
                "hours": record.hours,
                "url": reverse("training:certificate", args=[record.pk]),
            }
            for record in year["rows"]
        ]
        years.append(
            {"school_year": year["label"], "hours": year["total"], "certificates": certificates}
        )
    return years


@router.get("/training/coaching", response=list[CoachingOut])
@requires("training.view_coachingrequest")
@paginate(Pages)
def list_coaching_requests(request, filters: Query[CoachingFilter]):
    """Requests the caller may see (their own; for coaches, those at their schools)."""
    return filters.filter(selectors.coaching_for(request.auth)).order_by("-created_at", "-pk")


@router.get("/training/coaching/{int:coaching_id}", response=CoachingOut)
@requires("training.view_coachingrequest")
def get_coaching_request(request, coaching_id: Id):
    return _coaching(request, coaching_id)


@router.post("/training/coaching", response={201: CoachingOut})
@requires("training.add_coachingrequest")
def create_coaching_request(request, payload: CoachingIn):
    """Ask for help in class: the tool, the room (or school), the time, what would help."""
    room = site = teacher = None
    if payload.room_id is not None:
        room = get_object_or_404(rooms_for(request.auth), pk=payload.room_id)
    if payload.site_id is not None:
        site = get_object_or_404(sites_for(request.auth), pk=payload.site_id)
    if payload.teacher_id is not None:
        teacher = get_object_or_404(people_for(request.auth), pk=payload.teacher_id)
    made = services.coaching_request_create(
        actor=request.auth,
        tool_name=payload.tool_name,
        details=payload.details,
        wanted_at=payload.wanted_at,
        room=room,
        site=site,
        topic=payload.topic,
        kind=payload.kind or "",
        teacher=teacher,
    )
    return Status(201, _coaching(request, made.pk))


@router.post("/training/coaching/{int:coaching_id}/status", response=CoachingOut)
@requires("training.view_coachingrequest")
def set_coaching_status(request, coaching_id: Id, payload: CoachingStatusIn):
    """Accept (the caller becomes the coach) or decline, for coaches; cancel, for the
    teacher or a coach. 409 when the request cannot move there."""
    services.coaching_set_status(
        actor=request.auth,
        coaching=_coaching(request, coaching_id),
        status=payload.status,
        note=payload.note,
    )
    return _coaching(request, coaching_id)


@router.post("/training/coaching/{int:coaching_id}/schedule", response=CoachingOut)
@requires("training.change_coachingrequest")
def schedule_coaching_visit(request, coaching_id: Id, payload: ScheduleIn):
    """Schedule the visit, or move it; the teacher gets an email."""
    coach = None
    if payload.coach_id is not None:
        coach = get_object_or_404(User.objects.filter(is_active=True), pk=payload.coach_id)
    services.coaching_schedule(
        actor=request.auth,
        coaching=_coaching(request, coaching_id),
        visit_at=payload.visit_at,
        coach=coach,
    )
    return _coaching(request, coaching_id)


@router.get("/training/coaching/{int:coaching_id}/logs", response=list[CoachingLogOut])
@requires("training.view_coachingrequest")
def list_coaching_logs(request, coaching_id: Id):
    return list(selectors.coaching_logs(_coaching(request, coaching_id)))


@router.post("/training/coaching/{int:coaching_id}/logs", response={201: CoachingLogOut})
@requires("training.add_coachinglog")
def log_coaching_visit(request, coaching_id: Id, payload: CoachingLogIn):
    """Log a visit (the first completes a scheduled request). 409 before it is scheduled."""
    log = services.coaching_log_create(
        actor=request.auth,
        coaching=_coaching(request, coaching_id),
        visited_on=payload.visited_on,
        goal=payload.goal,
        kind=payload.kind,
        done=payload.done,
        next_step=payload.next_step,
        follow_up_on=payload.follow_up_on,
        guides=_guides(payload.guide_ids) if payload.guide_ids else None,
    )
    return Status(201, log)


@router.post("/training/coaching/logs/{int:log_id}/follow-up-done", response=CoachingLogOut)
@requires("training.change_coachingrequest")
def finish_coaching_follow_up(request, log_id: Id):
    """Mark a visit's follow-up done. 409 when the visit has no follow-up."""
    log = get_object_or_404(
        CoachingLog.objects.filter(request__in=selectors.coaching_for(request.auth)), pk=log_id
    )
    return services.follow_up_done(actor=request.auth, log=log)
