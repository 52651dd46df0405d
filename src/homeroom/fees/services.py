"""Writes to fees: charges, payments, waivers, the fee schedule and the district's policy.

Other modules charge through `charge_create` (a repair's cost, a lost library book) and ask
`check_out_allowed` before handing out a device. Money is Decimal with two places; a refused
write raises before anything is saved, so it changes nothing."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.selectors import sites_for
from homeroom.core.services import require_site_access
from homeroom.fees import selectors
from homeroom.fees.choices import CHARGE_TRANSITIONS, UNPAID_STATUSES, ChargeStatus, PaymentMethod
from homeroom.fees.models import CENT, Charge, FeePolicy, FeeReason, Payment, PaymentShare, Waiver

LARGEST = Decimal("9999999.99")


def dollars(value: Decimal) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


class UnpaidFeesBlock(Conflict):
    """The district's rule stops a check-out: the person owes more than the limit."""

    def __init__(self, person, unpaid: Decimal, limit: Decimal):
        self.person, self.unpaid, self.limit = person, unpaid, limit
        super().__init__(
            f"{person} has unpaid fees of {dollars(unpaid)}, more than the {dollars(limit)} "
            "limit. Check out anyway only with an override."
        )


def amount_of(value, field: str = "amount", *, zero_ok: bool = False) -> Decimal:
    """An amount of money from a Decimal, int or text such as "25", "25.50" or "$25.50".
    Floats are refused: they cannot hold cents exactly."""
    if isinstance(value, float | bool) or value is None:
        raise ValidationError({field: "Enter an amount such as 25.00."})
    try:
        amount = Decimal(str(value).strip().replace(",", "").removeprefix("$"))
    except InvalidOperation:
        raise ValidationError({field: "Enter an amount such as 25.00."}) from None
    if not amount.is_finite():
        raise ValidationError({field: "Enter an amount such as 25.00."})
    if amount < 0 or (amount == 0 and not zero_ok):
        raise ValidationError({field: "The amount must be more than $0.00."})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: "Amounts have at most two decimal places (cents)."})
    if amount > LARGEST:
        raise ValidationError({field: f"The amount must be at most {dollars(LARGEST)}."})
    return amount.quantize(CENT)


def _settle(charge: Charge) -> dict:
    """Recompute a locked charge's balance and status after its money moved; returns the
    changes for the audit event. An illegal move (money on a closed charge) is refused."""
    before = {"paid": charge.paid, "waived": charge.waived, "balance": charge.balance}
    charge.balance = charge.amount - charge.paid - charge.waived
    if charge.balance > 0:
        moved = charge.paid or charge.waived
        status = ChargeStatus.PARTLY_PAID if moved else ChargeStatus.OPEN
    else:
        status = ChargeStatus.PAID if charge.paid else ChargeStatus.WAIVED
    if status != charge.status and status not in CHARGE_TRANSITIONS[ChargeStatus(charge.status)]:
        raise Conflict(f"This charge is {charge.get_status_display().lower()}; it cannot change.")
    changes = {
        field: [str(old), str(getattr(charge, field))]
        for field, old in before.items()
        if old != getattr(charge, field)
    }
    if status != charge.status:
        changes["status"] = [charge.status, status]
        charge.status = status
    return changes


def _locked_charges(**lookups) -> list[Charge]:
    return list(
        Charge.objects.select_for_update(of=("self",))
        .select_related("site", "reason", "person")
        .filter(**lookups)
        .order_by("created_at", "pk")
    )


def check_out_allowed(*, person, override: bool = False) -> str:
    """Raise UnpaidFeesBlock when the district's rule stops `person` getting a device.
    With `override` the check-out goes ahead: returns the words the check-out's audit event
    records (empty when the rule did not apply)."""
    block = selectors.check_out_block(person)
    if block is None:
        return ""
    unpaid, limit = block
    if not override:
        raise UnpaidFeesBlock(person, unpaid, limit)
    return f"Unpaid fees {dollars(unpaid)} over the {dollars(limit)} limit; checked out anyway"


@transaction.atomic
def charge_create(
    *,
    actor,
    person,
    reason: FeeReason,
    amount: Decimal | str | int | None = None,
    site=None,
    note: str = "",
    source=None,
) -> Charge:
    """Charge `person` for `reason`: `amount` defaults to the schedule's, `site` to the
    source's site and then the person's school. `source` is the record charged for (a
    repair, a library loan); the charge links back to it."""
    reason = FeeReason.objects.get(pk=reason.pk)  # as the schedule is now
    amount = reason.default_amount if amount is None else amount_of(amount)
    if not reason.is_active:
        raise ValidationError({"reason": f"“{reason}” is no longer on the fee schedule."})
    if site is None:
        site = getattr(source, "site", None) or person.primary_site
    if site is None:
        raise ValidationError({"site": f"{person} has no school; choose the site to charge at."})
    require_site_access(actor, site)
    charge = Charge(
        person=person,
        site=site,
        reason=reason,
        amount=amount,
        balance=amount,
        note=note.strip(),
        source=source,
        source_label=str(source)[:200] if source is not None else "",
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    charge.full_clean()
    charge.save()
    changes = {
        "person": [None, str(person)],
        "reason": [None, reason.name],
        "amount": [None, str(amount)],
    }
    if source is not None:
        changes["source"] = [None, charge.source_label]
    audit.record(
        actor=actor,
        obj=charge,
        verb=AuditVerb.CREATED,
        site=site,
        changes=changes,
        message=f"Charged {person} {dollars(amount)} for {reason}",
    )
    return charge


@transaction.atomic
def payment_record(
    *,
    actor,
    person,
    amount: Decimal | str | int,
    method: str,
    receipt_number: str = "",
    charges: list[Charge] | None = None,
    note: str = "",
    received_at: datetime.datetime | None = None,
) -> Payment:
    """Record money `person` paid, spread over `charges` (or else all they owe at the
    actor's sites), oldest charge first. Paying more than those charges owe is refused."""
    amount = amount_of(amount)
    if method not in PaymentMethod.values:
        raise ValidationError({"method": "Choose cash, check, online payment receipt or other."})
    if charges is not None:
        wanted = {charge.pk for charge in charges}
        if not wanted:
            raise ValidationError({"charges": "Choose at least one charge to pay."})
        locked = _locked_charges(pk__in=wanted, person=person)
        if len(locked) != len(wanted):
            raise ValidationError({"charges": f"Some of those charges are not {person}'s."})
        closed = [charge for charge in locked if charge.status not in UNPAID_STATUSES]
        if closed:
            raise Conflict(
                f"Charge {closed[0].pk} is already {closed[0].get_status_display().lower()}."
            )
    else:
        lookups = {"person": person, "status__in": UNPAID_STATUSES}
        if actor is not None and not actor.sees_all_sites:
            lookups["site__in"] = sites_for(actor)
        locked = _locked_charges(**lookups)
    if not locked:
        raise Conflict(f"{person} owes nothing here.")
    for charge in locked:
        require_site_access(actor, charge.site)
    owed = sum((charge.balance for charge in locked), Decimal("0.00"))
    if amount > owed:
        raise ValidationError(
            {
                "amount": f"{dollars(amount)} is more than the {dollars(owed)} owed. Record "
                f"{dollars(owed)} and give back the rest."
            }
        )
    payment = Payment(
        person=person,
        site=locked[0].site,
        amount=amount,
        method=method,
        receipt_number=receipt_number.strip(),
        note=note.strip(),
        received_at=received_at or timezone.now(),
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    payment.full_clean()
    payment.save()
    receipt = f", receipt {payment.receipt_number}" if payment.receipt_number else ""
    left = amount
    paid_charges = []
    for charge in locked:
        if not left:
            break
        share = min(left, charge.balance)
        PaymentShare.objects.create(payment=payment, charge=charge, amount=share)
        charge.paid += share
        changes = _settle(charge)
        charge.save(update_fields=["paid", "balance", "status"])
        audit.record(
            actor=actor,
            obj=charge,
            verb=AuditVerb.STATUS_CHANGED if "status" in changes else AuditVerb.UPDATED,
            site=charge.site,
            changes=changes,
            message=f"Paid {dollars(share)} ({payment.get_method_display().lower()}{receipt})",
        )
        paid_charges.append(charge.pk)
        left -= share
    audit.record(
        actor=actor,
        obj=payment,
        verb=AuditVerb.CREATED,
        site=payment.site,
        changes={
            "person": [None, str(person)],
            "amount": [None, str(amount)],
            "method": [None, method],
            "receipt_number": [None, payment.receipt_number],
            "charges": [None, paid_charges],
        },
        message=f"{person} paid {dollars(amount)}",
    )
    return payment


@transaction.atomic
def charge_waive(
    *, actor, charge: Charge, reason: str, amount: Decimal | str | int | None = None
) -> Waiver:
    """Forgive `amount` of a charge (all it still owes by default), saying why."""
    locked = _locked_charges(pk=charge.pk)
    if not locked:
        raise Conflict("That charge no longer exists.")
    charge = locked[0]
    require_site_access(actor, charge.site)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the fee is waived; it goes on the record."})
    if charge.status not in UNPAID_STATUSES:
        raise Conflict(
            f"This charge is already {charge.get_status_display().lower()}; nothing is left "
            "to waive."
        )
    amount = charge.balance if amount is None else amount_of(amount)
    if amount > charge.balance:
        raise ValidationError(
            {
                "amount": f"Only {dollars(charge.balance)} is owed on this charge; waive at "
                "most that."
            }
        )
    waiver = Waiver(
        charge=charge,
        amount=amount,
        reason=reason,
        waived_by=actor if actor is not None and actor.is_authenticated else None,
    )
    waiver.full_clean()
    waiver.save()
    charge.waived += amount
    changes = _settle(charge)
    charge.save(update_fields=["waived", "balance", "status"])
    audit.record(
        actor=actor,
        obj=charge,
        verb=AuditVerb.STATUS_CHANGED if "status" in changes else AuditVerb.UPDATED,
        site=charge.site,
        changes=changes,
        message=f"Waived {dollars(amount)}: {reason}",
    )
    return waiver


@transaction.atomic
def reason_create(
    *,
    actor,
    name: str,
    category: str,
    default_amount: Decimal | str | int,
    is_active: bool = True,
) -> FeeReason:
    reason = FeeReason(
        name=name.strip(),
        category=category,
        default_amount=amount_of(default_amount, "default_amount"),
        is_active=is_active,
    )
    reason.full_clean()
    reason.save()
    audit.record(
        actor=actor,
        obj=reason,
        verb=AuditVerb.CREATED,
        changes={
            "name": [None, reason.name],
            "category": [None, category],
            "default_amount": [None, str(reason.default_amount)],
        },
    )
    return reason


@transaction.atomic
def reason_update(*, actor, reason: FeeReason, **data) -> FeeReason:
    reason = FeeReason.objects.select_for_update().get(pk=reason.pk)
    if "default_amount" in data:
        data["default_amount"] = amount_of(data["default_amount"], "default_amount")
    if "name" in data:
        data["name"] = data["name"].strip()
    changes = audit.apply_changes(reason, data)
    if changes:
        reason.full_clean()
        reason.save()
        audit.record(actor=actor, obj=reason, verb=AuditVerb.UPDATED, changes=changes)
    return reason


@transaction.atomic
def policy_update(*, actor, block_check_out: bool, block_above: Decimal | str | int) -> FeePolicy:
    FeePolicy.objects.get_or_create(pk=1)
    policy = FeePolicy.objects.select_for_update().get(pk=1)
    changes = audit.apply_changes(
        policy,
        {
            "block_check_out": block_check_out,
            "block_above": amount_of(block_above, "block_above", zero_ok=True),
        },
    )
    if changes:
        policy.updated_at = timezone.now()
        policy.updated_by = actor if actor is not None and actor.is_authenticated else None
        policy.full_clean()
        policy.save()
        audit.record(actor=actor, obj=policy, verb=AuditVerb.UPDATED, changes=changes)
    return policy
