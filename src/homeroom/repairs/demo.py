"""The demo district's repairs: depot vendors, a parts shelf in every school, and a school
year of repairs with the stock they used, the restocking they caused and the loaners they
needed. Written straight to the tables in bulk (the services would date everything today);
costs, stock counts and device statuses come out as the services keep them.

Devices the devices step left "in repair" get the open repairs; students' Chromebooks that
broke during the year get completed ones (they are back in the students' hands), plus a few
open on the demo's date with a loaner out, one at each stage of a repair and the depot one
overdue. Devices it retired were beyond repair. Repairs of devices that have a help-desk
ticket are linked to it."""

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.devices.choices import AssignmentKind, DeviceCategory, DeviceStatus
from homeroom.devices.models import Assignment, Device
from homeroom.helpdesk.models import Ticket
from homeroom.repairs.choices import (
    REQUIRED_TO_SHIP,
    ChecklistStep,
    Coverage,
    MovementKind,
    Outcome,
    PartKind,
    RepairKind,
    RepairStatus,
)
from homeroom.repairs.models import (
    Loaner,
    Part,
    RepairChecklistItem,
    RepairOrder,
    RepairPart,
    StockMovement,
    Vendor,
)

VENDORS = [  # name, contact, phone, depot address
    ("Acer Care Center", "Depot intake", "(555) 200-1100", "Acer Depot Repair\nTemple, TX 76504"),
    ("Lenovo Depot Repair", "Education desk", "(555) 200-2200", "Lenovo Depot\nMemphis, TN 38118"),
    ("Dell Mail-In Service", "K-12 team", "(555) 200-3300", "Dell Depot\nLebanon, TN 37090"),
    ("HP Education Service", "Repair intake", "(555) 200-4400", "HP Depot\nHouston, TX 77070"),
]
PARTS = [  # kind, name, cost range in dollars, how often a repair needs it (weight)
    (PartKind.SCREEN, "LCD screen", (38, 68), 45),
    (PartKind.KEYBOARD, "Keyboard", (28, 46), 20),
    (PartKind.CHARGER, "45W USB-C charger", (18, 26), 12),
    (PartKind.BATTERY, "Battery", (39, 58), 8),
    (PartKind.TOUCHPAD, "Touchpad", (22, 34), 5),
    (PartKind.HINGE, "Hinge kit", (9, 16), 6),
    (PartKind.BOTTOM_COVER, "Bottom cover", (14, 24), 4),
]
PROBLEMS = {
    PartKind.SCREEN: ["Cracked screen", "Screen flickers", "Lines across the screen"],
    PartKind.KEYBOARD: ["Keys missing", "Keyboard not typing", "Sticky keys after a spill"],
    PartKind.CHARGER: ["Charger frayed", "Charger not charging"],
    PartKind.BATTERY: ["Battery will not hold a charge", "Swollen battery"],
    PartKind.TOUCHPAD: ["Touchpad not clicking"],
    PartKind.HINGE: ["Loose hinge", "Hinge snapped"],
    PartKind.BOTTOM_COVER: ["Bottom cover cracked"],
}
DEPOT_PROBLEMS = ["Will not power on", "Motherboard failure", "Liquid damage", "No Wi-Fi"]
REPAIR_SHARE = Decimal("0.12")  # of a school's 1:1 Chromebooks repaired during the year
# Per school, students' Chromebooks in repair on the demo's date with a loaner out: one at
# each stage, the one at the vendor's depot overdue.
OPEN_WITH_LOANER = [
    RepairStatus.OPEN,
    RepairStatus.IN_PROGRESS,
    RepairStatus.AWAITING_PARTS,
    RepairStatus.SHIPPED,
]
LABOR_RATE = Decimal("45.00")
CENT = Decimal("0.01")


@demo_step(order=60)
def repairs_and_parts(context: DemoContext) -> None:
    rng = context.rng
    now = context.now
    year_start = now - datetime.timedelta(days=300)
    tech = context.shared["accounts"]["tech"]
    vendors = [
        Vendor(
            name=name,
            contact_name=contact,
            phone=phone,
            email=f"depot{n + 1}@vendors.example.org",
            depot_address=address,
            warranty_portal_url=f"https://warranty.vendors.example.org/{n + 1}",
        )
        for n, (name, contact, phone, address) in enumerate(VENDORS)
    ]
    Vendor.objects.bulk_create(vendors)
    vendors = list(Vendor.objects.order_by("pk"))
    tickets = dict(
        Ticket.objects.filter(device__isnull=False)
        .order_by("device_id", "pk")
        .values_list("device_id", "pk")
    )
    plan = _Plan(rng, now, tech)
    for site in context.shared["sites"]:
        if site.type == SiteType.DISTRICT_OFFICE:
            continue
        chromebooks = Device.objects.filter(site=site, model__category=DeviceCategory.CHROMEBOOK)
        model_id = (
            chromebooks.values_list("model")
            .annotate(n=Count("pk"))
            .order_by("-n", "model")
            .values_list("model", flat=True)
            .first()
        )
        if model_id is None:
            continue
        parts = _shelf(site, model_id, rng)
        plan.parts += parts
        one_to_one = list(
            Assignment.objects.filter(
                device__in=chromebooks.filter(status=DeviceStatus.DEPLOYED),
                kind=AssignmentKind.ONE_TO_ONE,
                checked_in_at__isnull=True,
            )
            .select_related("device")
            .order_by("pk")
        )
        rng.shuffle(one_to_one)
        loaners = list(chromebooks.filter(status=DeviceStatus.LOANER_POOL).order_by("asset_tag"))
        count = int(len(one_to_one) * REPAIR_SHARE)
        for assignment in one_to_one[:count]:
            opened = year_start + datetime.timedelta(minutes=rng.randint(0, 270 * 24 * 60))
            plan.completed(site, assignment.device, assignment.person_id, opened, parts, vendors)
        in_repair = one_to_one[count : count + len(OPEN_WITH_LOANER)]
        for assignment, status in zip(in_repair, OPEN_WITH_LOANER, strict=False):
            opened = now - datetime.timedelta(days=rng.randint(1, 12), hours=rng.randint(1, 6))
            loaner = loaners.pop(0) if loaners else None
            plan.open_with_loaner(site, assignment, opened, parts, vendors, loaner, status)
        for device in chromebooks.filter(status=DeviceStatus.IN_REPAIR).order_by("asset_tag"):
            opened = now - datetime.timedelta(days=rng.randint(1, 20))
            plan.open_spare(site, device, opened, parts, vendors)
        for device in chromebooks.filter(status=DeviceStatus.RETIRED).order_by("asset_tag"):
            opened = year_start + datetime.timedelta(days=rng.randint(0, 200))
            plan.beyond_repair(site, device, opened)
    plan.save(tickets)


def _shelf(site, model_id: int, rng) -> list[Part]:
    """One part of each kind for the school's Chromebook model; big schools keep more."""
    parts = []
    for kind, name, (low, high), weight in PARTS:
        part = Part(
            site=site,
            name=name,
            kind=kind,
            part_number=f"{kind[:3].upper()}-{model_id:03d}-{rng.randint(100, 999)}",
            unit_cost=Decimal(rng.randint(low * 100, high * 100)) / 100,
            reorder_point=max(2, weight // 8),
        )
        part.weight = weight
        parts.append(part)
    Part.objects.bulk_create(parts)
    saved = list(Part.objects.filter(site=site).order_by("pk"))
    Part.compatible_models.through.objects.bulk_create(
        Part.compatible_models.through(part=part, devicemodel_id=model_id) for part in saved
    )
    for part, planned in zip(saved, parts, strict=True):
        part.weight = planned.weight
    return saved


class _Plan:
    """Repairs, parts used, stock movements and loaners, collected and then saved in bulk."""

    def __init__(self, rng, now, tech):
        self.rng = rng
        self.now = now
        self.tech = tech
        self.repairs: list[RepairOrder] = []
        self.parts: list[Part] = []
        self.uses: list[tuple[RepairOrder, Part, int, datetime.datetime]] = []
        self.checklists: list[tuple[RepairOrder, datetime.datetime | None]] = []
        self.loans: list[tuple[RepairOrder, Assignment]] = []
        self.closed_assignments: list[tuple[Assignment, datetime.datetime]] = []
        self.status_changes: dict[str, list[int]] = {}

    def _repair(self, site, device, person_id, opened, **fields) -> RepairOrder:
        repair = RepairOrder(
            device=device,
            site=site,
            person_id=person_id,
            opened_at=opened,
            opened_by=self.tech,
            labor_rate=LABOR_RATE,
            **fields,
        )
        self.repairs.append(repair)
        return repair

    def _part_for(self, parts) -> Part:
        return self.rng.choices(parts, [part.weight for part in parts])[0]

    def _depot(self, repair, vendors, opened, shipped: bool) -> None:
        repair.kind = RepairKind.VENDOR_DEPOT
        repair.vendor = self.rng.choice(vendors)
        repair.coverage = Coverage.WARRANTY if self.rng.random() < 0.6 else Coverage.PAID
        repair.rma_number = f"RMA{self.rng.randint(10**7, 10**8 - 1)}"
        if repair.coverage == Coverage.PAID:
            repair.vendor_cost = Decimal(self.rng.randint(8000, 18000)) / 100
        if shipped:
            repair.shipped_on = (opened + datetime.timedelta(days=self.rng.randint(1, 3))).date()
        self.checklists.append((repair, opened + datetime.timedelta(hours=2) if shipped else None))

    def completed(self, site, device, person_id, opened, parts, vendors) -> None:
        """A student's Chromebook broken and fixed during the year, back with them now."""
        rng = self.rng
        repair = self._repair(
            site,
            device,
            person_id,
            opened,
            status=RepairStatus.COMPLETED,
            device_status_before=DeviceStatus.DEPLOYED,
            return_to_person=True,
            outcome=Outcome.REPLACED if rng.random() < 0.05 else Outcome.REPAIRED,
        )
        if rng.random() < 0.22:
            self._depot(repair, vendors, opened, shipped=True)
            repair.problem = rng.choice(DEPOT_PROBLEMS)
            back = repair.shipped_on + datetime.timedelta(days=rng.randint(6, 15))
            repair.returned_on = back
            done = opened + datetime.timedelta(days=(back - opened.date()).days + 1)
            repair.labor_minutes = rng.choice([10, 15, 20])
        else:
            part = self._part_for(parts)
            repair.problem = rng.choice(PROBLEMS[part.kind])
            done = opened + datetime.timedelta(hours=rng.randint(2, 96))
            self.uses.append((repair, part, 1, opened + datetime.timedelta(hours=1)))
            repair.labor_minutes = rng.choice([15, 20, 30, 30, 45])
        repair.completed_at = min(done, self.now)
        repair.expected_back = repair.completed_at.date()

    def open_with_loaner(self, site, assignment, opened, parts, vendors, loaner, status) -> None:
        """A student's Chromebook in for repair now: checked in, a loaner out instead. At the
        depot it is late back, so its loaner is overdue."""
        rng = self.rng
        device = assignment.device
        repair = self._repair(
            site,
            device,
            assignment.person_id,
            opened,
            device_status_before=DeviceStatus.DEPLOYED,
            return_to_person=True,
        )
        repair.status = status
        if status == RepairStatus.SHIPPED:
            self._depot(repair, vendors, opened, shipped=True)
            repair.problem = rng.choice(DEPOT_PROBLEMS)
            repair.expected_back = (self.now - datetime.timedelta(days=2)).date()
        else:
            part = self._part_for(parts)
            repair.problem = rng.choice(PROBLEMS[part.kind])
            repair.expected_back = self.now.date() + datetime.timedelta(days=rng.randint(1, 4))
        self.closed_assignments.append((assignment, opened))
        self.status_changes.setdefault(DeviceStatus.IN_REPAIR, []).append(device.pk)
        if loaner is not None:
            due = timezone.make_aware(
                datetime.datetime.combine(repair.expected_back, datetime.time(23, 59))
            )
            loan = Assignment(
                device=loaner,
                person_id=assignment.person_id,
                kind=AssignmentKind.LOANER,
                checked_out_at=opened + datetime.timedelta(minutes=10),
                checked_out_by=self.tech,
                due_at=due,
                notes="Loaner while the Chromebook is repaired",
            )
            self.loans.append((repair, loan))
            self.status_changes.setdefault(DeviceStatus.DEPLOYED, []).append(loaner.pk)

    def open_spare(self, site, device, opened, parts, vendors) -> None:
        """A spare found broken on the shelf, somewhere along the repair lifecycle."""
        rng = self.rng
        repair = self._repair(
            site,
            device,
            None,
            opened,
            device_status_before=DeviceStatus.IN_STOCK,
            problem=rng.choice(DEPOT_PROBLEMS + PROBLEMS[PartKind.SCREEN]),
            status=rng.choice(
                [RepairStatus.OPEN, RepairStatus.OPEN, RepairStatus.IN_PROGRESS, "depot"]
            ),
            expected_back=(opened + datetime.timedelta(days=3)).date(),
        )
        if repair.status == "depot":
            returned = rng.random() < 0.4
            self._depot(repair, vendors, opened, shipped=True)
            repair.status = RepairStatus.RETURNED if returned else RepairStatus.SHIPPED
            repair.expected_back = (opened + datetime.timedelta(days=14)).date()
            if returned:
                repair.returned_on = min(
                    repair.shipped_on + datetime.timedelta(days=rng.randint(5, 10)),
                    self.now.date(),
                )
        elif repair.status == RepairStatus.IN_PROGRESS:
            self.uses.append((repair, self._part_for(parts), 1, opened))

    def beyond_repair(self, site, device, opened) -> None:
        repair = self._repair(
            site,
            device,
            None,
            opened,
            device_status_before=DeviceStatus.IN_STOCK,
            problem=self.rng.choice(["Liquid damage", "Crushed; will not power on"]),
            status=RepairStatus.COMPLETED,
            outcome=Outcome.BEYOND_REPAIR,
            labor_minutes=15,
            completed_at=opened + datetime.timedelta(days=2),
            expected_back=(opened + datetime.timedelta(days=2)).date(),
        )
        repair.completed_at = min(repair.completed_at, self.now)

    def save(self, tickets: dict[int, int]) -> None:
        for repair in self.repairs:
            repair.ticket_id = tickets.get(repair.device_id)
        RepairOrder.objects.bulk_create(self.repairs, batch_size=1000)
        self._stock()
        RepairChecklistItem.objects.bulk_create(
            (
                RepairChecklistItem(
                    repair=repair,
                    step=step,
                    required=step in REQUIRED_TO_SHIP,
                    done_at=done,
                    done_by=self.tech if done else None,
                )
                for repair, done in self.checklists
                for step in ChecklistStep
            ),
            batch_size=1000,
        )
        for assignment, at in self.closed_assignments:
            assignment.checked_in_at = at
            assignment.checked_in_by = self.tech
            assignment.check_in_condition = "damaged"
        Assignment.objects.bulk_update(
            [assignment for assignment, _ in self.closed_assignments],
            ["checked_in_at", "checked_in_by", "check_in_condition"],
            batch_size=1000,
        )
        for status, device_ids in self.status_changes.items():
            Device.objects.filter(pk__in=device_ids).update(status=status)
        Assignment.objects.bulk_create([loan for _, loan in self.loans], batch_size=1000)
        Loaner.objects.bulk_create(
            Loaner(
                assignment=loan,
                repair=repair,
                ticket_id=repair.ticket_id,
                issued_at=loan.checked_out_at,
                issued_by=self.tech,
            )
            for repair, loan in self.loans
        )

    def _stock(self) -> None:
        """Parts used in date order, with the August delivery, restocking whenever a shelf
        dropped below its reorder point, and the costs each repair ended with."""
        rng = self.rng
        used_parts, movements = [], []
        by_part: dict[int, list] = {}
        for repair, part, quantity, at in self.uses:
            by_part.setdefault(part.pk, []).append((at, repair, part, quantity))
        parts_cost: dict[int, Decimal] = {}
        august = self.now - datetime.timedelta(days=rng.randint(305, 320))
        for part in self.parts:
            uses = sorted(by_part.get(part.pk, []), key=lambda use: (use[0], use[1].pk))
            first = min([august, *(at for at, *_ in uses)]) - datetime.timedelta(days=1)
            batch = part.reorder_point * 3
            on_hand = batch
            movements.append(self._movement(part, MovementKind.RECEIVED, batch, on_hand, first))
            for at, repair, _, quantity in uses:
                if on_hand < quantity:
                    on_hand += batch
                    movements.append(
                        self._movement(part, MovementKind.RECEIVED, batch, on_hand, at, "Reorder")
                    )
                on_hand -= quantity
                used_parts.append(
                    RepairPart(
                        repair=repair,
                        part=part,
                        quantity=quantity,
                        unit_cost=part.unit_cost,
                        used_at=at,
                        used_by=self.tech,
                    )
                )
                movements.append(
                    self._movement(part, MovementKind.USED, -quantity, on_hand, at, repair=repair)
                )
                parts_cost[repair.pk] = parts_cost.get(repair.pk, Decimal("0")) + (
                    quantity * part.unit_cost
                )
            # The end of the year so far: a shelf count, then a reorder if the shelf is low.
            last = max([self.now - datetime.timedelta(days=3), *(at for at, *_ in uses)])
            if rng.random() < 0.15 and on_hand > 0:
                on_hand -= 1
                movements.append(
                    self._movement(
                        part,
                        MovementKind.ADJUSTED,
                        -1,
                        on_hand,
                        last + datetime.timedelta(minutes=1),
                        "Shelf count: one cracked in storage",
                    )
                )
            if on_hand < part.reorder_point and rng.random() < 0.6:
                on_hand += batch
                movements.append(
                    self._movement(
                        part,
                        MovementKind.RECEIVED,
                        batch,
                        on_hand,
                        last + datetime.timedelta(minutes=2),
                        "Reorder",
                    )
                )
            if part.kind == PartKind.SCREEN and on_hand >= part.reorder_point:
                # Screens go fastest: every school's shelf is low, the order not yet in.
                found = part.reorder_point - 1
                movements.append(
                    self._movement(
                        part,
                        MovementKind.ADJUSTED,
                        found - on_hand,
                        found,
                        last + datetime.timedelta(minutes=3),
                        "Shelf count before the order",
                    )
                )
                on_hand = found
            part.quantity_on_hand = on_hand
        RepairPart.objects.bulk_create(used_parts, batch_size=1000)
        StockMovement.objects.bulk_create(movements, batch_size=1000)
        Part.objects.bulk_update(self.parts, ["quantity_on_hand"], batch_size=1000)
        for repair in self.repairs:
            repair.parts_cost = parts_cost.get(repair.pk, Decimal("0")).quantize(CENT)
            repair.labor_cost = (repair.labor_minutes * repair.labor_rate / 60).quantize(CENT)
            repair.total_cost = repair.parts_cost + repair.labor_cost + repair.vendor_cost
        RepairOrder.objects.bulk_update(
            self.repairs, ["parts_cost", "labor_cost", "total_cost"], batch_size=1000
        )

    def _movement(self, part, kind, quantity, after, at, reason="", repair=None):
        return StockMovement(
            part=part,
            kind=kind,
            quantity=quantity,
            quantity_after=after,
            unit_cost=part.unit_cost,
            repair=repair,
            reason=reason,
            at=at,
            by=self.tech,
        )
