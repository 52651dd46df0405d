"""Test day in the API: the same rules as the pages."""

from homeroom.core import roles
from homeroom.testday import services
from homeroom.testday.models import Incident


def test_platforms_windows_and_readiness(frozen, make_window, fleet, users, api_client_as):
    window = make_window()
    fleet()
    fleet(os_version="110.0")
    api = api_client_as(users[roles.TEST_COORDINATOR])
    platforms = api.get("/api/v1/testday/platforms?kind=testnav").json()
    [testnav] = platforms["items"]
    assert testnav["chromeos_min"] == 146 and testnav["chromeos_lts"] == [144]
    assert "newer than 145" in testnav["sources"]["chromeos_min"]
    windows = api.get("/api/v1/testday/windows?phase=open").json()["items"]
    assert [w["assessment"] for w in windows] == [window.assessment]
    [school] = api.get(f"/api/v1/testday/windows/{window.pk}/readiness").json()
    assert (school["total"], school["ready"], school["not_ready"]) == (2, 1, 1)
    assert school["reasons"] == {"ChromeOS 110 is too old: Pearson TestNav needs 116": 1}
    teacher = api_client_as(users[roles.TEACHER])
    assert teacher.get("/api/v1/testday/platforms").status_code == 403
    assert teacher.get(f"/api/v1/testday/windows/{window.pk}").status_code == 403


def test_sessions_bindings_and_incidents(
    frozen, make_session, pupils, fleet, coordinator, users, api_client_as
):
    teacher, tech = users[roles.TEACHER], users[roles.TECHNICIAN]
    session = make_session(proctors=[teacher])
    services.students_add(actor=coordinator, session=session, identifiers="S1")
    entry = session.students.get()
    services.student_update(actor=coordinator, entry=entry, accommodations=["read_aloud"])
    device = fleet()
    api = api_client_as(tech)
    bound = api.post(
        f"/api/v1/testday/sessions/{session.pk}/bindings",
        {"student_id": entry.pk, "device": device.asset_tag},
        content_type="application/json",
    )
    assert bound.status_code == 200 and bound.json()["device_id"] == device.pk
    # The technician does not see accommodations; the coordinator does.
    assert bound.json()["accommodations"] is None
    detail = api_client_as(coordinator).get(f"/api/v1/testday/sessions/{session.pk}").json()
    assert detail["students"][0]["accommodations"] == ["read_aloud"]
    refused = api.post(
        f"/api/v1/testday/sessions/{session.pk}/bindings",
        {"student_id": entry.pk, "device": "NOPE"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "No device NOPE at North Elementary." in refused.text
    made = api.post(
        f"/api/v1/testday/sessions/{session.pk}/incidents",
        {"kind": "app_crash", "student_id": entry.pk, "testing_resumed": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["device_id"] == device.pk
    bad = api.post(
        f"/api/v1/testday/sessions/{session.pk}/incidents",
        {"kind": "meteor"},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and Incident.objects.count() == 1
    listed = api_client_as(teacher).get(f"/api/v1/testday/sessions/{session.pk}/incidents")
    assert [i["kind"] for i in listed.json()] == ["app_crash"]
    other = make_session(title="Not theirs")
    assert api_client_as(teacher).get(f"/api/v1/testday/sessions/{other.pk}").status_code == 404
    sessions = api_client_as(teacher).get("/api/v1/testday/sessions").json()["items"]
    assert [s["id"] for s in sessions] == [session.pk]
