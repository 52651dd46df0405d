import re
from decimal import Decimal

import pytest

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Assignment, Device
from homeroom.fees.models import Charge, FeeReason


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
    for number, device in enumerate(devices):
        kind = "one_to_one" if number == 0 else "short_term"
        page = scan(tech, device.asset_tag.lower(), person=students[0].pk, kind=kind)
        page = page.content.decode()
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


def test_a_second_one_to_one_device_warns_and_asks(tech, students, devices):
    scan(tech, devices[0].asset_tag, person=students[0].pk)
    page = scan(tech, devices[1].asset_tag, person=students[0].pk).content.decode()
    assert (
        f"⚠ {students[0]} already has the 1:1 device {devices[0]}. Check out {devices[1]} "
        "as a second 1:1 device?"
    ) in page
    assert "scan-result--warning" in page and 'data-outcome="problem"' in page
    assert "Check out anyway" in page and 'name="confirm_second" value="True"' in page
    assert not Assignment.objects.filter(device=devices[1]).exists()

    page = scan(
        tech, devices[1].asset_tag, person=students[0].pk, confirm_second="True"
    ).content.decode()
    assert f"✓ {devices[1]} checked out to {students[0]}" in page
    event = AuditEvent.objects.get(object_id=devices[1].pk, verb="checked_out")
    assert event.changes["second_one_to_one"] == [
        None,
        f"second 1:1 device, confirmed; also holds {devices[0]}",
    ]
    history = tech.get(f"/devices/{devices[1].pk}/").content.decode()
    assert f"second 1:1 device, confirmed; also holds {devices[0]}" in history

    # A loaner or a short-term check-out to the same student needs no confirmation.
    for device, kind in ((devices[2], "loaner"), (devices[3], "short_term")):
        page = scan(tech, device.asset_tag, person=students[0].pk, kind=kind).content.decode()
        assert f"✓ {device} checked out to {students[0]}" in page
    # Nor does a 1:1 device to a student who holds only a loaner.
    scan(tech, devices[4].asset_tag, person=students[1].pk, kind="loaner")
    scan(tech, devices[4].asset_tag, mode="in", charger_returned="on")
    page = scan(tech, devices[4].asset_tag, person=students[1].pk).content.decode()
    assert f"✓ {devices[4]} checked out to {students[1]}" in page


def check_in_settings(page: str) -> str:
    """The check-in settings the station will use for the next scan, as the page shows them."""
    match = re.search(r'<div id="check-in-settings".*?keep-banner.*?</p>', page, re.S)
    assert match, "the response carries no check-in settings"
    return match.group(0)


def is_ticked(settings: str, name: str) -> bool:
    tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', settings).group(0)
    return " checked" in tag


def test_a_check_in_exception_applies_to_the_next_scan_only(tech, students, devices):
    for device, student in zip(devices, students, strict=False):
        scan(tech, device.asset_tag, person=student.pk)
    damaged = {"condition": "damaged", "status_after": "in_repair"}
    page = scan(tech, devices[0].asset_tag, mode="in", **damaged).content.decode()
    assert "— charger missing" in page
    settings = check_in_settings(page)
    assert 'hx-swap-oob="true"' in settings  # htmx puts these above the scan field
    assert is_ticked(settings, "charger_returned") and not is_ticked(settings, "keep_settings")
    assert '<option value="good" selected>' in settings
    assert '<option value="in_stock" selected>' in settings
    assert "The next scan is back to good condition, charger came back, in stock." in page
    first = Assignment.objects.get(device=devices[0])
    assert first.check_in_checklist == {"charger": False}
    assert first.check_in_condition == "damaged"

    # A scan that fails checks nothing in, so the exception is still there for the retry.
    page = scan(tech, "NOPE-1", mode="in").content.decode()
    assert not is_ticked(check_in_settings(page), "charger_returned")

    # Kept for every scan, they stay, and the page says so.
    kept = {**damaged, "keep_settings": "on"}
    for device in devices[1:3]:
        page = scan(tech, device.asset_tag, mode="in", **kept).content.decode()
        settings = check_in_settings(page)
        assert is_ticked(settings, "keep_settings")
        assert not is_ticked(settings, "charger_returned")
        assert '<option value="damaged" selected>' in settings
        assert "Kept for every scan" in settings and "The next scan is back" not in page
    assert [
        assignment.check_in_checklist
        for assignment in Assignment.objects.filter(device__in=devices[1:3])
    ] == [{"charger": False}] * 2

    # Without htmx the whole page comes back with the usual settings for the next scan.
    page = tech.post(
        "/devices/scan/", {"mode": "in", "scan": devices[3].asset_tag, **damaged}
    ).content.decode()
    settings = check_in_settings(page)
    assert "hx-swap-oob" not in settings and is_ticked(settings, "charger_returned")


@pytest.fixture
def lost_charger(db):
    return FeeReason.objects.create(
        name="Lost charger", category="accessory", default_amount=Decimal("25.00")
    )


def test_a_missing_charger_is_charged_from_the_fee_schedule_in_one_click(
    tech, students, devices, lost_charger
):
    FeeReason.objects.create(name="Cracked screen", category="device_damage", default_amount=45)
    scan(tech, devices[0].asset_tag, person=students[0].pk)
    page = scan(tech, devices[0].asset_tag, mode="in").content.decode()
    assignment = Assignment.objects.get(device=devices[0])
    assert "Charge the lost charger ($25.00)" in page
    assert f'name="assignment" value="{assignment.pk}"' in page

    done = tech.post(
        "/devices/scan/charge/", {"assignment": assignment.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert f"✓ Charged {students[0]} $25.00 for Lost charger" in done
    charge = Charge.objects.get()
    assert (charge.person, charge.reason, charge.amount) == (
        students[0],
        lost_charger,
        Decimal("25.00"),
    )
    assert charge.source == assignment and charge.site == devices[0].site
    assert AuditEvent.objects.filter(object_id=devices[0].pk, verb="updated").exists()

    again = tech.post(
        "/devices/scan/charge/", {"assignment": assignment.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert f"already charged for the charger of {devices[0]}" in again
    assert Charge.objects.count() == 1


def test_the_charge_is_offered_only_for_a_missing_charger_on_the_schedule(
    tech, students, devices, lost_charger
):
    scan(tech, devices[0].asset_tag, person=students[0].pk)
    page = scan(tech, devices[0].asset_tag, mode="in", charger_returned="on").content.decode()
    assert "Charge the lost charger" not in page
    assignment = Assignment.objects.get(device=devices[0])
    refused = tech.post("/devices/scan/charge/", {"assignment": assignment.pk})
    assert refused.status_code == 302 and Charge.objects.count() == 0
    page = tech.get(refused.url).content.decode()
    assert f"{devices[0]} has not come back without its charger" in page

    lost_charger.is_active = False
    lost_charger.save()
    scan(tech, devices[1].asset_tag, person=students[1].pk)
    page = scan(tech, devices[1].asset_tag, mode="in").content.decode()
    assert "— charger missing" in page and "Charge the lost charger" not in page
