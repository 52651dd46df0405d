import pytest

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.devices.models import Assignment


@pytest.fixture
def tech_api(users, api_client_as):
    return api_client_as(users[roles.TECHNICIAN])


def test_lookup_check_out_and_in_through_the_api(tech_api, devices, students):
    found = tech_api.get("/api/v1/devices/lookup/sn000002").json()
    assert found["asset_tag"] == "NES-0002" and found["checked_out_to"] is None
    out = tech_api.post(
        f"/api/v1/devices/{found['id']}/check-out",
        {"person_id": students[0].pk},
        content_type="application/json",
    )
    assert out.status_code == 201 and out.json()["person_id"] == students[0].pk
    again = tech_api.post(
        f"/api/v1/devices/{found['id']}/check-out",
        {"person_id": students[1].pk},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "NES-0002 is already checked out to Student1 Test."
    shown = tech_api.get(f"/api/v1/devices/{found['id']}").json()
    assert shown["status"] == "deployed" and shown["checked_out_to"] == "Student1 Test"
    back = tech_api.post(
        f"/api/v1/devices/{found['id']}/check-in",
        {"checklist": {"charger": False}},
        content_type="application/json",
    )
    assert back.status_code == 200 and back.json()["check_in_checklist"] == {"charger": False}
    assert not Assignment.objects.filter(checked_in_at__isnull=True).exists()
    listed = tech_api.get("/api/v1/assignments", {"person_id": students[0].pk}).json()
    assert listed["count"] == 1


def test_api_errors_use_the_error_shape(tech_api, devices, students):
    missing = tech_api.get("/api/v1/devices/lookup/NOPE")
    assert missing.status_code == 404
    neither = tech_api.post(
        f"/api/v1/devices/{devices[0].pk}/check-out", {}, content_type="application/json"
    )
    assert (
        neither.status_code == 400 and "person_id or room_id" in neither.json()["error"]["message"]
    )
    retire = tech_api.post(
        f"/api/v1/devices/{devices[0].pk}/status",
        {"status": "disposed"},
        content_type="application/json",
    )
    assert retire.status_code == 409
    assert "in stock; it cannot become disposed" in retire.json()["error"]["message"]
    filtered = tech_api.get("/api/v1/devices", {"status": "deployed"}).json()
    assert filtered["count"] == 0


def test_a_second_one_to_one_device_needs_confirming_through_the_api(tech_api, devices, students):
    def check_out(device, **extra):
        return tech_api.post(
            f"/api/v1/devices/{device.pk}/check-out",
            {"person_id": students[0].pk, **extra},
            content_type="application/json",
        )

    assert check_out(devices[0]).status_code == 201
    refused = check_out(devices[1])
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "Student1 Test already has the 1:1 device NES-0001. Check out a second 1:1 device only "
        "with confirmation, or choose a loaner or short-term check-out."
    )
    assert not Assignment.objects.filter(device=devices[1]).exists()
    assert check_out(devices[1], confirm_second=True).status_code == 201
    event = AuditEvent.objects.get(object_id=devices[1].pk, verb="checked_out")
    assert event.interface == "api"
    assert event.message == (
        "Checked out to Student1 Test (second 1:1 device, confirmed; also holds NES-0001)"
    )
    assert check_out(devices[2], kind="loaner").status_code == 201
    assert check_out(devices[3], kind="short_term").status_code == 201
