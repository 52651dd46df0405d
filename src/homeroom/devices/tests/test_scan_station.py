import pytest

from homeroom.core import roles
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Assignment, Device


@pytest.fixture
def tech(users, client_as):
    return client_as(users[roles.TECHNICIAN])


def scan(client, scan_text, mode="out", **fields):
    return client.post(
        "/devices/scan/",
        {
            "mode": mode,
            "scan": scan_text,
            "kind": "one_to_one",
            "status_after": "in_stock",
            "condition": "good",
            **fields,
        },
        headers={"HX-Request": "true"},
    )


def test_a_badge_scan_picks_the_student(tech, students):
    students[0].identifier = "400123"
    students[0].save()
    page = tech.get(
        "/devices/scan/", {"who": "400123"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert f'name="person" value="{students[0].pk}"' in page and "Checking out to" in page
    page = tech.get("/devices/scan/", {"who": "Student1"}).content.decode()
    assert "Which one?" in page and "Student10 Test" in page
    page = tech.get("/devices/scan/", {"who": "nobody-here"}).content.decode()
    assert "Nobody active matches" in page


def test_scanning_checks_out_one_device_after_another(tech, students, devices):
    for device in devices:
        page = scan(tech, device.asset_tag.lower(), person=students[0].pk).content.decode()
        assert f"✓ {device} checked out to {students[0]}" in page
        assert 'data-outcome="ok"' in page
    assert Assignment.objects.filter(person=students[0], checked_in_at__isnull=True).count() == 5
    assert "<strong>5</strong> done" in page
    again = scan(tech, devices[0].serial_number, person=students[1].pk).content.decode()
    assert f"already checked out to {students[0]}" in again and 'data-outcome="problem"' in again
    assert "<strong>1</strong> problem" in again
    unknown = scan(tech, "NOPE-1", person=students[1].pk).content.decode()
    assert "No device has the tag or serial “NOPE-1”" in unknown


def test_check_in_with_a_missing_charger_and_undo(tech, students, devices):
    scan(tech, devices[0].asset_tag, person=students[0].pk)
    page = scan(tech, devices[0].asset_tag, mode="in").content.decode()
    assert f"✓ {devices[0]} checked in from {students[0]} — charger missing" in page
    assignment = Assignment.objects.get(device=devices[0])
    assert assignment.check_in_checklist == {"charger": False}
    page = scan(tech, devices[1].asset_tag, mode="in", charger_returned="on").content.decode()
    assert f"{devices[1]} is not checked out" in page
    tech.post("/devices/scan/undo/")
    assert Assignment.objects.filter(device=devices[0], checked_in_at__isnull=True).exists()
    assert Device.objects.get(pk=devices[0].pk).status == DeviceStatus.DEPLOYED


def test_checking_out_needs_a_person_and_an_active_one(tech, students, devices):
    page = scan(tech, devices[0].asset_tag).content.decode()
    assert "badge or pick a person first." in page
    students[0].is_active = False
    students[0].save()
    page = scan(tech, devices[0].asset_tag, person=students[0].pk).content.decode()
    assert "pick a person first" in page  # inactive people cannot be picked at the station
    assert not Assignment.objects.exists()


def test_the_person_page_lists_their_devices(tech, students, devices, users, client_as):
    scan(tech, devices[2].asset_tag, person=students[0].pk)
    page = client_as(users[roles.DISTRICT_ADMIN]).get(f"/people/{students[0].pk}/").content.decode()
    assert "Devices now" in page and devices[2].asset_tag in page
    detail = tech.get(f"/devices/{devices[2].pk}/").content.decode()
    assert str(students[0]) in detail and "Out now" in detail
