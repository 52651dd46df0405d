"""Writes to repairs, parts stock, vendors and loaners.

A device changes status only through the devices services, so a repair never leaves a
device in a state its own lifecycle forbids. Writes lock the repair first and then the part
or device they touch, always in that order."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.calendar import calendar_for
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.services import require_site_access
from homeroom.devices import services as device_services
from homeroom.devices.choices import AssignmentKind, Condition, DeviceCategory, DeviceStatus
from homeroom.devices.models import Assignment, Device
from homeroom.helpdesk import services as helpdesk_services
from homeroom.helpdesk.choices import TicketStatus
from homeroom.helpdesk.models import Ticket
from homeroom.repairs.choices import (
    OPEN_STATUSES,
    REPAIR_TRANSITIONS,
    REQUIRED_TO_SHIP,
    ChecklistStep,
    Coverage,
    MovementKind,
    Outcome,
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

CENT = Decimal("0.01")
# How long a repair is expected to take when nobody says: loaners are due back then.
EXPECTED_DAYS = {RepairKind.IN_HOUSE: 3, RepairKind.VENDOR_DEPOT: 14}
LOANER_DAYS_WITHOUT_REPAIR = 7
REPAIR_FIELDS = {
    "kind",
    "coverage",
    "vendor",
    "rma_number",
    "expected_back",
    "labor_minutes",
    "labor_rate",
    "vendor_cost",
    "problem",
    "notes",
}


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last minute of `day` in the district's time zone: a loaner due that day is not
    overdue until the day is over."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def school_day(site, day: datetime.date) -> datetime.date:
    """`day`, or the site's next school day when `day` is a weekend or a closed day of the
    site or the district: nobody is there to hand a device back then."""
    return calendar_for(site).next_school_day(day)


def _locked(repair: RepairOrder) -> RepairOrder:
    return (
        RepairOrder.objects.select_for_update(of=("self",))
        .select_related("device", "device__model", "site", "person", "vendor")
        .get(pk=repair.pk)
    )


def _require_open(repair: RepairOrder) -> None:
    if not repair.is_open:
        raise Conflict(f"{repair} is {repair.get_status_display().lower()}; it cannot change.")


def _costs(repair: RepairOrder) -> dict:
    """Recompute the stored costs; returns what changed."""
    parts = repair.parts_used.aggregate(
        total=Coalesce(
            Sum(F("quantity") * F("unit_cost"), output_field=DecimalField()), Decimal("0")
        )
    )["total"]
    labor = (Decimal(repair.labor_minutes) * repair.labor_rate / 60).quantize(CENT)
    return audit.apply_changes(
        repair,
        {
            "parts_cost": Decimal(parts).quantize(CENT),
            "labor_cost": labor,
            "total_cost": (Decimal(parts) + labor + repair.vendor_cost).quantize(CENT),
        },
    )


def _add_checklist(repair: RepairOrder) -> None:
    """A depot repair gets the steps to do before shipping; deprovisioning is required for
    a Chromebook (the depot cannot wipe a managed one, and a returned unit would re-enroll)."""
    if repair.kind != RepairKind.VENDOR_DEPOT:
        return
    steps = list(ChecklistStep)
    if repair.device.model.category != DeviceCategory.CHROMEBOOK:
        steps.remove(ChecklistStep.DEPROVISIONED)
    have = set(repair.checklist.values_list("step", flat=True))
    RepairChecklistItem.objects.bulk_create(
        RepairChecklistItem(repair=repair, step=step, required=step in REQUIRED_TO_SHIP)
        for step in steps
        if step not in have
    )


@transaction.atomic
def repair_open(
    *,
    actor,
    device: Device,
    problem: str,
    ticket=None,
    person=None,
    kind: str = RepairKind.IN_HOUSE,
    coverage: str | None = None,
    vendor: Vendor | None = None,
    expected_back: datetime.date | None = None,
    notes: str = "",
) -> RepairOrder:
    """Open a repair and put the device in repair.

    A device checked out to someone (a student's 1:1 Chromebook) is checked in first: while
    it is being fixed it is with the technician or the depot, not with the student, and its
    status must say "in repair". The repair remembers the student (`person`) so a loaner can
    be given and, when the repair completes, the device goes straight back out to them.
    `person` names the student when the device was not checked out (by default the person
    the ticket is for). Coverage defaults to warranty while the device's warranty lasts.

    Opened from a ticket, the repair and the ticket name each other, and the ticket is now
    in progress, assigned to the technician unless someone already has it."""
    device = (
        Device.objects.select_for_update(of=("self",))
        .select_related("model", "site")
        .get(pk=device.pk)
    )
    require_site_access(actor, device.site)
    if ticket is not None and ticket.site_id != device.site_id:
        raise ValidationError(
            {"ticket": f"Ticket #{ticket.pk} is at {ticket.site}; {device} is at {device.site}."}
        )
    open_repair = RepairOrder.objects.filter(device=device, status__in=OPEN_STATUSES).first()
    if open_repair is not None:
        raise Conflict(f"{device} already has an open repair, {open_repair.number}.")
    today = timezone.localdate()
    if coverage is None:
        in_warranty = device.warranty_end is not None and device.warranty_end >= today
        coverage = Coverage.WARRANTY if in_warranty else Coverage.PAID
    current = device.assignments.filter(checked_in_at__isnull=True).select_related("person").first()
    holder = current.person if current is not None else None
    # A loaner that broke while lent out goes back to the pool, not to stock.
    lent = current is not None and current.kind == AssignmentKind.LOANER
    status_before = DeviceStatus.LOANER_POOL if lent else device.status
    if current is not None:
        device_services.device_check_in(
            actor=actor,
            device=device,
            condition=Condition.DAMAGED,
            status=DeviceStatus.IN_REPAIR,
            notes="Taken in for repair",
        )
    else:
        device_services.device_set_status(
            actor=actor, device=device, status=DeviceStatus.IN_REPAIR, note="Taken in for repair"
        )
    repair = RepairOrder(
        device=device,
        site=device.site,
        person=holder or person or getattr(ticket, "affected_person", None),
        return_to_person=holder is not None and current.kind == AssignmentKind.ONE_TO_ONE,
        device_status_before=status_before,
        kind=kind,
        coverage=coverage,
        problem=problem,
        vendor=vendor,
        ticket=ticket,
        expected_back=school_day(
            device.site, expected_back or today + datetime.timedelta(days=EXPECTED_DAYS[kind])
        ),
        notes=notes,
        opened_by=actor if actor is not None and actor.is_authenticated else None,
    )
    repair.full_clean()
    repair.save()
    _add_checklist(repair)
    audit.record(
        actor=actor,
        obj=repair,
        verb=AuditVerb.CREATED,
        site=repair.site,
        changes={
            "device": [None, device.asset_tag],
            "kind": [None, kind],
            "coverage": [None, coverage],
            "person": [None, str(repair.person)] if repair.person else [None, None],
        },
        message=problem[:200],
    )
    if ticket is not None:
        _take_ticket(actor, ticket, repair)
    return repair


def _take_ticket(actor, ticket, repair: RepairOrder) -> None:
    """The ticket a repair was opened from is being worked on now: in progress, and the
    technician's unless someone already has it."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("site").get(pk=ticket.pk)
    if not (ticket.is_open and helpdesk_services.works_at(actor, ticket.site)):
        return
    if ticket.assignee_id is None:
        ticket = helpdesk_services.ticket_assign(actor=actor, ticket=ticket, assignee=actor)
    if ticket.status != TicketStatus.IN_PROGRESS:
        helpdesk_services.ticket_set_status(
            actor=actor,
            ticket=ticket,
            status=TicketStatus.IN_PROGRESS,
            note=f"{repair.number} opened",
        )


@transaction.atomic
def repair_update(*, actor, repair: RepairOrder, **data) -> RepairOrder:
    """Change a repair's details (kind, vendor, RMA number, labor…); costs follow. A new
    expected return date moves the due date of the repair's loaners with it."""
    unknown = set(data) - REPAIR_FIELDS
    if unknown:
        raise ValueError(f"Not a repair detail: {', '.join(sorted(unknown))}")
    repair = _locked(repair)
    require_site_access(actor, repair.site)
    _require_open(repair)
    if data.get("kind") == RepairKind.IN_HOUSE and repair.status in {
        RepairStatus.SHIPPED,
        RepairStatus.RETURNED,
    }:
        raise Conflict(f"{repair} went to the vendor; it stays a depot repair.")
    if data.get("expected_back") is not None:
        data["expected_back"] = school_day(repair.site, data["expected_back"])
    changes = audit.apply_changes(repair, data)
    if not changes:
        return repair
    changes |= _costs(repair)
    repair.full_clean()
    repair.save()
    if "kind" in changes:
        _add_checklist(repair)
    if "expected_back" in changes and repair.expected_back is not None:
        _loaners_due(actor, repair, repair.expected_back)
    audit.record(
        actor=actor,
        obj=repair,
        verb=AuditVerb.UPDATED,
        site=repair.site,
        changes=changes,
    )
    return repair


@transaction.atomic
def repair_check_item(*, actor, repair: RepairOrder, step: str, done: bool = True):
    """Tick (or untick) a step of a depot repair's checklist."""
    repair = _locked(repair)
    require_site_access(actor, repair.site)
    _require_open(repair)
    item = repair.checklist.select_for_update(of=("self",)).filter(step=step).first()
    if item is None:
        raise Conflict(f"{repair} has no checklist step “{step}”.")
    if done == (item.done_at is not None):
        return item
    item.done_at = timezone.now() if done else None
    item.done_by = actor if done and actor is not None and actor.is_authenticated else None
    item.save(update_fields=["done_at", "done_by"])
    audit.record(
        actor=actor,
        obj=repair,
        verb=AuditVerb.UPDATED,
        site=repair.site,
        changes={item.get_step_display(): [not done, done]},
    )
    return item


def _return_device(actor, repair: RepairOrder) -> None:
    """Put the device back where it was before the repair: out to the student again if it
    was their 1:1 device (and they are still enrolled), else into the loaner pool or stock."""
    device = repair.device
    if repair.return_to_person and repair.person is not None and repair.person.is_active:
        device_services.device_set_status(actor=actor, device=device, status=DeviceStatus.IN_STOCK)
        device_services.device_check_out(
            actor=actor,
            device=device,
            person=repair.person,
            kind=AssignmentKind.ONE_TO_ONE,
            notes=f"Back from {repair.number}",
        )
        return
    status = (
        DeviceStatus.LOANER_POOL
        if repair.device_status_before == DeviceStatus.LOANER_POOL
        else DeviceStatus.IN_STOCK
    )
    device_services.device_set_status(
        actor=actor, device=device, status=status, note=f"Back from {repair.number}"
    )


def _loaners_due(actor, repair: RepairOrder, day: datetime.date) -> None:
    """Loaners still out for this repair become due back on `day` (or the next school day)."""
    due = end_of_day(school_day(repair.site, day))
    out = Assignment.objects.select_for_update(of=("self",)).filter(
        loaner__repair=repair, checked_in_at__isnull=True
    )
    for assignment in out.select_related("device"):
        if assignment.due_at == due:
            continue
        audit.record(
            actor=actor,
            obj=assignment.device,
            verb=AuditVerb.UPDATED,
            site=repair.site,
            changes={"due back": [audit.as_json(assignment.due_at), due.isoformat()]},
            message=f"Loaner due back as {repair.number} changed",
        )
        assignment.due_at = due
        assignment.save(update_fields=["due_at"])


@transaction.atomic
def repair_set_status(
    *,
    actor,
    repair: RepairOrder,
    status: str,
    outcome: str = "",
    on: datetime.date | None = None,
    note: str = "",
) -> RepairOrder:
    """Move a repair along its lifecycle (REPAIR_TRANSITIONS); the device follows.

    Shipping needs a vendor-depot repair with a vendor and its required checklist done;
    `on` is the day it shipped or came back (today when not given). Completing needs an
    `outcome`: a repaired or replaced device goes back into service, one beyond repair is
    retired. Completing or cancelling makes the repair's loaners due back that day."""
    repair = _locked(repair)
    require_site_access(actor, repair.site)
    if status == repair.status:
        return repair
    if status not in REPAIR_TRANSITIONS[RepairStatus(repair.status)]:
        raise Conflict(
            f"{repair} is {repair.get_status_display().lower()}; it cannot become "
            f"{RepairStatus(status).label.lower()}."
        )
    today = timezone.localdate()
    changes = {"status": [repair.status, status]}
    if status == RepairStatus.SHIPPED:
        if repair.kind != RepairKind.VENDOR_DEPOT:
            raise Conflict("An in-house repair is not shipped; make it a depot repair first.")
        if repair.vendor is None:
            raise Conflict(f"Choose the vendor {repair.device} goes to before shipping it.")
        missing = repair.checklist.filter(required=True, done_at__isnull=True)
        if missing:
            steps = "; ".join(item.get_step_display() for item in missing)
            raise Conflict(f"Before shipping {repair.device}: {steps}.")
        changes |= audit.apply_changes(repair, {"shipped_on": on or today, "returned_on": None})
    elif status == RepairStatus.RETURNED:
        changes |= audit.apply_changes(repair, {"returned_on": on or today})
    elif status == RepairStatus.COMPLETED:
        if outcome not in Outcome.values:
            raise Conflict("Say how the repair ended: repaired, replaced or beyond repair.")
        changes |= audit.apply_changes(repair, {"outcome": outcome})
        repair.completed_at = timezone.now()
    repair.status = status
    repair.full_clean()
    repair.save()
    if status == RepairStatus.COMPLETED and outcome == Outcome.BEYOND_REPAIR:
        device_services.device_set_status(
            actor=actor,
            device=repair.device,
            status=DeviceStatus.RETIRED,
            note=f"Beyond repair ({repair.number})",
        )
    elif status in {RepairStatus.COMPLETED, RepairStatus.CANCELLED}:
        _return_device(actor, repair)
    if status in {RepairStatus.COMPLETED, RepairStatus.CANCELLED}:
        _loaners_due(actor, repair, today)
    audit.record(
        actor=actor,
        obj=repair,
        verb=AuditVerb.STATUS_CHANGED,
        site=repair.site,
        changes=changes,
        message=note,
    )
    return repair


def repair_complete(*, actor, repair: RepairOrder, outcome: str, note: str = "") -> RepairOrder:
    """Finish a repair: see `repair_set_status`."""
    return repair_set_status(
        actor=actor, repair=repair, status=RepairStatus.COMPLETED, outcome=outcome, note=note
    )


@transaction.atomic
def repair_use_part(*, actor, repair: RepairOrder, part: Part, quantity: int = 1) -> RepairPart:
    """Take parts from the site's stock for a repair, at today's unit cost. Refuses when
    the stock has fewer left: two technicians using the last screen at once get one screen
    and one clear refusal (the part's row is locked while its stock is counted)."""
    if quantity < 1:
        raise ValidationError({"quantity": "Use at least one."})
    repair = _locked(repair)
    require_site_access(actor, repair.site)
    _require_open(repair)
    part = Part.objects.select_for_update(of=("self",)).select_related("site").get(pk=part.pk)
    if part.site_id != repair.site_id:
        raise Conflict(f"{part} is stock of {part.site}; {repair} is at {repair.site}.")
    if part.quantity_on_hand < quantity:
        left = part.quantity_on_hand
        raise Conflict(
            f"No {part} left at {part.site}; receive stock first."
            if left == 0
            else f"Only {left} x {part} left at {part.site}."
        )
    before = part.quantity_on_hand
    part.quantity_on_hand -= quantity
    part.save(update_fields=["quantity_on_hand"])
    by = actor if actor is not None and actor.is_authenticated else None
    used = RepairPart(
        repair=repair, part=part, quantity=quantity, unit_cost=part.unit_cost, used_by=by
    )
    used.full_clean()
    used.save()
    StockMovement.objects.create(
        part=part,
        kind=MovementKind.USED,
        quantity=-quantity,
        quantity_after=part.quantity_on_hand,
        unit_cost=part.unit_cost,
        repair=repair,
        by=by,
    )
    costs = _costs(repair)
    repair.full_clean()
    repair.save(update_fields=["parts_cost", "labor_cost", "total_cost"])
    audit.record(
        actor=actor,
        obj=part,
        verb=AuditVerb.UPDATED,
        site=part.site,
        changes={"quantity_on_hand": [before, part.quantity_on_hand]},
        message=f"Used {quantity} on {repair.number}",
    )
    audit.record(
        actor=actor,
        obj=repair,
        verb=AuditVerb.UPDATED,
        site=repair.site,
        changes={"parts used": [None, f"{quantity} x {part}"], **costs},
    )
    return used


@transaction.atomic
def repair_charge(*, actor, repair: RepairOrder, reason, amount: Decimal, note: str = ""):
    """Charge the repair's student for the damage (an explicit step; the page offers the
    repair's total as the amount). The charge links back to the repair."""
    from homeroom.fees import services as fee_services

    repair = _locked(repair)
    require_site_access(actor, repair.site)
    if repair.person is None:
        raise Conflict(f"Nobody is named on {repair}; there is no one to charge.")
    charge = fee_services.charge_create(
        actor=actor,
        person=repair.person,
        reason=reason,
        amount=amount,
        site=repair.site,
        note=note or f"{repair.number}: {repair.problem}"[:300],
        source=repair,
    )
    audit.record(
        actor=actor,
        obj=repair,
        verb=AuditVerb.UPDATED,
        site=repair.site,
        changes={"charged": [None, f"${charge.amount} to {repair.person}"]},
    )
    return charge


@transaction.atomic
def vendor_create(*, actor, name: str, **data) -> Vendor:
    vendor = Vendor(name=name, **data)
    vendor.full_clean()
    vendor.save()
    audit.record(actor=actor, obj=vendor, verb=AuditVerb.CREATED, changes={"name": [None, name]})
    return vendor


@transaction.atomic
def vendor_update(*, actor, vendor: Vendor, **data) -> Vendor:
    vendor = Vendor.objects.select_for_update(of=("self",)).get(pk=vendor.pk)
    changes = audit.apply_changes(vendor, data)
    if changes:
        vendor.full_clean()
        vendor.save()
        audit.record(actor=actor, obj=vendor, verb=AuditVerb.UPDATED, changes=changes)
    return vendor


@transaction.atomic
def part_create(
    *,
    actor,
    site,
    name: str,
    kind: str,
    unit_cost: Decimal,
    reorder_point: int = 0,
    part_number: str = "",
    compatible_models=(),
) -> Part:
    """A new part in a site's stock, with none on hand: `part_receive` adds stock."""
    require_site_access(actor, site)
    part = Part(
        site=site,
        name=name,
        kind=kind,
        unit_cost=unit_cost,
        reorder_point=reorder_point,
        part_number=part_number,
    )
    part.full_clean()
    part.save()
    part.compatible_models.set(compatible_models)
    audit.record(
        actor=actor,
        obj=part,
        verb=AuditVerb.CREATED,
        site=site,
        changes={"name": [None, name], "kind": [None, kind], "unit_cost": [None, str(unit_cost)]},
    )
    return part


@transaction.atomic
def part_update(*, actor, part: Part, compatible_models=None, **data) -> Part:
    """Change a part's details; the stock changes only by receiving, using or adjusting."""
    part = Part.objects.select_for_update(of=("self",)).select_related("site").get(pk=part.pk)
    require_site_access(actor, part.site)
    changes = audit.apply_changes(part, data)
    if compatible_models is not None:
        before = {model.pk for model in part.compatible_models.all()}
        after = {model.pk for model in compatible_models}
        if before != after:
            part.compatible_models.set(compatible_models)
            changes["compatible_models"] = [len(before), len(after)]
    if changes:
        part.full_clean()
        part.save()
        audit.record(actor=actor, obj=part, verb=AuditVerb.UPDATED, site=part.site, changes=changes)
    return part


def _move_stock(actor, part: Part, kind: str, delta: int, reason: str, unit_cost=None) -> Part:
    before = part.quantity_on_hand
    part.quantity_on_hand += delta
    if part.quantity_on_hand < 0:
        raise ValidationError({"quantity": "Stock cannot go below zero."})
    movement = StockMovement(
        part=part,
        kind=kind,
        quantity=delta,
        quantity_after=part.quantity_on_hand,
        unit_cost=unit_cost,
        reason=reason,
        by=actor if actor is not None and actor.is_authenticated else None,
    )
    part.full_clean()
    movement.full_clean()
    part.save(update_fields=["quantity_on_hand", "unit_cost"])
    movement.save()
    audit.record(
        actor=actor,
        obj=part,
        verb=AuditVerb.UPDATED,
        site=part.site,
        changes={"quantity_on_hand": [before, part.quantity_on_hand]},
        message=f"{MovementKind(kind).label}: {reason}" if reason else MovementKind(kind).label,
    )
    return part


@transaction.atomic
def part_receive(
    *, actor, part: Part, quantity: int, unit_cost: Decimal | None = None, note: str = ""
) -> Part:
    """Stock arrived. A new `unit_cost` becomes the part's cost from now on; parts already
    used keep the cost they had."""
    if quantity < 1:
        raise ValidationError({"quantity": "Receive at least one."})
    part = Part.objects.select_for_update(of=("self",)).select_related("site").get(pk=part.pk)
    require_site_access(actor, part.site)
    if unit_cost is not None:
        part.unit_cost = unit_cost
    return _move_stock(actor, part, MovementKind.RECEIVED, quantity, note, part.unit_cost)


@transaction.atomic
def part_adjust(*, actor, part: Part, quantity_on_hand: int, reason: str) -> Part:
    """Set the stock to what a count found, with the reason (e.g. "shelf count", "broken
    in storage")."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the stock changes."})
    if quantity_on_hand < 0:
        raise ValidationError({"quantity_on_hand": "Stock cannot go below zero."})
    part = Part.objects.select_for_update(of=("self",)).select_related("site").get(pk=part.pk)
    require_site_access(actor, part.site)
    delta = quantity_on_hand - part.quantity_on_hand
    if delta == 0:
        return part
    return _move_stock(actor, part, MovementKind.ADJUSTED, delta, reason.strip())


def _free_loaners(site):
    """Loaner-pool devices are never checked out: a check-out moves them to deployed."""
    return Device.objects.filter(site=site, status=DeviceStatus.LOANER_POOL).order_by("asset_tag")


@transaction.atomic
def loaner_issue(
    *,
    actor,
    person,
    repair: RepairOrder | None = None,
    ticket=None,
    device: Device | None = None,
) -> Loaner:
    """Check a loaner out to `person`: the scanned `device`, or else the next free one of
    the site's loaner pool (the repair's site, else the ticket's, else the person's school).
    It is due back when the repair is expected back (a week without a repair), moved to the
    site's next school day when that falls on a weekend or a closed day.

    Two technicians giving out loaners at once never get the same device: the devices
    service locks the device, and the one who loses the race is given the next free one."""
    if repair is not None:
        repair = _locked(repair)
        require_site_access(actor, repair.site)
        _require_open(repair)
        person = person or repair.person
        out = repair.loaners.filter(assignment__checked_in_at__isnull=True).first()
        if out is not None:
            raise Conflict(f"{repair} already has a loaner out: {out.assignment.device}.")
    elif ticket is not None:
        out = ticket.loaners.filter(assignment__checked_in_at__isnull=True).first()
        if out is not None:
            lent = out.assignment.device
            raise Conflict(f"Ticket #{ticket.pk} already has a loaner out: {lent}.")
    if person is None:
        raise Conflict("Choose who gets the loaner.")
    if not person.is_active:
        raise Conflict(f"{person} is inactive in the roster; check the student's record first.")
    site = (
        repair.site
        if repair is not None
        else getattr(ticket, "site", None) or (device.site if device else person.primary_site)
    )
    if site is None:
        raise Conflict(f"{person} has no school on record; scan a loaner to give.")
    require_site_access(actor, site)
    if repair is not None and repair.expected_back is not None:
        due_day = repair.expected_back
    else:
        due_day = timezone.localdate() + datetime.timedelta(days=LOANER_DAYS_WITHOUT_REPAIR)
    due = end_of_day(school_day(site, due_day))
    notes = f"Loaner while {repair.number} is open" if repair is not None else "Loaner"
    if device is not None:
        device = Device.objects.get(pk=device.pk)
        if device.status != DeviceStatus.LOANER_POOL:
            raise Conflict(
                f"{device} is not in the loaner pool ({device.get_status_display().lower()})."
            )
        assignment = device_services.device_check_out(
            actor=actor,
            device=device,
            person=person,
            kind=AssignmentKind.LOANER,
            due_at=due,
            notes=notes,
        )
    else:
        assignment = None
        for candidate in _free_loaners(site)[:10]:
            try:
                with transaction.atomic():
                    assignment = device_services.device_check_out(
                        actor=actor,
                        device=candidate,
                        person=person,
                        kind=AssignmentKind.LOANER,
                        due_at=due,
                        notes=notes,
                    )
                break
            except Conflict:
                continue
        if assignment is None:
            raise Conflict(f"No loaner is free at {site}; scan one to give it out.")
    loaner = Loaner(
        assignment=assignment,
        repair=repair,
        ticket=ticket if ticket is not None else getattr(repair, "ticket", None),
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    loaner.save()
    if repair is not None:
        audit.record(
            actor=actor,
            obj=repair,
            verb=AuditVerb.UPDATED,
            site=repair.site,
            changes={"loaner": [None, assignment.device.asset_tag]},
            message=f"Loaner given to {person}",
        )
    return loaner
