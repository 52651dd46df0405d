"""Test day in the API: platforms, testing windows and their readiness, sessions with their
students and device bindings, and incidents. The same services and selectors as the pages,
so the same rules."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from homeroom.core.access import requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.testday import selectors, services
from homeroom.testday.filters import PlatformFilter, TestingSessionFilter, WindowFilter
from homeroom.testday.schemas import (
    BindIn,
    IncidentIn,
    IncidentOut,
    PlatformOut,
    ResolveIn,
    SchoolReadinessOut,
    SessionStatusIn,
    StudentOut,
    SwapIn,
    SwapOut,
    TestingSessionDetailOut,
    TestingSessionOut,
    WindowOut,
)

router = Router(tags=["Test day"])

VIEW_PLATFORMS = "testday.view_assessmentplatform"
VIEW_WINDOWS = "testday.view_testingwindow"
VIEW_SESSIONS = "testday.view_testsession"


@router.get("/testday/platforms", response=list[PlatformOut])
@requires(VIEW_PLATFORMS)
@paginate(Pages)
def list_testday_platforms(request, filters: Query[PlatformFilter]):
    return filters.filter(selectors.platforms_for(request.auth)).order_by("name")


@router.get("/testday/platforms/{int:platform_id}", response=PlatformOut)
@requires(VIEW_PLATFORMS)
def get_testday_platform(request, platform_id: Id):
    return get_object_or_404(selectors.platforms_for(request.auth), pk=platform_id)


@router.get("/testday/windows", response=list[WindowOut])
@requires(VIEW_WINDOWS)
@paginate(Pages)
def list_testday_windows(request, filters: Query[WindowFilter]):
    windows = filters.filter(selectors.windows_for(request.auth))
    return windows.prefetch_related("sites").order_by("starts_on", "pk")


def _window(request, window_id: int):
    return get_object_or_404(
        selectors.windows_for(request.auth).prefetch_related("sites"), pk=window_id
    )


@router.get("/testday/windows/{int:window_id}", response=WindowOut)
@requires(VIEW_WINDOWS)
def get_testday_window(request, window_id: Id):
    return _window(request, window_id)


@router.get("/testday/windows/{int:window_id}/readiness", response=list[SchoolReadinessOut])
@requires(VIEW_WINDOWS)
def get_testday_readiness(request, window_id: Id):
    """Each of the window's schools the caller works at: its testing devices against the
    window's platform, counted by state, with the reasons."""
    schools = selectors.readiness_summary(request.auth, _window(request, window_id), timezone.now())
    return [
        {
            "site_id": school.site.pk,
            "site": school.site.name,
            "status": school.status,
            "total": school.total,
            "ready": school.ready,
            "warning": school.warning,
            "not_ready": school.not_ready,
            "spares": school.spares,
            "reasons": dict(school.reasons),
        }
        for school in schools
    ]


def _session_out(session) -> dict:
    return {
        "id": session.pk,
        "window_id": session.window_id,
        "title": session.title,
        "site_id": session.site_id,
        "room_id": session.room_id,
        "room": str(session.room),
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "kind": session.kind,
        "make_up_for_id": session.make_up_for_id,
        "status": session.status,
        "administrator_ids": sorted(user.pk for user in session.administrators.all()),
        "proctor_ids": sorted(user.pk for user in session.proctors.all()),
    }


def _student_out(entry, accommodations: bool) -> dict:
    return {
        "id": entry.pk,
        "person_id": entry.person_id,
        "person": str(entry.person),
        "absent": entry.absent,
        "device_id": entry.device_id,
        "device": str(entry.device) if entry.device_id else None,
        "accommodations": entry.accommodations if accommodations else None,
    }


@router.get("/testday/sessions", response=list[TestingSessionOut])
@requires(VIEW_SESSIONS)
@paginate(Pages)
def list_testday_sessions(request, filters: Query[TestingSessionFilter]):
    sessions = filters.filter(selectors.sessions_for(request.auth))
    sessions = sessions.prefetch_related("administrators", "proctors").order_by("starts_at", "pk")
    return [_session_out(session) for session in sessions]


def _session(request, session_id: int):
    return get_object_or_404(selectors.sessions_for(request.auth), pk=session_id)


def _session_detail(request, session) -> dict:
    private = selectors.sees_accommodations(request.auth, session)
    return {
        **_session_out(session),
        "students": [_student_out(entry, private) for entry in selectors.roster(session)],
    }


@router.get("/testday/sessions/{int:test_session_id}", response=TestingSessionDetailOut)
@requires(VIEW_SESSIONS)
def get_testday_session(request, test_session_id: Id):
    """A session with its students and the device each is bound to."""
    return _session_detail(request, _session(request, test_session_id))


@router.post("/testday/sessions/{int:test_session_id}/bindings", response=StudentOut)
@requires(VIEW_SESSIONS)
def bind_testday_device(request, test_session_id: Id, payload: BindIn):
    """Bind a device (asset tag or serial) to a student of the session."""
    session = _session(request, test_session_id)
    entry = get_object_or_404(session.students.all(), pk=payload.student_id)
    entry = services.device_bind(actor=request.auth, entry=entry, scan=payload.device)
    return _student_out(entry, selectors.sees_accommodations(request.auth, session))


@router.get("/testday/sessions/{int:test_session_id}/incidents", response=list[IncidentOut])
@requires(VIEW_SESSIONS)
def list_testday_incidents(request, test_session_id: Id):
    session = _session(request, test_session_id)
    return list(selectors.incidents_for(request.auth).filter(session=session))


@router.post("/testday/sessions/{int:test_session_id}/incidents", response={201: IncidentOut})
@requires(VIEW_SESSIONS)
def create_testday_incident(request, test_session_id: Id, payload: IncidentIn):
    """Log an incident in a session (its administrators, proctors, and whoever runs testing
    at its school)."""
    session = _session(request, test_session_id)
    student = None
    if payload.student_id is not None:
        student = get_object_or_404(session.students.all(), pk=payload.student_id)
    incident = services.incident_log(
        actor=request.auth,
        session=session,
        kind=payload.kind,
        student=student,
        device_scan=payload.device,
        noticed_at=payload.noticed_at,
        description=payload.description,
        action_taken=payload.action_taken,
        resolved=payload.resolved,
        testing_resumed=payload.testing_resumed,
        open_ticket=payload.open_ticket,
    )
    return Status(201, incident)


@router.post("/testday/sessions/{int:test_session_id}/status", response=TestingSessionOut)
@requires(VIEW_SESSIONS)
def set_testday_session_status(request, test_session_id: Id, payload: SessionStatusIn):
    """Start, end, reopen or cancel a session, as its lifecycle allows."""
    session = services.session_set_status(
        actor=request.auth, session=_session(request, test_session_id), status=payload.status
    )
    return _session_out(session)


@router.post("/testday/sessions/{int:test_session_id}/swaps", response={201: SwapOut})
@requires(VIEW_SESSIONS)
def swap_testday_device(request, test_session_id: Id, payload: SwapIn):
    """Move a student to a spare: the binding moves, the swap is kept, and the failed device
    gets a ticket unless `open_ticket` is false or the incident has one."""
    session = _session(request, test_session_id)
    entry = get_object_or_404(session.students.all(), pk=payload.student_id)
    incident = None
    if payload.incident_id is not None:
        incident = get_object_or_404(
            selectors.incidents_for(request.auth).filter(session=session), pk=payload.incident_id
        )
    swap = services.device_swap(
        actor=request.auth,
        entry=entry,
        scan=payload.device,
        incident=incident,
        open_ticket=payload.open_ticket,
    )
    return Status(201, swap)


def _incident(request, incident_id: int):
    return get_object_or_404(selectors.incidents_for(request.auth), pk=incident_id)


@router.post("/testday/incidents/{int:incident_id}/resolve", response=IncidentOut)
@requires(VIEW_SESSIONS)
def resolve_testday_incident(request, incident_id: Id, payload: ResolveIn):
    return services.incident_resolve(
        actor=request.auth,
        incident=_incident(request, incident_id),
        action_taken=payload.action_taken,
        testing_resumed=payload.testing_resumed,
    )


@router.post("/testday/incidents/{int:incident_id}/escalate", response=IncidentOut)
@requires(VIEW_SESSIONS)
def escalate_testday_incident(request, incident_id: Id):
    """Flag an incident for the district test coordinator, who gets a mail."""
    return services.incident_escalate(actor=request.auth, incident=_incident(request, incident_id))
