import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Assignment, Device
from homeroom.repairs import services
from homeroom.repairs.choices import RepairStatus
from homeroom.repairs.models import RepairOrder
from homeroom.repairs.tests.conftest import make_device


def status_of(device) -> str:
    return Device.objects.get(pk=device.pk).status


def test_a_students_device_is_checked_in_for_repair_and_goes_back_to_them(
    school_monday, checked_out, students, tech
):
    repair = services.repair_open(actor=tech, device=checked_out, problem="Cracked screen")
    assert status_of(checked_out) == DeviceStatus.IN_REPAIR
    assert not Assignment.objects.filter(device=checked_out, checked_in_at__isnull=True).exists()
    assert repair.person == students[0] and repair.return_to_person
    assert repair.expected_back == timezone.localdate() + datetime.timedelta(days=3)

    services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.IN_PROGRESS)
    services.repair_complete(actor=tech, repair=repair, outcome="repaired")
    repair.refresh_from_db()
    assert repair.status == RepairStatus.COMPLETED and repair.completed_at is not None
    assert status_of(checked_out) == DeviceStatus.DEPLOYED
    back = Assignment.objects.get(device=checked_out, checked_in_at__isnull=True)
    assert back.person == students[0] and back.kind == "one_to_one"
    verbs = list(
        AuditEvent.objects.filter(content_type__model="repairorder", object_id=repair.pk)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["created", "status_changed", "status_changed"]


def test_a_device_from_stock_goes_back_to_stock_and_a_loaner_back_to_the_pool(
    devices, loaners, tech
):
    repair = services.repair_open(actor=tech, device=devices[1], problem="Won't charge")
    assert repair.person is None and not repair.return_to_person
    services.repair_complete(actor=tech, repair=repair, outcome="replaced")
    assert status_of(devices[1]) == DeviceStatus.IN_STOCK

    broken_loaner = services.repair_open(actor=tech, device=loaners[0], problem="Keys")
    services.repair_set_status(actor=tech, repair=broken_loaner, status=RepairStatus.CANCELLED)
    assert status_of(loaners[0]) == DeviceStatus.LOANER_POOL


def test_a_device_beyond_repair_is_retired(devices, tech):
    repair = services.repair_open(actor=tech, device=devices[0], problem="Water damage")
    services.repair_complete(actor=tech, repair=repair, outcome="beyond_repair")
    assert status_of(devices[0]) == DeviceStatus.RETIRED


def test_one_open_repair_per_device_and_retired_devices_cannot_be_repaired(devices, tech):
    repair = services.repair_open(actor=tech, device=devices[0], problem="Hinge")
    with pytest.raises(Conflict, match=f"already has an open repair, {repair.number}"):
        services.repair_open(actor=tech, device=devices[0], problem="Hinge again")
    services.repair_complete(actor=tech, repair=repair, outcome="repaired")
    services.repair_open(actor=tech, device=devices[0], problem="Hinge again")
    assert RepairOrder.objects.filter(device=devices[0]).count() == 2

    Device.objects.filter(pk=devices[1].pk).update(status=DeviceStatus.DISPOSED)
    with pytest.raises(Conflict, match="disposed; it cannot become in repair"):
        services.repair_open(actor=tech, device=devices[1], problem="Screen")
    assert not RepairOrder.objects.filter(device=devices[1]).exists()


def test_illegal_moves_are_refused_with_a_reason(devices, tech):
    repair = services.repair_open(actor=tech, device=devices[0], problem="Screen")
    with pytest.raises(Conflict, match="Say how the repair ended"):
        services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.COMPLETED)
    with pytest.raises(Conflict, match="in-house repair is not shipped"):
        services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.SHIPPED)
    services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.CANCELLED)
    with pytest.raises(Conflict, match="is cancelled; it cannot become in progress"):
        services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.IN_PROGRESS)
    with pytest.raises(Conflict, match="is cancelled; it cannot change"):
        services.repair_update(actor=tech, repair=repair, labor_minutes=10)
    assert status_of(devices[0]) == DeviceStatus.IN_STOCK


def test_a_chromebook_ships_to_the_depot_only_once_deprovisioned(
    school_monday, devices, vendor, tech
):
    repair = services.repair_open(
        actor=tech, device=devices[0], problem="Motherboard", kind="vendor_depot"
    )
    assert repair.expected_back == timezone.localdate() + datetime.timedelta(days=14)
    steps = {item.step: item.required for item in repair.checklist.all()}
    assert steps == {"deprovisioned": True, "accessories_kept": False, "damage_photographed": False}
    with pytest.raises(Conflict, match="Choose the vendor"):
        services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.SHIPPED)
    services.repair_update(actor=tech, repair=repair, vendor=vendor, rma_number="RMA-1")
    with pytest.raises(Conflict, match=r"Removed from management \(Chromebook deprovisioned\)"):
        services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.SHIPPED)
    assert RepairOrder.objects.get(pk=repair.pk).status == RepairStatus.OPEN

    services.repair_check_item(actor=tech, repair=repair, step="deprovisioned")
    shipped = services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.SHIPPED)
    assert shipped.shipped_on == timezone.localdate()
    returned = services.repair_set_status(
        actor=tech, repair=repair, status=RepairStatus.RETURNED, on=datetime.date(2026, 12, 1)
    )
    assert returned.returned_on == datetime.date(2026, 12, 1)
    with pytest.raises(Conflict, match="went to the vendor; it stays a depot repair"):
        services.repair_update(actor=tech, repair=repair, kind="in_house")


def test_a_laptop_at_the_depot_needs_no_deprovisioning(sites, laptop_model, vendor, tech):
    laptop = make_device(sites[0], laptop_model, "NES-L1")
    repair = services.repair_open(
        actor=tech, device=laptop, problem="Fan", kind="vendor_depot", vendor=vendor
    )
    assert not repair.checklist.filter(step="deprovisioned").exists()
    services.repair_set_status(actor=tech, repair=repair, status=RepairStatus.SHIPPED)


def test_changing_to_a_depot_repair_adds_the_checklist(devices, tech):
    repair = services.repair_open(actor=tech, device=devices[0], problem="Board")
    assert not repair.checklist.exists()
    services.repair_update(actor=tech, repair=repair, kind="vendor_depot")
    assert repair.checklist.filter(step="deprovisioned", required=True).exists()


def test_coverage_follows_the_warranty(devices, tech):
    Device.objects.filter(pk=devices[0].pk).update(
        warranty_end=timezone.localdate() + datetime.timedelta(days=30)
    )
    assert services.repair_open(actor=tech, device=devices[0], problem="x").coverage == "warranty"
    assert services.repair_open(actor=tech, device=devices[1], problem="x").coverage == "paid"


def test_a_technician_cannot_open_a_repair_at_another_site(devices, sites, tech):
    Device.objects.filter(pk=devices[0].pk).update(site=sites[1])
    with pytest.raises(PermissionDenied):
        services.repair_open(actor=tech, device=devices[0], problem="Screen")
    assert status_of(devices[0]) == DeviceStatus.IN_STOCK
