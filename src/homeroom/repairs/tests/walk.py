from decimal import Decimal

from homeroom.core.testing import WalkSamples
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.helpdesk.models import Ticket
from homeroom.repairs import services
from homeroom.repairs.models import Part, Vendor


def samples(base) -> WalkSamples:
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Walk repairs"),
        name="Repairbook",
        category="chromebook",
    )
    devices = iter(range(1, 1000))

    def device(status="in_stock") -> Device:
        n = next(devices)
        return Device.objects.create(
            asset_tag=f"WALK-R{n}",
            serial_number=f"WALK-R-SN{n}",
            site=base.site,
            model=model,
            status=status,
        )

    vendor = Vendor.objects.create(name="Walk depot")
    repair = services.repair_open(
        actor=None,
        device=device(),
        problem="Cracked screen",
        person=base.person,
        kind="vendor_depot",
        vendor=vendor,
    )
    part = Part.objects.create(
        site=base.site, name="Walk screen", kind="screen", unit_cost=Decimal("30.00")
    )
    services.part_receive(actor=None, part=part, quantity=50)
    device("loaner_pool")
    device("loaner_pool")
    ticket = Ticket.objects.create(
        site=base.site, subject="Walk: cracked screen", affected_person=base.person
    )
    return WalkSamples(
        by_url_name={
            "repairs:repair_detail": repair.pk,
            "repairs:repair_edit": repair.pk,
            "repairs:repair_status": repair.pk,
            "repairs:repair_checklist": repair.pk,
            "repairs:repair_add_part": repair.pk,
            "repairs:repair_loaner": repair.pk,
            "repairs:repair_charge": repair.pk,
            "repairs:ticket_loaner": ticket.pk,
            "repairs:part_detail": part.pk,
            "repairs:part_receive": part.pk,
            "repairs:part_adjust": part.pk,
            "repairs:vendor_detail": vendor.pk,
        },
        by_key={"repair_id": repair.pk, "part_id": part.pk},
        bodies={
            "create_repair": lambda: {"device_id": device().pk, "problem": "Keys missing"},
            "set_repair_status": {"status": "in_progress"},
            "check_repair_step": {"step": "deprovisioned"},
            "add_repair_part": {"part_id": part.pk},
            "issue_loaner": {},
            "receive_part": {"quantity": 5},
            "adjust_part": {"quantity_on_hand": 40, "reason": "Shelf count"},
        },
    )
