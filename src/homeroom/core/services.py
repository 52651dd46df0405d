"""Writes to sites and rooms. Every change is validated and audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.models import Room, Site
from homeroom.core.selectors import sites_for


def require_site_access(actor, site: Site) -> None:
    """Users limited to some sites may only write records at those sites."""
    if actor is not None and not sites_for(actor).filter(pk=site.pk).exists():
        raise PermissionDenied(f"You do not work at {site}.")


@transaction.atomic
def site_create(
    *,
    actor,
    name: str,
    code: str,
    type: str,
    address: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Site:
    site = Site(name=name, code=code, type=type, address=address, phone=phone, is_active=is_active)
    site.full_clean()
    site.save()
    audit.record(
        actor=actor,
        obj=site,
        verb=AuditVerb.CREATED,
        site=site,
        changes={"name": [None, name], "code": [None, code], "type": [None, type]},
    )
    return site


@transaction.atomic
def site_update(*, actor, site: Site, **data) -> Site:
    site = Site.objects.select_for_update().get(pk=site.pk)
    changes = audit.apply_changes(site, data)
    if changes:
        site.full_clean()
        site.save()
        audit.record(actor=actor, obj=site, verb=AuditVerb.UPDATED, site=site, changes=changes)
    return site


@transaction.atomic
def room_create(
    *,
    actor,
    site: Site,
    number: str,
    name: str = "",
    kind: str = "classroom",
    floor: str = "",
    is_active: bool = True,
) -> Room:
    require_site_access(actor, site)
    room = Room(site=site, number=number, name=name, kind=kind, floor=floor, is_active=is_active)
    room.full_clean()
    room.save()
    audit.record(
        actor=actor,
        obj=room,
        verb=AuditVerb.CREATED,
        site=site,
        changes={"number": [None, number], "kind": [None, kind]},
    )
    return room


@transaction.atomic
def room_update(*, actor, room: Room, **data) -> Room:
    room = Room.objects.select_for_update().get(pk=room.pk)
    require_site_access(actor, room.site)
    changes = audit.apply_changes(room, data)
    if "site" in changes:
        require_site_access(actor, room.site)
    if changes:
        room.full_clean()
        room.save()
        audit.record(actor=actor, obj=room, verb=AuditVerb.UPDATED, site=room.site, changes=changes)
    return room
