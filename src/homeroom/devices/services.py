"""Writes to devices: status changes along the lifecycle, check-out and check-in.

Every write locks the device row first, so two technicians scanning the same Chromebook at
the same moment get one check-out and one clear refusal, never two assignments."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.services import require_site_access
from homeroom.devices.choices import (
    CHECK_OUT_STATUSES,
    DEVICE_TRANSITIONS,
    AssignmentKind,
    Condition,
    DeviceStatus,
)
from homeroom.devices.models import Assignment, Device
from homeroom.fees.services import check_out_allowed


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
    stays_out = {DeviceStatus.DEPLOYED, DeviceStatus.LOST, DeviceStatus.STOLEN}
    checked_out = device.assignments.filter(checked_in_at__isnull=True).exists()
    if status != device.status and status not in stays_out and checked_out:
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
) -> Assignment:
    """Give a device to a person, a room or a cart. When the district's fee rule is on,
    a person owing more than its limit gets the device only with `override_fees`, which
    the audit event records."""
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
            **({"fee_override": [None, fee_override]} if fee_override else {}),
        },
        message=f"Checked out to {assignment.holder}"
        + (f" ({fee_override})" if fee_override else ""),
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
