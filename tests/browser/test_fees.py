"""A technician charges a student for a cracked screen and takes the payment; with the
district's fee rule on, the scan station stops a check-out until the override; a student
sees their own fees."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.devices.models import Assignment, Device
from homeroom.fees import services
from homeroom.fees.models import Charge
from homeroom.people.models import Person

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser


def test_charge_a_student_take_the_payment_and_print_the_statement(page, demo):
    student = (
        Person.objects.filter(primary_site__code__iexact="MAPES", kind="student", charges=None)
        .order_by("pk")
        .first()
    )
    log_in(page, "tech", next=f"/people/{student.pk}/")
    check_page(page, "person-with-fees")
    section = page.locator("section", has=page.get_by_role("heading", name="Fees"))
    expect(section).to_contain_text("Owes $0.00")
    section.get_by_role("link", name="Add a charge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Charge {student}")
    check_page(page, "fee-charge-form")
    page.get_by_label("Reason").select_option(label="Cracked screen")
    page.get_by_label("Note").fill("Dropped on the bus")
    page.get_by_role("button", name="Add the charge").click()
    expect(page.locator(".flash")).to_contain_text(f"Charged {student} $45.00 for Cracked screen")
    check_page(page, "fee-charge")

    page.get_by_role("link", name="Record a payment").click()
    check_page(page, "fee-payment-form")
    page.get_by_label("Amount received ($)").fill("50")
    page.get_by_label("Paid by").select_option(label="Cash")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator(".error-summary")).to_contain_text("more than the $45.00 owed")
    check_page(page, "fee-payment-refused")
    page.get_by_label("Amount received ($)").fill("20.00")
    page.get_by_label("Receipt or check number").fill("R-2231")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator(".flash")).to_contain_text("They now owe $25.00")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partly paid")
    check_page(page, "fee-charge-partly-paid")
    charge = Charge.objects.get(person=student)
    assert charge.paid == 20 and charge.balance == 25

    link = page.get_by_role("link", name=f"Statement for {student} (PDF)")
    statement = page.request.get(link.get_attribute("href"))
    assert statement.ok and statement.headers["content-type"] == "application/pdf"


def test_the_scan_station_stops_a_check_out_until_the_override(page, demo):
    services.policy_update(actor=None, block_check_out=True, block_above="25.00")
    device = Device.objects.filter(
        site__code__iexact="MAPES",
        status="in_stock",
        cart_slot__isnull=True,
        model__category="chromebook",
    ).first()
    owing = Charge.objects.filter(site=device.site, balance__gt=25, person__is_active=True).first()
    student = owing.person
    log_in(page, "tech", next="/devices/scan/")
    check_page(page, "scan-station")
    page.goto(f"/devices/scan/?mode=out&person={student.pk}")
    expect(page.locator("#person-picker")).to_contain_text(f"Checking out to {student}")
    check_page(page, "scan-station-person")
    # Short-term: the student already has a 1:1 Chromebook, which would ask first.
    page.get_by_label("Kind of check-out").select_option("short_term")
    scan_field = page.get_by_label("Scan a device")
    scan_field.fill(device.asset_tag)
    scan_field.press("Enter")
    expect(page.locator(".scan-result")).to_contain_text("Unpaid fees $")
    expect(page.locator(".scan-result")).to_contain_text(f"not checked out to {student}")
    check_page(page, "scan-station-fee-block")
    assert not Assignment.objects.filter(device=device, checked_in_at__isnull=True).exists()
    page.get_by_role("button", name="Check out anyway").click()
    expect(page.locator(".scan-result")).to_have_text(
        f"✓ {device.asset_tag} checked out to {student}"
    )
    check_page(page, "scan-station-fee-override")
    assert Assignment.objects.get(device=device, checked_in_at__isnull=True).person == student


def test_a_student_sees_their_own_fees(page, demo):
    log_in(page, "student", next="/fees/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My fees")
    expect(page.locator("table")).to_contain_text("Lost charger")
    check_page(page, "my-fees")


def test_the_fees_list_schedule_and_policy(page, demo):
    log_in(page, "admin", next="/fees/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fees")
    check_page(page, "fees")
    page.goto("/fees/?unpaid=true&sort=-balance")
    expect(page.get_by_label("Owed")).to_have_value("true")
    first_row = page.locator("#charge-table tbody tr").first
    expect(first_row).to_contain_text(re.compile("Unpaid|Partly paid"))
    check_page(page, "fees-unpaid")
    page.get_by_role("list", name="Fees").get_by_role("link", name="Fee schedule").click()
    check_page(page, "fee-schedule")
    page.get_by_role("link", name="Fee policy").click()
    check_page(page, "fee-policy")
    page.get_by_label("Block device check-outs over the limit").check()
    page.get_by_label("Limit ($)").fill("30")
    page.get_by_role("button", name="Save the policy").click()
    expect(page.locator(".flash")).to_contain_text("Saved the fee policy")
    expect(page.get_by_text("Unpaid fees over $30.00 block a device check-out")).to_be_visible()
    check_page(page, "fee-schedule-rule-on")
