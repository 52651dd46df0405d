import datetime

from django.utils import timezone

from homeroom.core.testing import WalkSamples
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.testday.models import (
    AssessmentPlatform,
    Incident,
    SessionStudent,
    TestingWindow,
    TestSession,
)


def samples(base) -> WalkSamples:
    """A testing window open at the walk's site on TestNav (seeded by the migration), with
    a session the walk's teacher administers starting in an hour."""
    platform = AssessmentPlatform.objects.get(name="Pearson TestNav")
    today = timezone.localdate()
    window = TestingWindow.objects.create(
        assessment="Walk window",
        platform=platform,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
        grades=["3", "4"],
    )
    window.sites.set([base.site])
    by_url_name = {
        "testday:window_detail": window.pk,
        "testday:window_edit": window.pk,
        "testday:window_readiness": window.pk,
        "testday:readiness_export": window.pk,
        "testday:org_unit_moves": window.pk,
        "testday:window_incidents": window.pk,
        "testday:window_report": window.pk,
        "testday:readiness_tickets": window.pk,
        "testday:cache_check": platform.pk,
        "testday:platform_detail": platform.pk,
        "testday:platform_edit": platform.pk,
    }
    starts = timezone.now() + datetime.timedelta(hours=1)
    session = TestSession.objects.create(
        window=window,
        site=base.site,
        room=base.room,
        title="Walk session",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    session.administrators.set([base.user])
    entry = SessionStudent.objects.create(session=session, person=base.person)
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Walk test day"),
        name="Walk Chromebook",
        category="chromebook",
    )
    bound, _spare = (
        Device.objects.create(
            asset_tag=f"WALK-TD-{n}", serial_number=f"WALKTD{n}", model=model, site=base.site
        )
        for n in (1, 2)
    )
    SessionStudent.objects.filter(pk=entry.pk).update(device=bound)
    for name in ("detail", "status", "students", "student", "bind", "cart"):
        by_url_name[f"testday:session_{name}"] = session.pk
    by_url_name["testday:incident_new"] = session.pk
    by_url_name["testday:seating_chart"] = session.pk
    by_url_name["testday:session_check"] = session.pk
    incident = Incident.objects.create(session=session, kind="device_froze")
    for name in ("detail", "resolve", "escalate", "report", "report_filed"):
        by_url_name[f"testday:incident_{name}"] = incident.pk
    bodies = {
        "bind_testday_device": {"student_id": entry.pk, "device": "WALK-TD-1"},
        "create_testday_incident": {"kind": "other", "description": "Walk incident"},
        "set_testday_session_status": {"status": "testing"},
        "swap_testday_device": {"student_id": entry.pk, "device": "WALK-TD-2"},
        "resolve_testday_incident": {"action_taken": "Walk resolution"},
        "escalate_testday_incident": {},
    }
    by_key = {
        "platform_id": platform.pk,
        "window_id": window.pk,
        "test_session_id": session.pk,
        "incident_id": incident.pk,
    }
    return WalkSamples(by_url_name=by_url_name, by_key=by_key, bodies=bodies)
