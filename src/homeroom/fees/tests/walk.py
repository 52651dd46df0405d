from decimal import Decimal

from homeroom.core.testing import WalkSamples
from homeroom.fees.models import Charge, FeeReason


def samples(base) -> WalkSamples:
    reason = FeeReason.objects.create(
        name="Walk screen", category="device_damage", default_amount=Decimal("40.00")
    )
    charge = _charge(base, reason)

    def payment_body():
        fresh = _charge(base, reason)
        return {
            "person_id": base.person.pk,
            "amount": "5.00",
            "method": "cash",
            "charge_ids": [fresh.pk],
        }

    return WalkSamples(
        by_url_name={
            "fees:charge_detail": charge.pk,
            "fees:charge_waive": charge.pk,
            "fees:reason_edit": reason.pk,
            "fees:statement": base.person.pk,
        },
        by_key={"charge_id": charge.pk},
        bodies={
            "create_charge": {"person_id": base.person.pk, "reason_id": reason.pk},
            "waive_charge": {"amount": "1.00", "reason": "Walk"},
            "record_payment": payment_body,
        },
    )


def _charge(base, reason) -> Charge:
    return Charge.objects.create(
        person=base.person,
        site=base.site,
        reason=reason,
        amount=Decimal("40.00"),
        balance=Decimal("40.00"),
    )
