"""The demo district's fees: the fee schedule and the policy (the check-out rule left off, as
a district starts), then a school year of charges to students for cracked screens, lost
chargers and damaged books, most paid, some in part, a few waived."""

import datetime
from decimal import Decimal

from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.fees import services
from homeroom.fees.choices import ChargeStatus, FeeCategory, PaymentMethod
from homeroom.fees.models import CENT, Charge, FeeReason, Payment, PaymentShare, Waiver
from homeroom.people.models import Person

SCHEDULE = [  # name, category, usual amount, how often it comes up (weight)
    ("Cracked screen", FeeCategory.DEVICE_DAMAGE, "45.00", 30),
    ("Damaged keyboard", FeeCategory.DEVICE_DAMAGE, "35.00", 10),
    ("Liquid damage", FeeCategory.DEVICE_DAMAGE, "90.00", 5),
    ("Lost charger", FeeCategory.ACCESSORY, "25.00", 25),
    ("Lost case", FeeCategory.ACCESSORY, "20.00", 6),
    ("Lost hotspot", FeeCategory.DEVICE_LOSS, "60.00", 2),
    ("Lost device", FeeCategory.DEVICE_LOSS, "250.00", 3),
    ("Damaged book", FeeCategory.LIBRARY, "12.50", 12),
    ("Lost book", FeeCategory.LIBRARY, "20.00", 7),
]
WAIVER_REASONS = [
    "Family hardship; approved by the principal",
    "Covered by the device warranty",
    "Damage was there before the check-out",
    "Found and returned",
]
SHARE_OWING = Decimal("0.04")  # of the students at a school, how many were charged this year


@demo_step(order=45)
def fee_schedule(context: DemoContext) -> None:
    admin = context.shared["accounts"]["admin"]
    for name, category, amount, _ in SCHEDULE:
        services.reason_create(actor=admin, name=name, category=category, default_amount=amount)
    services.policy_update(actor=admin, block_check_out=False, block_above="25.00")


@demo_step(order=70)
def school_year_of_fees(context: DemoContext) -> None:
    """Charges written straight to the tables, dated through the year (the services would
    date everything today); totals and statuses are set as the services keep them."""
    rng = context.rng
    now = context.now
    year_start = now - datetime.timedelta(days=300)
    accounts = context.shared["accounts"]
    reasons = {reason.name: reason for reason in FeeReason.objects.all()}
    names = [name for name, *_ in SCHEDULE]
    weights = [weight for *_, weight in SCHEDULE]
    plans = []
    for site in context.shared["sites"]:
        if site.type == SiteType.DISTRICT_OFFICE:
            continue
        students = list(
            Person.objects.filter(primary_site=site, kind="student", is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        count = int(len(students) * SHARE_OWING)
        for person_id in rng.sample(students, min(count, len(students))):
            for _ in range(1 if rng.random() < 0.8 else 2):
                reason = reasons[rng.choices(names, weights)[0]]
                created = year_start + datetime.timedelta(minutes=rng.randint(0, 290 * 24 * 60))
                plans.append((site, person_id, reason, created, rng.random()))
    student = accounts["student"].person
    plans.append((student.primary_site, student.pk, reasons["Lost charger"], now, 0.99))
    plans.append((student.primary_site, student.pk, reasons["Damaged book"], year_start, 0.1))
    charges, money = [], []
    for site, person_id, reason, created, outcome in plans:
        library = reason.category == FeeCategory.LIBRARY
        clerk = accounts["librarian"] if library else accounts["tech"]
        amount = reason.default_amount
        charge = Charge(
            person_id=person_id,
            site=site,
            reason=reason,
            amount=amount,
            balance=amount,
            created_at=created,
            created_by=clerk,
            note=rng.choice(["", "", "Reported at the help desk", "Found at check-in"]),
        )
        later = created + datetime.timedelta(days=rng.randint(2, 40))
        if later > now:
            later = now
        if outcome < 0.5:  # paid in full
            charge.paid = amount
        elif outcome < 0.62:  # paid in part
            charge.paid = (amount * Decimal(rng.choice(["0.2", "0.4", "0.5"]))).quantize(CENT)
        elif outcome < 0.72:  # waived
            charge.waived = amount
        charge.balance = amount - charge.paid - charge.waived
        if charge.balance == 0:
            charge.status = ChargeStatus.PAID if charge.paid else ChargeStatus.WAIVED
        elif charge.paid:
            charge.status = ChargeStatus.PARTLY_PAID
        charges.append(charge)
        money.append((later, clerk))
    Charge.objects.bulk_create(charges, batch_size=1000)
    payments, waivers = [], []
    for charge, (later, clerk) in zip(charges, money, strict=True):
        if charge.paid:
            payments.append(
                Payment(
                    person_id=charge.person_id,
                    site=charge.site,
                    amount=charge.paid,
                    method=rng.choice(
                        [PaymentMethod.CASH, PaymentMethod.CHECK, PaymentMethod.ONLINE]
                    ),
                    receipt_number=f"R{rng.randint(10000, 99999)}",
                    received_at=later,
                    recorded_by=clerk,
                )
            )
        if charge.waived:
            waivers.append(
                Waiver(
                    charge=charge,
                    amount=charge.waived,
                    reason=rng.choice(WAIVER_REASONS),
                    waived_at=later,
                    waived_by=accounts["admin"],
                )
            )
    Payment.objects.bulk_create(payments, batch_size=1000)
    paid = [charge for charge in charges if charge.paid]
    PaymentShare.objects.bulk_create(
        (
            PaymentShare(payment=payment, charge=charge, amount=payment.amount)
            for payment, charge in zip(payments, paid, strict=True)
        ),
        batch_size=1000,
    )
    Waiver.objects.bulk_create(waivers, batch_size=1000)
