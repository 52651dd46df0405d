import pytest
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from homeroom.core.choices import SiteType
from homeroom.core.demo import generate
from homeroom.core.models import Site
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Assignment
from homeroom.repairs.choices import OPEN_STATUSES, RepairStatus
from homeroom.repairs.models import Part, RepairOrder, StockMovement
from homeroom.repairs.selectors import low_stock


def snapshot() -> list[tuple]:
    return list(
        RepairOrder.objects.order_by("pk").values_list(
            "device__asset_tag", "status", "kind", "vendor__name", "total_cost"
        )
    )


@pytest.mark.django_db(transaction=False)
def test_the_demo_district_has_a_year_of_repairs_that_add_up():
    generate(report=lambda line: None)
    for site in Site.objects.exclude(type=SiteType.DISTRICT_OFFICE):
        repairs = RepairOrder.objects.filter(site=site)
        assert repairs.filter(status=RepairStatus.COMPLETED).count() >= 20, site
        assert repairs.filter(status__in=OPEN_STATUSES).count() >= 4, site
        assert Part.objects.filter(site=site).count() == 7
        assert low_stock(Part.objects.filter(site=site)).exists(), site
    assert set(RepairOrder.objects.values_list("status", flat=True)) >= {
        "open",
        "in_progress",
        "shipped",
        "completed",
    }
    # Costs, stock and devices are as the services would leave them.
    used = Sum(F("parts_used__quantity") * F("parts_used__unit_cost"))
    for repair in RepairOrder.objects.annotate(used=used):
        assert repair.parts_cost == (repair.used or 0)
        assert repair.total_cost == repair.parts_cost + repair.labor_cost + repair.vendor_cost
    for part in Part.objects.annotate(moved=Sum("movements__quantity")):
        assert part.quantity_on_hand == part.moved >= 0
        last = StockMovement.objects.filter(part=part).order_by("-at", "-pk").first()
        assert last.quantity_after == part.quantity_on_hand
    for repair in RepairOrder.objects.filter(status__in=OPEN_STATUSES).select_related("device"):
        assert repair.device.status == DeviceStatus.IN_REPAIR
    assert not Assignment.objects.filter(
        device__repairs__status__in=OPEN_STATUSES, checked_in_at__isnull=True
    ).exists()
    loaners = Assignment.objects.filter(kind="loaner", checked_in_at__isnull=True)
    assert loaners.count() >= 3 and loaners.filter(loaner__repair__isnull=False).exists()
    # Repair cost per device model is one grouped query for the metrics.
    by_model = (
        RepairOrder.objects.values("device__model")
        .annotate(
            n=Count("pk"), cost=Sum("total_cost"), depot=Count("pk", filter=Q(kind="vendor_depot"))
        )
        .order_by()
    )
    assert all(row["n"] and row["cost"] > 0 for row in by_model)


class _Undo(Exception):
    pass


@pytest.mark.django_db(transaction=False)
def test_the_demo_repairs_are_the_same_for_the_same_seed():
    try:
        with transaction.atomic():
            generate(report=lambda line: None)
            first = snapshot()
            raise _Undo
    except _Undo:
        pass
    assert first and not RepairOrder.objects.exists()
    generate(report=lambda line: None)
    assert snapshot() == first
