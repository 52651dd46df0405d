from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from homeroom.core.access import requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.devices.selectors import devices_for
from homeroom.people.selectors import people_for
from homeroom.repairs import selectors, services
from homeroom.repairs.filters import PartFilter, RepairFilter
from homeroom.repairs.schemas import (
    AdjustIn,
    ChecklistIn,
    LoanerIn,
    LoanerOut,
    PartDetailOut,
    PartOut,
    ReceiveIn,
    RepairDetailOut,
    RepairIn,
    RepairOut,
    RepairPartOut,
    RepairStatusIn,
    UsePartIn,
    VendorOut,
)

router = Router(tags=["Repairs"])


def _repair(request, repair_id: Id):
    return get_object_or_404(selectors.repairs_for(request.auth), pk=repair_id)


def _part(request, part_id: Id):
    return get_object_or_404(selectors.parts_for(request.auth), pk=part_id)


@router.get("/repairs", response=list[RepairOut])
@requires("repairs.view_repairorder")
@paginate(Pages)
def list_repairs(request, filters: Query[RepairFilter]):
    return filters.filter(selectors.repairs_for(request.auth)).order_by("-opened_at", "-pk")


@router.get("/repairs/{repair_id}", response=RepairDetailOut)
@requires("repairs.view_repairorder")
def get_repair(request, repair_id: Id):
    return _repair(request, repair_id)


@router.post("/repairs", response={201: RepairDetailOut})
@requires("repairs.add_repairorder")
def create_repair(request, payload: RepairIn):
    """Open a repair; the device goes to "in repair" (checked in first if it was out)."""
    device = get_object_or_404(devices_for(request.auth), pk=payload.device_id)
    ticket = None
    if payload.ticket_id is not None:
        ticket = get_object_or_404(selectors.tickets_to_link(request.auth), pk=payload.ticket_id)
    person = None
    if payload.person_id is not None:
        person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
    vendor = None
    if payload.vendor_id is not None:
        vendor = get_object_or_404(selectors.vendors_for(request.auth), pk=payload.vendor_id)
    repair = services.repair_open(
        actor=request.auth,
        device=device,
        problem=payload.problem,
        ticket=ticket,
        person=person,
        kind=payload.kind,
        coverage=payload.coverage,
        vendor=vendor,
        expected_back=payload.expected_back,
        notes=payload.notes,
    )
    return Status(201, _repair(request, repair.pk))


@router.post("/repairs/{repair_id}/status", response=RepairDetailOut)
@requires("repairs.change_repairorder")
def set_repair_status(request, repair_id: Id, payload: RepairStatusIn):
    """Move the repair along; completing needs an outcome. 409 when the move is not allowed
    (e.g. shipping a Chromebook that is not yet deprovisioned)."""
    services.repair_set_status(
        actor=request.auth,
        repair=_repair(request, repair_id),
        status=payload.status,
        outcome=payload.outcome or "",
        on=payload.on,
        note=payload.note,
    )
    return _repair(request, repair_id)


@router.post("/repairs/{repair_id}/checklist", response=RepairDetailOut)
@requires("repairs.change_repairorder")
def check_repair_step(request, repair_id: Id, payload: ChecklistIn):
    services.repair_check_item(
        actor=request.auth, repair=_repair(request, repair_id), step=payload.step, done=payload.done
    )
    return _repair(request, repair_id)


@router.post("/repairs/{repair_id}/parts", response={201: RepairPartOut})
@requires("repairs.change_repairorder")
def add_repair_part(request, repair_id: Id, payload: UsePartIn):
    """Use parts from the repair site's stock; 409 when too few are left."""
    used = services.repair_use_part(
        actor=request.auth,
        repair=_repair(request, repair_id),
        part=_part(request, payload.part_id),
        quantity=payload.quantity,
    )
    return Status(201, used)


@router.post("/repairs/{repair_id}/loaner", response={201: LoanerOut})
@requires("repairs.add_loaner")
def issue_loaner(request, repair_id: Id, payload: LoanerIn):
    """Give a loaner to the repair's person (or `person_id`): `device_id` if scanned, else
    the next free loaner of the site. 409 when none is free."""
    person = device = None
    if payload.person_id is not None:
        person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
    if payload.device_id is not None:
        device = get_object_or_404(devices_for(request.auth), pk=payload.device_id)
    loaner = services.loaner_issue(
        actor=request.auth, person=person, repair=_repair(request, repair_id), device=device
    )
    assignment = loaner.assignment
    return Status(
        201,
        {
            "id": loaner.pk,
            "device_id": assignment.device_id,
            "asset_tag": assignment.device.asset_tag,
            "person_id": assignment.person_id,
            "due_at": assignment.due_at,
            "repair_id": loaner.repair_id,
        },
    )


@router.get("/parts", response=list[PartOut])
@requires("repairs.view_part")
@paginate(Pages)
def list_parts(request, filters: Query[PartFilter]):
    return (
        filters.filter(selectors.parts_for(request.auth))
        .prefetch_related("compatible_models")
        .order_by("site__name", "name", "pk")
    )


@router.get("/parts/{part_id}", response=PartDetailOut)
@requires("repairs.view_part")
def get_part(request, part_id: Id):
    return _part(request, part_id)


@router.post("/parts/{part_id}/receive", response=PartDetailOut)
@requires("repairs.add_stockmovement")
def receive_part(request, part_id: Id, payload: ReceiveIn):
    services.part_receive(
        actor=request.auth,
        part=_part(request, part_id),
        quantity=payload.quantity,
        unit_cost=payload.unit_cost,
        note=payload.note,
    )
    return _part(request, part_id)


@router.post("/parts/{part_id}/adjust", response=PartDetailOut)
@requires("repairs.add_stockmovement")
def adjust_part(request, part_id: Id, payload: AdjustIn):
    """Set the stock to a counted quantity, with the reason."""
    services.part_adjust(
        actor=request.auth,
        part=_part(request, part_id),
        quantity_on_hand=payload.quantity_on_hand,
        reason=payload.reason,
    )
    return _part(request, part_id)


@router.get("/vendors", response=list[VendorOut])
@requires("repairs.view_vendor")
@paginate(Pages)
def list_vendors(request):
    return selectors.vendors_for(request.auth).order_by("name")
