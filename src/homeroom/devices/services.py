"""Writes to devices: status changes along the lifecycle, check-out and check-in.

Every write locks the device row first, so two technicians scanning the same Chromebook at
the same moment get one check-out and one clear refusal, never two assignments."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.models import Room
from homeroom.core.services import require_site_access
from homeroom.devices.choices import (
    CHECK_OUT_STATUSES,
    DEVICE_TRANSITIONS,
    STAYS_OUT,
    AssignmentKind,
    Condition,
    DeviceCategory,
    DeviceStatus,
)
from homeroom.devices.models import (
    CART_SLOTS,
    AcceptableUseAcknowledgment,
    Assignment,
    CartSlot,
    Device,
    DeviceModel,
    Manufacturer,
)
from homeroom.fees.services import check_out_allowed


class SecondOneToOne(Conflict):
    """A 1:1 check-out to someone who already holds a 1:1 device: refused unless confirmed."""

    def __init__(self, person, held: list[Device]):
        self.person, self.held = person, held
        tags = ", ".join(str(device) for device in held)
        super().__init__(
            f"{person} already has the 1:1 device {tags}. Check out a second 1:1 device only "
            "with confirmation, or choose a loaner or short-term check-out."
        )


def _locked(device: Device) -> Device:
    return Device.objects.select_for_update().select_related("site", "model").get(pk=device.pk)


def _move(device: Device, status: str) -> dict:
    """Change a locked device's status in memory; the caller saves. Returns the change."""
    if status == device.status:
        return {}
    if status not in DEVICE_TRANSITIONS[DeviceStatus(device.status)]:
        raise Conflict(
            f"{device} is {device.get_status_display().lower()}; it cannot become "
            f"{DeviceStatus(status).label.lower()}."
        )
    change = {"status": [device.status, status]}
    device.status = status
    return change


@transaction.atomic
def device_set_status(*, actor, device: Device, status: str, note: str = "") -> Device:
    device = _locked(device)
    require_site_access(actor, device.site)
    checked_out = device.assignments.filter(checked_in_at__isnull=True).exists()
    if status != device.status and status not in STAYS_OUT and checked_out:
        raise Conflict(f"{device} is checked out; check it in first.")
    changes = _move(device, status)
    if changes:
        device.updated_at = timezone.now()
        device.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            obj=device,
            verb=AuditVerb.STATUS_CHANGED,
            site=device.site,
            changes=changes,
            message=note,
        )
    return device


@transaction.atomic
def device_check_out(
    *,
    actor,
    device: Device,
    person=None,
    room=None,
    cart=None,
    kind: str = AssignmentKind.ONE_TO_ONE,
    due_at: datetime.datetime | None = None,
    notes: str = "",
    override_fees: bool = False,
    confirm_second: bool = False,
) -> Assignment:
    """Give a device to a person, a room or a cart. A person who already holds a 1:1 device
    gets a second 1:1 device only with `confirm_second` (loaners and short-term check-outs
    need none). When the district's fee rule is on, a person owing more than its limit gets
    the device only with `override_fees`. The audit event records either confirmation."""
    device = _locked(device)
    require_site_access(actor, device.site)
    if device.status not in CHECK_OUT_STATUSES:
        raise Conflict(
            f"{device} is {device.get_status_display().lower()}; it cannot be checked out."
        )
    current = device.assignments.filter(checked_in_at__isnull=True).first()
    if current is not None:
        raise Conflict(f"{device} is already checked out to {current.holder}.")
    if person is not None and not person.is_active:
        raise Conflict(f"{person} is inactive in the roster; check the student's record first.")
    fee_override = (
        check_out_allowed(person=person, override=override_fees) if person is not None else ""
    )
    second = ""
    if person is not None and kind == AssignmentKind.ONE_TO_ONE:
        # Locking the person makes two 1:1 check-outs to them at once take turns.
        list(type(person).objects.select_for_update().filter(pk=person.pk).values_list("pk"))
        held = list(
            Device.objects.filter(
                assignments__person=person,
                assignments__kind=AssignmentKind.ONE_TO_ONE,
                assignments__checked_in_at__isnull=True,
            ).order_by("asset_tag")
        )
        if held and not confirm_second:
            raise SecondOneToOne(person, held)
        if held:
            second = "second 1:1 device, confirmed; also holds " + ", ".join(map(str, held))
    assignment = Assignment(
        device=device,
        person=person,
        room=room,
        cart=cart,
        kind=kind,
        due_at=due_at,
        checked_out_by=actor,
        notes=notes,
    )
    changes = _move(device, DeviceStatus.DEPLOYED)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        raise Conflict(f"{device} was just checked out by someone else.") from error
    if changes:
        device.updated_at = timezone.now()
        device.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        obj=device,
        verb=AuditVerb.CHECKED_OUT,
        site=device.site,
        changes={
            "holder": [None, str(assignment.holder)],
            "kind": [None, kind],
            **changes,
            **({"second_one_to_one": [None, second]} if second else {}),
            **({"fee_override": [None, fee_override]} if fee_override else {}),
        },
        message=f"Checked out to {assignment.holder}"
        + "".join(f" ({note})" for note in (second, fee_override) if note),
    )
    return assignment


@transaction.atomic
def device_check_in(
    *,
    actor,
    device: Device,
    condition: str = Condition.GOOD,
    checklist: dict | None = None,
    status: str | None = None,
    notes: str = "",
) -> Assignment:
    """Take a device back. Loaners go back to the loaner pool, others to stock, unless
    `status` says otherwise (e.g. in repair when it came back broken)."""
    device = _locked(device)
    require_site_access(actor, device.site)
    assignment = device.assignments.select_for_update().filter(checked_in_at__isnull=True).first()
    if assignment is None:
        raise Conflict(f"{device} is not checked out.")
    assignment.checked_in_at = timezone.now()
    assignment.checked_in_by = actor
    assignment.check_in_condition = condition
    assignment.check_in_checklist = checklist or {}
    if notes:
        assignment.notes = f"{assignment.notes}\n{notes}".strip()
    assignment.save()
    if status is None:
        status = (
            DeviceStatus.LOANER_POOL
            if assignment.kind == AssignmentKind.LOANER
            else DeviceStatus.IN_STOCK
        )
    changes = _move(device, status)
    if condition != device.condition:
        changes["condition"] = [device.condition, condition]
        device.condition = condition
    device.updated_at = timezone.now()
    device.save(update_fields=["status", "condition", "updated_at"])
    missing = [item for item, returned in (checklist or {}).items() if not returned]
    audit.record(
        actor=actor,
        obj=device,
        verb=AuditVerb.CHECKED_IN,
        site=device.site,
        changes={"holder": [str(assignment.holder), None], **changes},
        message="Missing: " + ", ".join(missing) if missing else "",
    )
    return assignment


@transaction.atomic
def charge_lost_charger(*, actor, assignment: Assignment):
    """Charge the person who brought a device back without its charger the fee schedule's
    lost-charger amount, once per check-out; the charge links back to the check-out."""
    from homeroom.devices.selectors import lost_charger_fee

    if not apps.is_installed("homeroom.fees"):
        raise Conflict("Fees are not turned on in this district.")
    from homeroom.fees import selectors as fee_selectors
    from homeroom.fees import services as fee_services

    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("device__site", "person")
        .get(pk=assignment.pk)
    )
    device = assignment.device
    require_site_access(actor, device.site)
    if assignment.person is None:
        raise Conflict(f"{device} was not out to a person; there is no one to charge.")
    if assignment.is_open or assignment.check_in_checklist.get("charger", True):
        raise Conflict(f"{device} has not come back without its charger.")
    if fee_selectors.charges_from(assignment).exists():
        raise Conflict(f"{assignment.person} was already charged for the charger of {device}.")
    reason = lost_charger_fee()
    if reason is None:
        raise Conflict("The fee schedule has no lost-charger fee; add one under Fees first.")
    charge = fee_services.charge_create(
        actor=actor,
        person=assignment.person,
        reason=reason,
        site=device.site,
        note=f"Charger not returned with {device}",
        source=assignment,
    )
    audit.record(
        actor=actor,
        obj=device,
        verb=AuditVerb.UPDATED,
        site=device.site,
        changes={"charged": [None, f"{fee_services.dollars(charge.amount)} to {charge.person}"]},
        message=f"Charged {charge.person} for the charger that did not come back",
    )
    return charge


EDITABLE_FIELDS = (
    "asset_tag",
    "serial_number",
    "model",
    "site",
    "home_room",
    "condition",
    "purchase_date",
    "purchase_cost",
    "order_number",
    "vendor",
    "funding_source",
    "warranty_end",
    "mac_addresses",
    "os_version",
    "org_unit_path",
    "notes",
)


def _check_home_room(device: Device) -> None:
    if device.home_room is not None and device.home_room.site_id != device.site_id:
        raise ValidationError({"home_room": f"Room {device.home_room} is not at {device.site}."})


@transaction.atomic
def device_create(
    *,
    actor,
    asset_tag: str,
    serial_number: str,
    model: DeviceModel,
    site,
    status: str = DeviceStatus.IN_STOCK,
    **fields,
) -> Device:
    """Add one device by hand (imports add many at once). New devices start in stock, in the
    loaner pool, or deployed to a room without a check-out."""
    require_site_access(actor, site)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not device fields: {', '.join(sorted(unknown))}")
    device = Device(
        asset_tag=asset_tag.strip(),
        serial_number=serial_number.strip(),
        model=model,
        site=site,
        status=status,
        **fields,
    )
    device.full_clean()
    _check_home_room(device)
    device.save()
    if model.category == DeviceCategory.CART:
        CartSlot.objects.bulk_create(
            CartSlot(cart=device, number=number) for number in range(1, CART_SLOTS + 1)
        )
    audit.record(
        actor=actor,
        obj=device,
        verb=AuditVerb.CREATED,
        site=site,
        changes={
            "asset_tag": [None, device.asset_tag],
            "serial_number": [None, device.serial_number],
            "model": [None, str(model)],
            "status": [None, status],
        },
    )
    return device


@transaction.atomic
def device_update(*, actor, device: Device, **data) -> Device:
    """Change a device's details; its status moves only through device_set_status."""
    device = _locked(device)
    require_site_access(actor, device.site)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    changes = audit.apply_changes(device, data)
    if not changes:
        return device
    if "site" in changes:
        require_site_access(actor, device.site)
        if device.assignments.filter(checked_in_at__isnull=True).exists():
            raise Conflict(f"{device} is checked out; check it in before moving it to a site.")
    device.full_clean()
    _check_home_room(device)
    device.updated_at = timezone.now()
    device.save()
    audit.record(actor=actor, obj=device, verb=AuditVerb.UPDATED, site=device.site, changes=changes)
    return device


@transaction.atomic
def device_delete(*, actor, device: Device) -> None:
    """Remove a device entered by mistake. A device with any history stays: retire it."""
    device = _locked(device)
    require_site_access(actor, device.site)
    if device.assignments.exists() or device.cart_assignments.exists():
        raise Conflict(f"{device} has check-outs on record; retire it instead of deleting it.")
    if device.tickets.exists() or device.repairs.exists():
        raise Conflict(f"{device} has tickets or repairs on record; retire it instead.")
    audit.record(
        actor=actor,
        obj=device,
        verb=AuditVerb.DELETED,
        site=device.site,
        changes={
            "asset_tag": [device.asset_tag, None],
            "serial_number": [device.serial_number, None],
        },
    )
    device.delete()


BULK_LIMIT = 500


@transaction.atomic
def devices_bulk_update(
    *,
    actor,
    device_ids: list[int],
    status: str | None = None,
    site=None,
    room_number: str | None = None,
    note: str = "",
) -> int:
    """Change the status, site or home room of many devices at once: all of them or, when
    any one cannot change, none (the error names each device that cannot). The home room is
    the room with that number at the new site, or else at each device's own site. Returns
    how many changed."""
    if status is None and site is None and room_number is None:
        raise ValidationError("Choose a status, a site or a room to change.")
    if not device_ids:
        raise ValidationError("Tick the devices to change first.")
    if len(device_ids) > BULK_LIMIT:
        raise ValidationError(f"Change up to {BULK_LIMIT} devices at a time.")
    if site is not None:
        require_site_access(actor, site)
    devices = list(
        Device.objects.select_for_update(of=("self",))
        .select_related("site", "model", "home_room")
        .filter(pk__in=device_ids)
        .order_by("pk")
    )
    checked_out = set(
        Assignment.objects.filter(device__in=devices, checked_in_at__isnull=True).values_list(
            "device_id", flat=True
        )
    )
    rooms = {}
    if room_number is not None:
        site_ids = {site.pk} if site is not None else {device.site_id for device in devices}
        rooms = {
            room.site_id: room
            for room in Room.objects.filter(
                site_id__in=site_ids, number__iexact=room_number.strip(), is_active=True
            )
        }
    refusals = []
    planned = []
    for device in devices:
        require_site_access(actor, device.site)
        changes = {}
        try:
            if status is not None and status != device.status:
                if device.pk in checked_out and status not in STAYS_OUT:
                    raise Conflict(f"{device} is checked out; check it in first")
                changes.update(_move(device, status))
            if site is not None and site.pk != device.site_id:
                if device.pk in checked_out:
                    raise Conflict(f"{device} is checked out; check it in before moving it")
                changes["site"] = [device.site.name, site.name]
                device.site = site
            room = rooms.get(device.site_id) if room_number is not None else device.home_room
            if room_number is not None and room is None:
                raise Conflict(f"{device.site} has no room {room_number}")
            if room is not None and room.site_id != device.site_id:
                room = None
            if room != device.home_room:
                changes["home_room"] = [audit.as_json(device.home_room), audit.as_json(room)]
                device.home_room = room
        except Conflict as error:
            refusals.append(str(error).rstrip("."))
            continue
        if changes:
            planned.append((device, changes))
    if refusals:
        shown = "; ".join(refusals[:5])
        more = f" and {len(refusals) - 5} more" if len(refusals) > 5 else ""
        raise Conflict(f"Nothing was changed. {shown}{more}.")
    now = timezone.now()
    for device, changes in planned:
        device.updated_at = now
        device.save(update_fields=["status", "site", "home_room", "updated_at"])
        verb = AuditVerb.STATUS_CHANGED if set(changes) == {"status"} else AuditVerb.UPDATED
        audit.record(
            actor=actor, obj=device, verb=verb, site=device.site, changes=changes, message=note
        )
    return len(planned)


@transaction.atomic
def cart_slot_fill(*, actor, cart: Device, device: Device, number: int | None = None) -> CartSlot:
    """Put a device into a cart's slot (the first empty one unless `number` says which): the
    device is checked out to the cart."""
    cart = _locked(cart)
    require_site_access(actor, cart.site)
    if cart.model.category != DeviceCategory.CART:
        raise Conflict(f"{cart} is not a cart.")
    if device.pk == cart.pk:
        raise Conflict("A cart cannot go into its own slot.")
    slots = CartSlot.objects.select_for_update().filter(cart=cart)
    slot = (
        slots.filter(number=number).first()
        if number is not None
        else slots.filter(device__isnull=True).order_by("number").first()
    )
    if slot is None:
        raise Conflict(
            f"{cart} has no slot {number}." if number is not None else f"{cart} is full."
        )
    if slot.device_id is not None:
        raise Conflict(f"Slot {slot.number} of {cart} holds {slot.device}; empty it first.")
    existing = CartSlot.objects.filter(device=device).first()
    if existing is not None:
        raise Conflict(f"{device} is already in slot {existing.number} of {existing.cart}.")
    if device.site_id != cart.site_id:
        raise Conflict(f"{device} belongs to {device.site}, the cart to {cart.site}.")
    device_check_out(actor=actor, device=device, cart=cart, kind=AssignmentKind.SHORT_TERM)
    slot.device = device
    slot.save(update_fields=["device"])
    return slot


@transaction.atomic
def cart_slot_empty(*, actor, cart: Device, number: int, status: str | None = None) -> Device:
    """Take the device out of a slot: it is checked in from the cart."""
    cart = _locked(cart)
    require_site_access(actor, cart.site)
    slot = CartSlot.objects.select_for_update().filter(cart=cart, number=number).first()
    if slot is None or slot.device_id is None:
        raise Conflict(f"Slot {number} of {cart} is empty.")
    device = slot.device
    slot.device = None
    slot.save(update_fields=["device"])
    if Assignment.objects.filter(device=device, cart=cart, checked_in_at__isnull=True).exists():
        device_check_in(actor=actor, device=device, status=status, notes=f"Out of {cart}")
    return device


@transaction.atomic
def acceptable_use_record(
    *, actor, person, policy_version: str | None = None
) -> AcceptableUseAcknowledgment:
    """Record that a person (or, for a student, their family) signed the acceptable-use
    policy; recording the same version twice keeps the first."""
    version = policy_version or settings.ACCEPTABLE_USE_POLICY_VERSION
    if person.primary_site is not None:
        require_site_access(actor, person.primary_site)
    acknowledgment, created = AcceptableUseAcknowledgment.objects.get_or_create(
        person=person,
        policy_version=version,
        defaults={"recorded_by": actor if actor and actor.is_authenticated else None},
    )
    if created:
        audit.record(
            actor=actor,
            obj=person,
            verb=AuditVerb.ACKNOWLEDGED,
            site=person.primary_site,
            changes={"acceptable_use": [None, version]},
            message=f"Signed the acceptable-use policy {version}",
        )
    return acknowledgment


@transaction.atomic
def device_model_create(
    *,
    actor,
    manufacturer: str,
    name: str,
    category: str,
    auto_update_through: datetime.date | None = None,
    warranty_months: int = 12,
) -> DeviceModel:
    """Add a product model; the manufacturer is found by name (any letter case) or added."""
    maker_name = manufacturer.strip()
    maker = Manufacturer.objects.filter(name__iexact=maker_name).first()
    if maker is None:
        maker = Manufacturer(name=maker_name)
        maker.full_clean()
        maker.save()
        audit.record(
            actor=actor, obj=maker, verb=AuditVerb.CREATED, changes={"name": [None, maker_name]}
        )
    if DeviceModel.objects.filter(manufacturer=maker, name__iexact=name.strip()).exists():
        raise ValidationError(f"{maker} {name.strip()} is already a model.")
    model = DeviceModel(
        manufacturer=maker,
        name=name.strip(),
        category=category,
        auto_update_through=auto_update_through,
        warranty_months=warranty_months,
    )
    model.full_clean()
    model.save()
    audit.record(
        actor=actor,
        obj=model,
        verb=AuditVerb.CREATED,
        changes={"name": [None, str(model)], "category": [None, category]},
    )
    return model
