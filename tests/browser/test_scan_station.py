"""A technician checks Chromebooks out by scanning, then takes them back in."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.devices.models import Assignment, Device
from homeroom.fees.models import Charge
from homeroom.people.models import Person

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser


def test_check_out_five_by_scanning_then_check_in_with_a_missing_charger(page, demo):
    site = (
        Device.objects.filter(
            status="in_stock",
            model__category="chromebook",
            cart_slot__isnull=True,
            site__code__iexact="MAPES",
        )
        .first()
        .site
    )
    free = list(
        Device.objects.filter(
            site=site, status="in_stock", cart_slot__isnull=True, model__category="chromebook"
        ).order_by("pk")[:5]
    )
    held = (
        Assignment.objects.filter(
            person__primary_site=site,
            person__kind="student",
            person__is_active=True,
            kind="one_to_one",
            checked_in_at__isnull=True,
        )
        .select_related("person", "device")
        .order_by("person")
        .first()
    )
    student = held.person  # the demo gave every student a 1:1 Chromebook
    student.identifier = "990001"
    student.save()

    log_in(page, "tech", next="/devices/scan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Scan station")
    check_page(page, "scan-station")

    who = page.get_by_label("Student badge or name")
    who.fill("990001")
    who.press("Enter")  # a badge scanner types the id and Enter
    expect(page.locator("#person-picker")).to_contain_text(f"Checking out to {student}")
    scan_field = page.get_by_label("Scan a device")
    expect(scan_field).to_be_focused()

    # A second 1:1 Chromebook warns and asks; one click checks it out anyway.
    scan_field.fill(free[0].asset_tag)
    scan_field.press("Enter")
    expect(page.locator(".scan-result--warning")).to_have_text(
        f"⚠ {student} already has the 1:1 device {held.device}. Check out {free[0]} as a "
        "second 1:1 device?"
    )
    expect(scan_field).to_be_focused()
    check_page(page, "scan-station-second-one-to-one")
    assert not Assignment.objects.filter(device=free[0], checked_in_at__isnull=True).exists()
    page.get_by_role("button", name="Check out anyway").click()
    expect(page.locator(".scan-result")).to_have_text(f"✓ {free[0]} checked out to {student}")
    expect(scan_field).to_be_focused()

    # Short-term check-outs to the same student need no confirmation.
    page.get_by_label("Kind of check-out").select_option("short_term")
    for number, device in enumerate(free[1:], start=2):
        scan_field.fill(device.asset_tag)
        scan_field.press("Enter")
        expect(page.locator(".scan-result")).to_have_text(
            f"✓ {device.asset_tag} checked out to {student}"
        )
        expect(page.locator(".scan-counts")).to_contain_text(f"{number} done")
        expect(scan_field).to_have_value("")
        expect(scan_field).to_be_focused()
    assert (
        Assignment.objects.filter(
            person=student, checked_in_at__isnull=True, device__in=free
        ).count()
        == 5
    )

    scan_field.fill(free[0].asset_tag)
    scan_field.press("Enter")
    expect(page.locator(".scan-result--problem")).to_contain_text("already checked out")
    check_page(page, "scan-station-out")

    # Check in: "charger did not come back" counts for the next scan only.
    page.get_by_role("link", name="Check in").click()
    check_page(page, "scan-station-in")
    charger = page.get_by_label("Charger came back")
    charger.uncheck()
    scan_field = page.get_by_label("Scan a device")
    scan_field.fill(free[0].serial_number)
    scan_field.press("Enter")
    expect(page.locator(".scan-result--warning")).to_have_text(
        re.compile(rf"✓ {free[0].asset_tag} checked in from .* — charger missing")
    )
    expect(page.get_by_role("button", name="Charge the lost charger ($25.00)")).to_be_visible()
    expect(charger).to_be_checked()
    expect(scan_field).to_be_focused()
    check_page(page, "scan-station-in-charger-missing")
    scan_field.fill(free[1].serial_number)
    scan_field.press("Enter")
    expect(page.locator(".scan-result--ok")).to_have_text(
        re.compile(rf"✓ {free[1].asset_tag} checked in from {student}$")
    )

    # Kept for every scan, the exception stays on, with a banner saying so.
    banner = page.get_by_text("Kept for every scan")
    expect(banner).to_be_hidden()
    page.get_by_label("Keep for every scan").check()
    charger.uncheck()
    expect(banner).to_be_visible()
    for device in free[2:]:
        scan_field.fill(device.serial_number)
        scan_field.press("Enter")
        expect(page.locator(".scan-result--warning")).to_have_text(
            re.compile(rf"✓ {device.asset_tag} checked in from .* — charger missing")
        )
        expect(scan_field).to_have_value("")
        expect(scan_field).to_be_focused()
        expect(charger).not_to_be_checked()
        expect(banner).to_be_visible()
    check_page(page, "scan-station-in-kept")

    page.get_by_role("button", name="Charge the lost charger ($25.00)").click()
    expect(page.locator(".scan-result--ok")).to_have_text(
        f"✓ Charged {student} $25.00 for Lost charger"
    )
    expect(page.get_by_label("Scan a device")).to_be_focused()
    assert not Assignment.objects.filter(device__in=free, checked_in_at__isnull=True).exists()
    returned = {
        a.device_id: a.check_in_checklist
        for a in Assignment.objects.filter(device__in=free, checked_in_at__isnull=False)
    }
    assert returned == {device.pk: {"charger": device == free[1]} for device in free}
    charge = Charge.objects.filter(person=student).latest("pk")
    assert (charge.reason.name, charge.source.device) == ("Lost charger", free[4])


def test_print_a_sheet_of_thirty_labels_from_the_device_list(page, demo):
    import io
    from urllib.parse import quote

    from pypdf import PdfReader

    from homeroom.core.models import Site

    site = Site.objects.get(code__iexact="MAPES")
    chromebooks = Device.objects.filter(site=site, model__category="chromebook").order_by(
        "asset_tag"
    )
    ticked = list(chromebooks[:30])
    assert len(ticked) == 30 and chromebooks.count() > 30
    log_in(page, "tech", next=quote(f"/devices/?site={site.pk}&category=chromebook"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Devices")
    for device in ticked:
        page.get_by_label(f"Select {device.asset_tag}").check()
    check_page(page, "device-list-ticked")
    page.get_by_text("Print asset-tag labels").click()
    expect(page.get_by_label("Label sheet")).to_have_value("avery-5160")
    with page.context.expect_event(
        "response", lambda response: "/devices/labels/" in response.url
    ) as printed:
        page.get_by_role("button", name="Print labels").click()
    # The browser's PDF viewer keeps the body; the same request again returns it.
    pdf = page.request.fetch(printed.value.request)
    assert pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert [device.asset_tag for device in ticked if device.asset_tag in text] == [
        device.asset_tag for device in ticked
    ]
    assert chromebooks[30].asset_tag not in text


# Chromium on a Chromebook or a phone has a BarcodeDetector and a camera; the test browser has
# neither, so both are stood in for: the camera by a canvas stream, the detector by one that
# "sees" whatever the test puts in window.codeInView.
FAKE_CAMERA = """
window.codeInView = null;
window.BarcodeDetector = class {
  constructor(options) { this.formats = options.formats; }
  async detect(video) { return window.codeInView ? [{ rawValue: window.codeInView }] : []; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.getContext("2d").fillRect(0, 0, 10, 10);
  return canvas.captureStream(5);
};
"""


def test_a_phone_camera_reads_the_badge_and_the_tag(page, demo):
    device = Device.objects.filter(
        status="in_stock", model__category="chromebook", site__code__iexact="MAPES"
    ).first()
    student = Person.objects.filter(primary_site=device.site, kind="student").first()
    student.identifier = "990002"
    student.save()
    page.add_init_script(FAKE_CAMERA)
    log_in(page, "tech", next="/devices/scan/")
    check_page(page, "scan-station-camera")
    camera = page.get_by_role("button", name="Scan with the camera")

    page.evaluate("window.codeInView = '990002'")
    camera.click()
    expect(page.locator("#person-picker")).to_contain_text(f"Checking out to {student}")
    expect(page.locator("#camera-panel")).to_be_hidden()

    page.get_by_label("Kind of check-out").select_option("loaner")  # the student has a 1:1
    page.evaluate(f"window.codeInView = '{device.asset_tag}'")
    camera.click()
    expect(page.locator(".scan-result")).to_have_text(
        f"✓ {device.asset_tag} checked out to {student}"
    )
    assert Assignment.objects.get(device=device, checked_in_at__isnull=True).person == student


def test_without_a_barcode_reader_the_camera_button_stays_hidden(page, demo):
    log_in(page, "tech", next="/devices/scan/")
    check_page(page, "scan-station-no-camera")
    expect(page.get_by_role("button", name="Scan with the camera")).to_be_hidden()
