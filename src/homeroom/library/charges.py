"""What circulation charges through the fees app: a lost copy's replacement cost, a damaged
copy's, and fines on late returns where a rule has them. Each charge's source is the loan,
so a lost book that comes back finds its charge again and waives what is still owed."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from homeroom.core.calendar import calendar_for
from homeroom.core.selectors import sites_for
from homeroom.fees import services as fees
from homeroom.fees.choices import UNPAID_STATUSES, FeeCategory
from homeroom.fees.models import Charge, FeeReason
from homeroom.library.choices import LoanUnit
from homeroom.library.models import Copy, Library, Loan

ZERO = Decimal("0.00")
# The fee schedule's lines for the library, added the first time one is needed; the
# district may change their usual amount (used when a copy has no cost) or switch them off.
LOST, DAMAGED, FINE = "Lost library book", "Damaged library book", "Library overdue fine"
DEFAULTS = {LOST: Decimal("20.00"), DAMAGED: Decimal("20.00"), FINE: Decimal("1.00")}


def reason(name: str) -> FeeReason:
    found, _ = FeeReason.objects.get_or_create(
        name=name,
        defaults={"category": FeeCategory.LIBRARY, "default_amount": DEFAULTS[name]},
    )
    return found


def replacement_amount(copy: Copy, fee: FeeReason) -> Decimal:
    """The copy's replacement cost, else its price, else the schedule's usual amount."""
    for amount in (copy.replacement_cost, copy.price):
        if amount is not None and amount > 0:
            return amount
    return fee.default_amount


def fee_actor(actor, library: Library):
    """Charges are written at the library's school by whoever works there. A book returned
    at another school's desk still settles its charges: the check-in, which that librarian
    may do, makes them, so they are written without a user (the audit says where)."""
    if actor is None or sites_for(actor).filter(pk=library.site_id).exists():
        return actor
    return None


def charges_of(loan: Loan, name: str):
    return Charge.objects.filter(
        source_type=ContentType.objects.get_for_model(Loan),
        source_id=loan.pk,
        reason__name=name,
    )


def charge(actor, loan: Loan, person, name: str, amount: Decimal, note: str) -> Charge | None:
    """Charge `person` for the loan, unless the schedule's line is switched off (the
    district no longer charges for that) or the loan was already charged for it."""
    fee = reason(name)
    if not fee.is_active or amount <= 0 or charges_of(loan, name).exists():
        return None
    return fees.charge_create(
        actor=fee_actor(actor, loan.library),
        person=person,
        reason=fee,
        amount=amount,
        site=loan.library.site,
        source=loan,
        note=note,
    )


def reverse_lost(actor, loan: Loan) -> list[str]:
    """The lost book is back: waive what its replacement charge still owes. Money already
    paid stays paid; the desk says so, for the office to give back."""
    notes = []
    for found in charges_of(loan, LOST).select_related("site"):
        if found.status in UNPAID_STATUSES:
            waived = fees.charge_waive(
                actor=fee_actor(actor, loan.library),
                charge=found,
                reason="The lost book came back.",
            )
            notes.append(f"Its lost-book charge of {fees.dollars(waived.amount)} is cancelled.")
        if found.paid:
            notes.append(
                f"{fees.dollars(found.paid)} was already paid for it: the office gives it back."
            )
    return notes


def days_late(loan: Loan, returned_on: datetime.date) -> int:
    """Days past due, counted as the rule counts its loans: calendar days, or school days
    (for loans in school days or open hours), less the rule's grace days."""
    rule = loan.rule
    if rule is None or returned_on <= loan.due_on:
        return 0
    if rule.loan_unit == LoanUnit.DAYS:
        late = (returned_on - loan.due_on).days
    else:
        first = loan.due_on + datetime.timedelta(days=1)
        late = calendar_for(loan.library.site_id).school_day_count(first, returned_on)
    return max(late - rule.grace_days, 0)


def fine_amount(loan: Loan, returned_on: datetime.date) -> Decimal:
    """The rule's fine per day late, up to its cap (a cap of 0 sets no limit)."""
    rule = loan.rule
    if rule is None or rule.fine_per_day <= 0:
        return ZERO
    amount = rule.fine_per_day * days_late(loan, returned_on)
    if rule.fine_cap > 0:
        amount = min(amount, rule.fine_cap)
    return amount.quantize(Decimal("0.01"))


def charge_fine(actor, loan: Loan, person, returned_on: datetime.date) -> str | None:
    amount = fine_amount(loan, returned_on)
    if amount <= 0:
        return None
    late = days_late(loan, returned_on)
    note = f"{loan.copy.title.title} ({loan.copy.barcode}) returned {late} days late"
    made = charge(actor, loan, person, FINE, amount, note)
    if made is None:
        return None
    return f"A fine of {fees.dollars(amount)} for {late} day{'s' if late != 1 else ''} late."
