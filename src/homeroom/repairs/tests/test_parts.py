import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.repairs import services
from homeroom.repairs.models import Part, RepairOrder, StockMovement
from homeroom.repairs.tests.conftest import make_device


def test_parts_used_take_stock_and_costs_add_up(devices, screen, tech):
    repair = services.repair_open(actor=tech, device=devices[0], problem="Screen")
    services.repair_use_part(actor=tech, repair=repair, part=screen, quantity=2)
    services.repair_update(
        actor=tech,
        repair=repair,
        labor_minutes=30,
        labor_rate=Decimal("50.00"),
        vendor_cost=Decimal("10.00"),
    )
    # A later delivery at a new price does not change what the repair cost.
    services.part_receive(actor=tech, part=screen, quantity=5, unit_cost=Decimal("60.00"))
    repair.refresh_from_db()
    assert (repair.parts_cost, repair.labor_cost, repair.total_cost) == (
        Decimal("85.00"),
        Decimal("25.00"),
        Decimal("120.00"),
    )
    used = repair.parts_used.get()
    assert (used.quantity, used.unit_cost) == (2, Decimal("42.50"))
    screen.refresh_from_db()
    assert screen.quantity_on_hand == 6 and screen.unit_cost == Decimal("60.00")
    movements = list(
        StockMovement.objects.filter(part=screen)
        .order_by("pk")
        .values_list("kind", "quantity", "quantity_after", "repair")
    )
    assert movements == [
        ("received", 3, 3, None),
        ("used", -2, 1, repair.pk),
        ("received", 5, 6, None),
    ]
    assert AuditEvent.objects.filter(content_type__model="part", object_id=screen.pk).count() == 4


def test_stock_never_goes_below_zero(devices, screen, tech):
    repair = services.repair_open(actor=tech, device=devices[0], problem="Screen")
    with pytest.raises(Conflict, match="Only 3 x 311 screen left at North Elementary"):
        services.repair_use_part(actor=tech, repair=repair, part=screen, quantity=4)
    services.repair_use_part(actor=tech, repair=repair, part=screen, quantity=3)
    with pytest.raises(Conflict, match="No 311 screen left at North Elementary"):
        services.repair_use_part(actor=tech, repair=repair, part=screen)
    with pytest.raises(ValidationError):
        services.repair_use_part(actor=tech, repair=repair, part=screen, quantity=0)
    with pytest.raises(ValidationError, match="below zero"):
        services.part_adjust(actor=tech, part=screen, quantity_on_hand=-1, reason="count")
    with pytest.raises(IntegrityError), transaction.atomic():
        Part.objects.filter(pk=screen.pk).update(quantity_on_hand=-1)
    assert Part.objects.get(pk=screen.pk).quantity_on_hand == 0
    assert RepairOrder.objects.get(pk=repair.pk).parts_cost == Decimal("127.50")


def test_adjusting_needs_a_reason_and_is_recorded(screen, tech):
    with pytest.raises(ValidationError, match="Say why"):
        services.part_adjust(actor=tech, part=screen, quantity_on_hand=1, reason=" ")
    services.part_adjust(actor=tech, part=screen, quantity_on_hand=1, reason="Two cracked")
    movement = StockMovement.objects.filter(part=screen).first()
    assert (movement.kind, movement.quantity, movement.quantity_after, movement.reason) == (
        "adjusted",
        -2,
        1,
        "Two cracked",
    )
    assert Part.objects.get(pk=screen.pk).is_low


def test_a_part_from_another_sites_stock_is_refused(sites, devices, screen, tech, users):
    from homeroom.core import roles

    admin = users[roles.DISTRICT_ADMIN]
    other = services.part_create(
        actor=admin, site=sites[1], name="311 screen", kind="screen", unit_cost=Decimal("40")
    )
    services.part_receive(actor=admin, part=other, quantity=1)
    repair = services.repair_open(actor=tech, device=devices[0], problem="Screen")
    with pytest.raises(Conflict, match="is stock of South High"):
        services.repair_use_part(actor=admin, repair=repair, part=other)


@pytest.mark.django_db(transaction=True)
def test_two_technicians_using_the_last_screen_at_once(sites, chromebook_model, users):
    """On PostgreSQL both really race for the part's row; SQLite's in-memory test database
    cannot be shared between threads, so there they run one after the other."""
    from homeroom.core import roles

    tech = users[roles.TECHNICIAN]
    part = services.part_create(
        actor=tech, site=sites[0], name="Last screen", kind="screen", unit_cost=Decimal("40")
    )
    services.part_receive(actor=tech, part=part, quantity=1)
    repairs = [
        services.repair_open(
            actor=tech,
            device=make_device(sites[0], chromebook_model, f"RACE-{n}"),
            problem="Screen",
        )
        for n in range(2)
    ]
    racing = connection.vendor == "postgresql"
    start = threading.Barrier(2)
    outcomes = []

    def use(repair):
        try:
            if racing:
                start.wait()
            services.repair_use_part(actor=tech, repair=repair, part=part)
            outcomes.append("used")
        except Conflict as error:
            outcomes.append(str(error))
        finally:
            if racing:
                close_old_connections()
                connection.close()

    if racing:
        threads = [threading.Thread(target=use, args=(repair,)) for repair in repairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for repair in repairs:
            use(repair)
    refused = "No Last screen left at North Elementary; receive stock first."
    assert sorted(outcomes) == [refused, "used"]
    assert Part.objects.get(pk=part.pk).quantity_on_hand == 0
    assert StockMovement.objects.filter(part=part, kind="used").count() == 1
