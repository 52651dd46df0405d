from decimal import Decimal

import pytest

from homeroom.core.exceptions import Conflict
from homeroom.fees.models import Charge, FeeReason
from homeroom.repairs import services


@pytest.fixture
def screen_fee(db):
    return FeeReason.objects.create(
        name="Cracked screen", category="device_damage", default_amount=Decimal("45.00")
    )


def test_the_student_is_charged_from_the_repair_cost_only_when_asked(
    checked_out, screen, screen_fee, tech, students, client_as
):
    repair = services.repair_open(actor=tech, device=checked_out, problem="Cracked screen")
    services.repair_use_part(actor=tech, repair=repair, part=screen)
    services.repair_update(actor=tech, repair=repair, labor_minutes=15)
    services.repair_complete(actor=tech, repair=repair, outcome="repaired")
    assert not Charge.objects.exists()

    client = client_as(tech)
    page = client.get(repair.get_absolute_url())
    form = page.context["charge_form"]
    assert form.initial["amount"] == Decimal("53.75") and form.initial["reason"] == screen_fee
    assert "No charge made for this repair." in page.content.decode()

    done = client.post(
        f"{repair.get_absolute_url()}charge/",
        {"reason": screen_fee.pk, "amount": "53.75"},
        follow=True,
    ).content.decode()
    assert "✓ Charged Student1 Test $53.75 for Cracked screen" in done
    charge = Charge.objects.get()
    assert (charge.person, charge.amount) == (students[0], Decimal("53.75"))
    assert charge.source == repair and charge.note.startswith(repair.number)
    assert "$53.75 · Cracked screen" in client.get(repair.get_absolute_url()).content.decode()

    refused = client.post(
        f"{repair.get_absolute_url()}charge/", {"reason": screen_fee.pk, "amount": "0"}, follow=True
    )
    assert "Amount ($):" in refused.content.decode()
    assert Charge.objects.count() == 1


def test_a_repair_with_nobody_named_cannot_be_charged(devices, screen_fee, tech):
    repair = services.repair_open(actor=tech, device=devices[1], problem="Keys")
    with pytest.raises(Conflict, match="there is no one to charge"):
        services.repair_charge(actor=tech, repair=repair, reason=screen_fee, amount=Decimal("5"))
    assert not Charge.objects.exists()
