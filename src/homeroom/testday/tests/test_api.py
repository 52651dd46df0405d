"""Test day in the API: the same rules as the pages."""

from homeroom.core import roles
from homeroom.testday import services
from homeroom.testday.models import DeviceSwap, Incident


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


def test_a_session_ends_and_an_incident_is_swapped_resolved_and_escalated(
    frozen, testing, users, coordinator, api_client_as
):
    session, maya = testing["session"], testing["maya"]
    tech = api_client_as(users[roles.TECHNICIAN])
    made = tech.post(
        f"/api/v1/testday/sessions/{session.pk}/incidents",
        {"kind": "device_froze", "student_id": maya.pk},
        content_type="application/json",
    ).json()
    swapped = tech.post(
        f"/api/v1/testday/sessions/{session.pk}/swaps",
        {"student_id": maya.pk, "device": "NES-0003", "incident_id": made["id"]},
        content_type="application/json",
    )
    assert swapped.status_code == 201
    swap = DeviceSwap.objects.get()
    assert swapped.json()["id"] == swap.pk and swap.to_device.asset_tag == "NES-0003"
    incident = Incident.objects.get()
    assert incident.ticket is not None and "NES-0001" in incident.ticket.subject
    # The spare is now Maya's; swapping to it again is refused and changes nothing.
    again = tech.post(
        f"/api/v1/testday/sessions/{session.pk}/swaps",
        {"student_id": maya.pk, "device": "NES-0003"},
        content_type="application/json",
    )
    assert again.status_code == 400 and DeviceSwap.objects.count() == 1

    resolved = tech.post(
        f"/api/v1/testday/incidents/{incident.pk}/resolve",
        {"action_taken": "Moved to NES-0003.", "testing_resumed": True},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json()["testing_resumed"] is True
    assert resolved.json()["resolved_at"] is not None
    twice = tech.post(f"/api/v1/testday/incidents/{incident.pk}/resolve", {}, "application/json")
    assert twice.status_code == 400 and "already resolved" in twice.text
    escalated = tech.post(f"/api/v1/testday/incidents/{incident.pk}/escalate")
    assert escalated.status_code == 200 and escalated.json()["escalated_at"] is not None

    ended = tech.post(
        f"/api/v1/testday/sessions/{session.pk}/status",
        {"status": "done"},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["status"] == "done"
    session.refresh_from_db()
    assert session.status == "done"


def test_who_may_not_swap_resolve_or_end_changes_nothing(
    frozen, testing, users, coordinator, make_session, api_client_as
):
    session, maya = testing["session"], testing["maya"]
    incident = services.incident_log(actor=coordinator, session=session, kind="network")
    teacher = api_client_as(users[roles.TEACHER])  # neither administers nor proctors it
    assert teacher.post(f"/api/v1/testday/incidents/{incident.pk}/escalate").status_code == 404
    refused = teacher.post(
        f"/api/v1/testday/sessions/{session.pk}/swaps",
        {"student_id": maya.pk, "device": "NES-0003"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    # A late start goes back to not started and is then cancelled; a cancelled session stays
    # cancelled, and the lifecycle says why.
    coordinator_api = api_client_as(coordinator)
    for status in ("scheduled", "cancelled"):
        moved = coordinator_api.post(
            f"/api/v1/testday/sessions/{session.pk}/status",
            {"status": status},
            content_type="application/json",
        )
        assert moved.status_code == 200 and moved.json()["status"] == status
    back = coordinator_api.post(
        f"/api/v1/testday/sessions/{session.pk}/status",
        {"status": "testing"},
        content_type="application/json",
    )
    assert back.status_code == 400 and "cannot become testing" in back.text
    bogus = coordinator_api.post(
        f"/api/v1/testday/sessions/{session.pk}/status",
        {"status": "paused"},
        content_type="application/json",
    )
    assert bogus.status_code in (400, 422)
    incident.refresh_from_db()
    session.refresh_from_db()
    assert incident.escalated_at is None and session.status == "cancelled"
    assert DeviceSwap.objects.count() == 0
