"""Device imports' own writes: the saved mappings of org units, locations and categories
(the mapping step of Google Admin and Snipe-IT files), and the words the importers' messages
use on the pages. The lifecycle of an import (upload, check, apply) is core's
(core.import_services); the formats are in devices.importers.formats."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.models import Room
from homeroom.core.selectors import sites_for
from homeroom.devices.choices import (
    MAPPABLE_VALUES,
    DeviceCategory,
    DeviceImportKind,
    MappedValue,
)
from homeroom.devices.models import ImportValueMapping

CHOOSE_SITE = "choose a site for new devices and check again"
CHOOSE_CATEGORY = "choose a kind of device for new models and check again"


# The importers speak of the command line's options; a page or API caller chose the same
# things as the import's site for new devices and kind of device for new models.
WEB_WORDS = (
    (re.compile(r"pass --category( \([^)]*\) for such models)?"), CHOOSE_CATEGORY),
    (re.compile(r"pass --site CODE"), CHOOSE_SITE),
    (re.compile(r"no --site was given"), "no site for new devices was chosen"),
    (re.compile(r" \(--site\)"), " (the site for new devices)"),
)


def in_web_words(message: str) -> str:
    for pattern, words in WEB_WORDS:
        message = pattern.sub(words, message)
    return message


def summary(counts: dict) -> str:
    """ "12 new devices, 3 updated, 4 checked out"."""
    devices = counts.get("devices", {})
    parts = [
        f"{devices.get('created', 0)} new devices" if devices.get("created") else "",
        f"{devices.get('updated', 0)} updated" if devices.get("updated") else "",
        f"{counts.get('assignments', {}).get('created', 0)} checked out"
        if counts.get("assignments", {}).get("created")
        else "",
    ]
    return ", ".join(part for part in parts if part) or "nothing changed"


# --- saved mappings of org units, locations and categories ------------------------------


def _may_map_to(actor, site) -> None:
    if not actor.has_perm("devices.add_deviceimport"):
        raise PermissionDenied("Your role does not map values of device files.")
    if site is not None and not sites_for(actor).filter(pk=site.pk).exists():
        raise PermissionDenied(f"You do not work at {site}; map it to one of your sites.")


@transaction.atomic
def import_value_mapping_save(
    *,
    actor,
    source: str,
    field: str,
    value: str,
    site=None,
    room_number: str = "",
    category: str = "",
) -> ImportValueMapping:
    """Say what a value of Google Admin or Snipe-IT files stands for, for every later import:
    an org unit or a location is a site (a Snipe-IT location may be a room of it), a Snipe-IT
    category a kind of device. Replaces the value's mapping if it has one; a technician maps
    only to their own sites and changes only mappings to them."""
    value = value.strip()
    if field not in MAPPABLE_VALUES.get(source, ()):
        raise ValidationError({"field": f"A {source} file has no {field} values to map."})
    if not value or len(value) > 300:
        raise ValidationError({"value": "Give the value as the file has it (1 to 300 characters)."})
    room = None
    if field == MappedValue.CATEGORY:
        if category not in DeviceCategory.values:
            raise ValidationError({"category": "Choose a kind of device."})
        site = None
    else:
        category = ""
        if site is None:
            raise ValidationError({"site": "Choose a site."})
        if room_number.strip():
            if source != DeviceImportKind.SNIPEIT:
                raise ValidationError({"room": "Only Snipe-IT locations map to a room."})
            room = Room.objects.filter(site=site, number__iexact=room_number.strip()).first()
            if room is None:
                raise ValidationError({"room": f"{site} has no room “{room_number.strip()}”."})
    _may_map_to(actor, site)
    mapping = (
        ImportValueMapping.objects.select_for_update(of=("self",))
        .select_related("site", "room")
        .filter(source=source, field=field, value__iexact=value)
        .first()
    )
    if mapping is not None:
        _may_map_to(actor, mapping.site)
        before = mapping.target
        if (mapping.site_id, mapping.room_id, mapping.category) == (
            site.pk if site else None,
            room.pk if room else None,
            category,
        ):
            return mapping
    else:
        before = None
        mapping = ImportValueMapping(source=source, field=field, value=value)
    mapping.site, mapping.room, mapping.category = site, room, category
    mapping.updated_at = timezone.now()
    mapping.updated_by = actor if actor.is_authenticated else None
    mapping.full_clean()
    mapping.save()
    audit.record(
        actor=actor,
        obj=mapping,
        verb=AuditVerb.CREATED if before is None else AuditVerb.UPDATED,
        site=site,
        changes={"target": [before, mapping.target]},
        message=f"{mapping.get_source_display()}: {mapping}",
    )
    return mapping


@transaction.atomic
def import_value_mapping_remove(*, actor, mapping: ImportValueMapping) -> None:
    """Forget a saved mapping: later imports treat the value as matching nothing again."""
    _may_map_to(actor, mapping.site)
    audit.record(
        actor=actor,
        obj=mapping,
        verb=AuditVerb.DELETED,
        site=mapping.site,
        changes={"target": [mapping.target, None]},
        message=f"{mapping.get_source_display()}: {mapping.get_field_display()} "
        f"“{mapping.value}” no longer mapped",
    )
    mapping.delete()


def import_values_map(run, *, actor, chosen: list[dict]) -> None:
    """Save what the values a check listed as matching nothing stand for (each item: field,
    value, and site and room_number, or category). All or nothing: a refused item saves none.
    The caller checks the run again with them."""
    if run.kind not in MAPPABLE_VALUES:
        raise Conflict("Only Google Admin and Snipe-IT files have values to map.")
    if not chosen:
        raise ValidationError("Choose a site or a kind of device for at least one value.")
    # A value is kept as the file spells it, whatever the caller's letter case.
    unmapped = run.details.get("unmapped", [])
    listed = {(found["field"], found["value"].lower()): found["value"] for found in unmapped}
    with transaction.atomic():
        for item in chosen:
            spelled = listed.get((item["field"], str(item["value"]).strip().lower()))
            import_value_mapping_save(
                actor=actor, source=run.kind, **{**item, "value": spelled or item["value"]}
            )
