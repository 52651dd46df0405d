"""Reads of fees, scoped to what the user may see. `balance(person)` is what other modules
ask: how much a person owes, at every site."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet, Sum

from homeroom.core.selectors import sites_for
from homeroom.fees.choices import UNPAID_STATUSES
from homeroom.fees.models import CENT, Charge, FeePolicy, FeeReason, Payment
from homeroom.people.choices import PersonKind

ZERO = Decimal("0.00")


def money(value) -> Decimal:
    return (value or ZERO).quantize(CENT)


def balance(person) -> Decimal:
    """What `person` still owes, over all their charges at every site."""
    total = Charge.objects.filter(person=person, status__in=UNPAID_STATUSES).aggregate(
        total=Sum("balance")
    )["total"]
    return money(total)


def fee_policy() -> FeePolicy:
    """The district's policy; until an admin saves one, the default (the rule off)."""
    return FeePolicy.objects.filter(pk=1).first() or FeePolicy(pk=1)


def check_out_block(person) -> tuple[Decimal, Decimal] | None:
    """(unpaid, limit) when the district's rule stops `person` getting a device, else None."""
    policy = fee_policy()
    if not policy.block_check_out:
        return None
    unpaid = balance(person)
    return (unpaid, policy.block_above) if unpaid > policy.block_above else None


def charges_for(user) -> QuerySet[Charge]:
    """Charges at the user's sites; students' charges only for roles that see every
    student at their sites."""
    if not user.is_authenticated or not user.has_perm("fees.view_charge"):
        return Charge.objects.none()
    charges = Charge.objects.select_related("person", "site", "reason")
    if not user.sees_all_sites:
        charges = charges.filter(site__in=sites_for(user))
    if not user.has_perm("people.view_all_students"):
        charges = charges.exclude(person__kind=PersonKind.STUDENT)
    return charges


def own_charges(user) -> QuerySet[Charge]:
    """The signed-in person's own charges (a student with a login sees theirs)."""
    if not user.is_authenticated:
        return Charge.objects.none()
    return Charge.objects.filter(person__user=user).select_related("person", "site", "reason")


def charges_of(user, person) -> QuerySet[Charge]:
    return charges_for(user).filter(person=person)


def charges_from(source) -> QuerySet[Charge]:
    """Charges another module made for `source` (a repair, a library loan)."""
    return Charge.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    )


def totals(charges: QuerySet[Charge]) -> dict:
    """Count and money sums of a list as its filters show it, in one query."""
    sums = charges.order_by().aggregate(
        count=Count("pk"),
        amount=Sum("amount"),
        paid=Sum("paid"),
        waived=Sum("waived"),
        balance=Sum("balance"),
    )
    return {key: value if key == "count" else money(value) for key, value in sums.items()}


def reasons() -> QuerySet[FeeReason]:
    return FeeReason.objects.all()


def payments_of(charge: Charge):
    """The payments that went to `charge`, with the share each gave it."""
    return charge.payment_shares.select_related("payment", "payment__recorded_by").order_by(
        "payment__received_at", "pk"
    )


def statement_charges(charges: QuerySet[Charge]) -> list[Charge]:
    """Charges oldest first, each with `shares` (its payments) and `waiver_list` loaded."""
    charges = list(
        charges.order_by("created_at", "pk").prefetch_related("waivers", "payment_shares__payment")
    )
    for charge in charges:
        charge.shares = sorted(
            charge.payment_shares.all(), key=lambda share: (share.payment.received_at, share.pk)
        )
        charge.waiver_list = sorted(charge.waivers.all(), key=lambda w: (w.waived_at, w.pk))
    return charges


def this_month(charges: QuerySet[Charge], now) -> dict:
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return charges.order_by().aggregate(
        count=Count("pk", filter=Q(created_at__gte=start)),
        amount=Sum("amount", filter=Q(created_at__gte=start)),
        unpaid=Sum("balance", filter=Q(status__in=UNPAID_STATUSES)),
        people=Count("person", filter=Q(status__in=UNPAID_STATUSES), distinct=True),
    )


def payments_for(user) -> QuerySet[Payment]:
    if not user.is_authenticated or not user.has_perm("fees.view_payment"):
        return Payment.objects.none()
    payments = Payment.objects.select_related("person", "site")
    if not user.sees_all_sites:
        payments = payments.filter(site__in=sites_for(user))
    return payments
