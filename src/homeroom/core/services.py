"""Writes to sites, rooms, school hours and closed days. Every change is validated and
audited."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.models import WEEKDAY_FIELDS, ClosedDay, Room, SchoolHours, Site
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


def require_calendar_access(actor, site: Site | None) -> None:
    """A site's calendar is changed by someone working there; the district's by someone who
    works at every site."""
    if site is not None:
        require_site_access(actor, site)
    elif actor is not None and not actor.sees_all_sites:
        raise PermissionDenied("Only people who work at every site change the district calendar.")


@transaction.atomic
def school_hours_set(
    *,
    actor,
    site: Site | None,
    school_days: Iterable[int],
    opens_at: datetime.time,
    closes_at: datetime.time,
) -> SchoolHours:
    """Set the school days (Python weekday numbers, Monday 0) and hours of a site, or with no
    site the district default."""
    require_calendar_access(actor, site)
    days = set(school_days)
    if not days <= set(range(7)):
        raise ValidationError({"school_days": "School days are weekday numbers 0 to 6."})
    data = {name: index in days for index, name in enumerate(WEEKDAY_FIELDS)}
    data |= {"opens_at": opens_at, "closes_at": closes_at}
    hours = SchoolHours.objects.select_for_update().filter(site=site).first()
    if hours is None:
        hours = SchoolHours(site=site, **data)
        hours.full_clean()
        hours.save()
        changes = {field: [None, audit.as_json(value)] for field, value in data.items()}
        audit.record(actor=actor, obj=hours, verb=AuditVerb.CREATED, site=site, changes=changes)
        return hours
    changes = audit.apply_changes(hours, data)
    if changes:
        hours.full_clean()
        hours.save()
        audit.record(actor=actor, obj=hours, verb=AuditVerb.UPDATED, site=site, changes=changes)
    return hours


@transaction.atomic
def school_hours_clear(*, actor, site: Site) -> bool:
    """The site follows the district default hours again. False if it already did."""
    require_calendar_access(actor, site)
    hours = SchoolHours.objects.select_for_update().filter(site=site).first()
    if hours is None:
        return False
    audit.record(
        actor=actor,
        obj=hours,
        verb=AuditVerb.DELETED,
        site=site,
        message="Uses the district school hours again.",
    )
    hours.delete()
    return True


@transaction.atomic
def closed_day_add(
    *,
    actor,
    site: Site | None,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    reason: str,
) -> ClosedDay:
    """Close one site, or with no site the whole district, from `starts_on` to `ends_on`
    (both included; one day when `ends_on` is left out)."""
    require_calendar_access(actor, site)
    closed = ClosedDay(site=site, starts_on=starts_on, ends_on=ends_on or starts_on, reason=reason)
    closed.full_clean()
    closed.save()
    audit.record(
        actor=actor,
        obj=closed,
        verb=AuditVerb.CREATED,
        site=site,
        changes={
            "starts_on": [None, closed.starts_on.isoformat()],
            "ends_on": [None, closed.ends_on.isoformat()],
            "reason": [None, closed.reason],
        },
    )
    return closed


@transaction.atomic
def closed_day_remove(*, actor, closed_day: ClosedDay) -> None:
    require_calendar_access(actor, closed_day.site)
    audit.record(
        actor=actor,
        obj=closed_day,
        verb=AuditVerb.DELETED,
        site=closed_day.site,
        changes={
            "starts_on": [closed_day.starts_on.isoformat(), None],
            "ends_on": [closed_day.ends_on.isoformat(), None],
            "reason": [closed_day.reason, None],
        },
    )
    closed_day.delete()
