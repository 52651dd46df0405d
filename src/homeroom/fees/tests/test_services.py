import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.fees import selectors, services
from homeroom.fees.choices import ChargeStatus
from homeroom.fees.models import Charge, Payment, PaymentShare, Waiver


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


def snapshot():
    return (
        Charge.objects.count(),
        Payment.objects.count(),
        PaymentShare.objects.count(),
        Waiver.objects.count(),
        AuditEvent.objects.count(),
        list(Charge.objects.order_by("pk").values_list("paid", "waived", "balance", "status")),
    )


def test_a_charge_takes_the_schedules_amount_and_links_its_source(tech, reasons, students, sites):
    device = Device.objects.create(
        asset_tag="NES-0001",
        serial_number="SN1",
        site=sites[0],
        model=DeviceModel.objects.create(
            manufacturer=Manufacturer.objects.create(name="Acer"), name="C1", category="chromebook"
        ),
    )
    charge = services.charge_create(
        actor=tech, person=students[0], reason=reasons["Cracked screen"], source=device
    )
    assert charge.amount == Decimal("45.00") and charge.balance == Decimal("45.00")
    assert charge.status == ChargeStatus.OPEN and charge.site == sites[0]
    assert charge.source == device and charge.source_label == "NES-0001"
    assert list(selectors.charges_from(device)) == [charge]
    event = AuditEvent.objects.get(object_id=charge.pk, content_type__model="charge")
    assert event.changes["amount"] == [None, "45.00"] and event.actor == tech
    assert selectors.balance(students[0]) == Decimal("45.00")


def test_a_payment_pays_the_oldest_charge_first_across_several(tech, reasons, students):
    screen = services.charge_create(
        actor=tech, person=students[0], reason=reasons["Cracked screen"]
    )
    charger = services.charge_create(
        actor=tech, person=students[0], reason=reasons["Lost charger"], amount="25"
    )
    payment = services.payment_record(
        actor=tech, person=students[0], amount="50.00", method="cash", receipt_number="R-1"
    )
    screen.refresh_from_db()
    charger.refresh_from_db()
    assert (screen.paid, screen.balance, screen.status) == (
        Decimal("45.00"),
        Decimal("0.00"),
        ChargeStatus.PAID,
    )
    assert (charger.paid, charger.balance, charger.status) == (
        Decimal("5.00"),
        Decimal("20.00"),
        ChargeStatus.PARTLY_PAID,
    )
    assert sorted(payment.shares.values_list("amount", flat=True)) == [
        Decimal("5.00"),
        Decimal("45.00"),
    ]
    assert selectors.balance(students[0]) == Decimal("20.00")
    waiver = services.charge_waive(actor=tech, charge=charger, reason="Found in the classroom")
    charger.refresh_from_db()
    assert waiver.amount == Decimal("20.00") and charger.balance == Decimal("0.00")
    assert charger.status == ChargeStatus.PAID  # settled, part of it with money
    assert selectors.balance(students[0]) == Decimal("0.00")


def test_a_whole_waiver_closes_the_charge(tech, reasons, students):
    charge = services.charge_create(actor=tech, person=students[0], reason=reasons["Lost device"])
    services.charge_waive(actor=tech, charge=charge, amount="100", reason="Insurance paid part")
    charge.refresh_from_db()
    assert (charge.waived, charge.balance, charge.status) == (
        Decimal("100.00"),
        Decimal("150.00"),
        ChargeStatus.PARTLY_PAID,
    )
    services.charge_waive(actor=tech, charge=charge, reason="Stolen; police report 24-118")
    charge.refresh_from_db()
    assert charge.status == ChargeStatus.WAIVED and charge.balance == 0
    before = snapshot()
    with pytest.raises(Conflict, match="already waived"):
        services.charge_waive(actor=tech, charge=charge, reason="Again")
    with pytest.raises(Conflict, match="owes nothing"):
        services.payment_record(actor=tech, person=students[0], amount="1", method="cash")
    with pytest.raises(Conflict, match="already waived"):
        services.payment_record(
            actor=tech, person=students[0], amount="1", method="cash", charges=[charge]
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", r"more than \$0.00"),
        ("0", r"more than \$0.00"),
        ("12.345", "two decimal places"),
        (12.5, "such as 25.00"),
        ("twelve", "such as 25.00"),
        ("NaN", "such as 25.00"),
        ("100000000", "at most"),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(tech, reasons, students, amount, message):
    charge = services.charge_create(actor=tech, person=students[0], reason=reasons["Lost charger"])
    before = snapshot()
    for attempt in (
        lambda: services.charge_create(
            actor=tech, person=students[0], reason=reasons["Lost charger"], amount=amount
        ),
        lambda: services.payment_record(
            actor=tech, person=students[0], amount=amount, method="cash"
        ),
        lambda: services.charge_waive(actor=tech, charge=charge, amount=amount, reason="why"),
    ):
        with pytest.raises(ValidationError, match=message):
            attempt()
    assert snapshot() == before


def test_overpaying_over_waiving_and_waiving_without_a_reason_are_refused(tech, reasons, students):
    charge = services.charge_create(actor=tech, person=students[0], reason=reasons["Lost charger"])
    other = services.charge_create(actor=tech, person=students[1], reason=reasons["Lost charger"])
    before = snapshot()
    with pytest.raises(ValidationError, match=r"\$25.01 is more than the \$25.00 owed"):
        services.payment_record(actor=tech, person=students[0], amount="25.01", method="cash")
    with pytest.raises(ValidationError, match=r"Only \$25.00 is owed"):
        services.charge_waive(actor=tech, charge=charge, amount="30", reason="Kind")
    with pytest.raises(ValidationError, match="Say why"):
        services.charge_waive(actor=tech, charge=charge, reason="   ")
    with pytest.raises(ValidationError, match="not Student1"):
        services.payment_record(
            actor=tech, person=students[0], amount="5", method="cash", charges=[other]
        )
    with pytest.raises(ValidationError, match="Choose cash"):
        services.payment_record(actor=tech, person=students[0], amount="5", method="card")
    assert snapshot() == before


def test_limited_accounts_cannot_charge_or_take_money_at_other_sites(
    users, reasons, far_student, sites
):
    admin, tech = users[roles.DISTRICT_ADMIN], users[roles.TECHNICIAN]
    with pytest.raises(PermissionDenied):
        services.charge_create(actor=tech, person=far_student, reason=reasons["Lost charger"])
    charge = services.charge_create(actor=admin, person=far_student, reason=reasons["Lost charger"])
    before = snapshot()
    with pytest.raises(Conflict, match="owes nothing here"):
        services.payment_record(actor=tech, person=far_student, amount="5", method="cash")
    with pytest.raises(PermissionDenied):
        services.payment_record(
            actor=tech, person=far_student, amount="5", method="cash", charges=[charge]
        )
    with pytest.raises(PermissionDenied):
        services.charge_waive(actor=tech, charge=charge, reason="No")
    assert snapshot() == before
    assert charge.site == sites[1]


def test_check_out_rule_needs_the_policy_and_more_than_the_limit(tech, reasons, students):
    services.charge_create(actor=tech, person=students[0], reason=reasons["Lost charger"])
    assert selectors.check_out_block(students[0]) is None  # off by default
    services.policy_update(actor=None, block_check_out=True, block_above="25.00")
    assert selectors.check_out_block(students[0]) is None  # $25.00 is not more than $25.00
    services.charge_create(actor=tech, person=students[0], reason=reasons["Damaged book"])
    assert selectors.check_out_block(students[0]) == (Decimal("37.50"), Decimal("25.00"))
    with pytest.raises(services.UnpaidFeesBlock, match=r"\$37.50, more than the \$25.00"):
        services.check_out_allowed(person=students[0])
    assert "checked out anyway" in services.check_out_allowed(person=students[0], override=True)


def test_a_reason_taken_off_the_schedule_cannot_be_charged(tech, reasons, students):
    services.reason_update(actor=None, reason=reasons["Lost case"], is_active=False)
    before = snapshot()
    with pytest.raises(ValidationError, match="no longer on the fee schedule"):
        services.charge_create(actor=tech, person=students[0], reason=reasons["Lost case"])
    assert snapshot() == before


def test_money_always_adds_up_over_many_random_payments_and_waivers(tech, reasons, students):
    """Random payments and waivers (some refused): every cent is accounted for, nothing is
    ever negative, and a refused one changes nothing."""
    rng = random.Random(7)
    for person in students:
        for name in ("Cracked screen", "Lost charger", "Damaged book"):
            services.charge_create(actor=tech, person=person, reason=reasons[name])
    for _ in range(80):
        person = rng.choice(students)
        amount = Decimal(rng.randint(1, 6000)) / 100
        before = snapshot()
        try:
            if rng.random() < 0.6:
                services.payment_record(actor=tech, person=person, amount=amount, method="cash")
            else:
                charge = rng.choice(list(Charge.objects.filter(person=person)))
                services.charge_waive(actor=tech, charge=charge, amount=amount, reason="Test")
        except (ValidationError, Conflict):
            assert snapshot() == before
    for charge in Charge.objects.all():
        shares = sum(charge.payment_shares.values_list("amount", flat=True), Decimal("0"))
        waived = sum(charge.waivers.values_list("amount", flat=True), Decimal("0"))
        assert (shares, waived) == (charge.paid, charge.waived)
        assert charge.balance == charge.amount - charge.paid - charge.waived >= 0
        settled = charge.status in {ChargeStatus.PAID, ChargeStatus.WAIVED}
        assert settled == (charge.balance == 0)
    for payment in Payment.objects.all():
        assert sum(payment.shares.values_list("amount", flat=True)) == payment.amount
