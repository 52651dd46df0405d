"""Device imports from the browser and the API: record an upload, match an other CSV file's
columns, check the file (a dry run) and apply it, the check and the apply as background tasks.

Applying checks the file again against what Homeroom holds at that moment, in the transaction
that writes it; applying a file whose devices Homeroom already has as the file says changes
nothing."""

import hashlib
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.import_runs import delete_refused_uploads, enqueue, task_alive
from homeroom.core.models import Room
from homeroom.core.selectors import sites_for
from homeroom.devices.choices import (
    DEVICE_IMPORT_TRANSITIONS,
    MAPPABLE_VALUES,
    DeviceCategory,
    DeviceImportKind,
    DeviceImportStatus,
    MappedValue,
)
from homeroom.devices.importers import generic
from homeroom.devices.importers.run import Kind, Outcome, run_import
from homeroom.devices.importers.upload import HEAD_BYTES, KINDS, Preview, preview
from homeroom.devices.models import DeviceImport, ImportValueMapping

PROGRESS_SECONDS = 0.5  # the progress bar is written at most this often
CHOOSE_SITE = "choose a site for new devices and check again"
CHOOSE_CATEGORY = "choose a kind of device for new models and check again"
S = DeviceImportStatus


def import_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports" / "devices"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_preview(record: DeviceImport) -> Preview:
    """The stored file's header and a few values of each column."""
    with open(record.file_path, "rb") as handle:
        return preview(handle.read(HEAD_BYTES), record.kind)


def device_import_upload(
    *,
    actor,
    upload,
    kind: str,
    site=None,
    default_category: str = "",
    mapping: dict[str, str] | None = None,
    apply: bool = False,
) -> DeviceImport:
    """Keep an uploaded file in the data folder and record it. A Google Admin or Snipe-IT
    file, or another CSV file with its `mapping`, is checked in the background straight away
    (with `apply`, applied as well when the check finds no problems); another CSV file
    without one waits for its columns to be matched. The upload must have passed `preview`."""
    folder = import_dir() / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    name = Path(upload.name or "devices.csv").name
    stored = folder / stored_name(name)
    with open(stored, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    waits = kind == DeviceImportKind.CSV and not mapping
    with transaction.atomic():
        record = DeviceImport(
            created_by=actor if actor is not None and actor.is_authenticated else None,
            interface=audit.current_interface(),
            kind=kind,
            file_name=name[:255],
            file_path=str(stored.resolve()),
            file_sha256=_sha256(stored),
            site=site,
            default_category=default_category,
            mapping=mapping or {},
            status=S.MAPPING if waits else S.QUEUED,
        )
        record.full_clean()
        record.save()
        audit.record(
            actor=actor,
            obj=record,
            verb=AuditVerb.CREATED,
            site=site,
            message=f"Uploaded {record.file_name} ({record.get_kind_display()})",
        )
        if not waits:
            _queue_check(record, apply_as=actor.pk if apply else None)
    return record


def stored_name(name: str) -> str:
    """The uploaded file's own name where it is safe to keep, since problems name the file
    by it (“Device list (2).csv:14: …”); each upload has a folder of its own."""
    if name in {"", ".", ".."} or any(char in name for char in "/\\\x00"):
        return "devices.csv"
    return name[-200:]


def _queue_check(record: DeviceImport, *, apply_as: int | None) -> None:
    from homeroom.devices.importers.tasks import check_device_import

    enqueue(check_device_import, record.pk, apply_as)


def device_import_set_mapping(
    record: DeviceImport, *, actor, mapping: dict[str, str]
) -> DeviceImport:
    """Match an other CSV file's columns to Homeroom's fields and check the file again with
    them. A ValueError lists what is wrong with the mapping."""
    if record.kind != DeviceImportKind.CSV:
        raise Conflict("Only other CSV files have their columns matched by hand.")
    mapping = {key: column for key, column in mapping.items() if column}
    problems = generic.mapping_problems(mapping, file_preview(record).header)
    if problems:
        raise ValueError(" ".join(problems))
    with transaction.atomic():
        before = record.mapping
        record = device_import_set_status(record, S.QUEUED, mapping=mapping, progress_done=0)
        audit.record(
            actor=actor,
            obj=record,
            verb=AuditVerb.UPDATED,
            site=record.site,
            changes={"mapping": [before or None, mapping]},
            message="Columns matched",
        )
        _queue_check(record, apply_as=None)
    return record


KEEP = object()  # an option left as it is


def device_import_recheck(
    record: DeviceImport, *, actor, site=KEEP, default_category=KEEP
) -> DeviceImport:
    """Check a checked or rejected import again: after adding the site or the person it
    named, or with another site for new devices (`site`, None for none) or kind of device
    for new models (`default_category`, "" for none)."""
    if record.kind == DeviceImportKind.CSV and not record.mapping:
        raise Conflict("Match the file's columns first.")
    options = {}
    if site is not KEEP and site != record.site:
        options["site"] = site
    if default_category is not KEEP and default_category != record.default_category:
        options["default_category"] = default_category
    with transaction.atomic():
        before = {"site": str(record.site or ""), "default_category": record.default_category}
        record = device_import_set_status(record, S.QUEUED, progress_done=0, **options)
        if options:
            audit.record(
                actor=actor,
                obj=record,
                verb=AuditVerb.UPDATED,
                site=record.site,
                changes={name: [before[name], str(value or "")] for name, value in options.items()},
                message="Options changed",
            )
        _queue_check(record, apply_as=None)
    return record


def device_import_queue_apply(record: DeviceImport, *, actor) -> DeviceImport:
    from homeroom.devices.importers.tasks import apply_device_import

    with transaction.atomic():
        record = device_import_start_apply(record)
        enqueue(apply_device_import, record.pk, actor.pk)
    return record


def device_import_set_status(record: DeviceImport, status: str, **fields) -> DeviceImport:
    """Move an import along its lifecycle (devices.choices); an illegal move is a Conflict."""
    current = DeviceImport.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    if current is None:
        raise Conflict("This import no longer exists.")
    if status not in DEVICE_IMPORT_TRANSITIONS[S(current)]:
        raise Conflict(
            f"This import is “{S(current).label.lower()}”; it cannot be moved to "
            f"“{S(status).label.lower()}”."
        )
    updated = DeviceImport.objects.filter(pk=record.pk, status=current).update(
        status=status, **fields
    )
    if not updated:
        raise Conflict("Someone else moved this import on at the same moment.")
    record.refresh_from_db()
    return record


def device_import_start_apply(record: DeviceImport) -> DeviceImport:
    return device_import_set_status(
        record, S.APPLYING, progress_done=0, progress_note="Waiting for the worker"
    )


def kind_of(record: DeviceImport) -> Kind:
    if record.kind == DeviceImportKind.CSV:
        return generic.kind_for(record.mapping)
    return KINDS[record.kind]


def _options(record: DeviceImport) -> dict:
    if record.kind == DeviceImportKind.GOOGLE:
        return {}
    return {"default_category": record.default_category}


def _progress(record: DeviceImport):
    """A progress report that writes to the import at most every PROGRESS_SECONDS, and
    whenever the import moves on to its next step (reading, checking, writing)."""
    last = {"at": 0.0, "step": ""}

    def report(done: int, total: int, note: str) -> None:
        now, step = time.monotonic(), note.split(" ", 1)[0]
        if now - last["at"] < PROGRESS_SECONDS and step == last["step"] and done < total:
            return
        last.update(at=now, step=step)
        DeviceImport.objects.filter(pk=record.pk).update(
            progress_done=done, progress_total=total, progress_note=note[:200]
        )

    return report


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


def _found(outcome: Outcome) -> dict:
    return {
        "counts": outcome.counts,
        "errors": [in_web_words(message) for message in outcome.errors],
        "warnings": [in_web_words(message) for message in outcome.warnings],
        "changes": outcome.changes,
        "changes_total": outcome.changes_total,
        "unmapped": outcome.unmapped,
    }


def device_import_check(record: DeviceImport) -> DeviceImport:
    """Read and check the whole file and work out what applying it would change (dry run),
    as the person who uploaded it: the sites they work at bound what it may change."""
    record = device_import_set_status(
        record, S.CHECKING, progress_done=0, progress_note="Reading the file"
    )
    outcome = run_import(
        kind_of(record),
        record.file_path,
        dry_run=True,
        site_code=record.site.code if record.site else None,
        actor=record.created_by,
        progress=_progress(record),
        **_options(record),
    )
    status = S.CHECKED if outcome.status == "checked" else S.REJECTED
    return device_import_set_status(
        record, status, checked_at=timezone.now(), progress_note="", **_found(outcome)
    )


def device_import_apply(record: DeviceImport, *, actor) -> DeviceImport:
    """Check the file again against Homeroom as it is now and write it in one transaction,
    together with the import's new status and its audit event. The import must have been
    started with `device_import_start_apply`."""

    def applied(outcome: Outcome) -> None:
        done = device_import_set_status(
            record,
            S.APPLIED,
            applied_at=timezone.now(),
            applied_by=actor if actor is not None and actor.is_authenticated else None,
            progress_note="Done",
            **_found(outcome),
        )
        audit.record(
            actor=actor,
            obj=done,
            verb=AuditVerb.APPLIED,
            site=done.site,
            message=summary(outcome.counts),
            changes={"counts": [None, outcome.counts]},
        )

    outcome = run_import(
        kind_of(record),
        record.file_path,
        dry_run=False,
        site_code=record.site.code if record.site else None,
        actor=actor,
        progress=_progress(record),
        on_applied=applied,
        **_options(record),
    )
    if outcome.status != "applied":
        return device_import_set_status(
            record, S.REJECTED, checked_at=timezone.now(), progress_note="", **_found(outcome)
        )
    record.refresh_from_db()
    return record


def device_import_fail(record: DeviceImport, error: Exception) -> None:
    """What a background task records when something it did not foresee stopped it."""
    DeviceImport.objects.filter(pk=record.pk).update(
        status=S.FAILED, errors=[f"Homeroom could not finish: {error}"]
    )


TASKS = {
    "homeroom.devices.importers.tasks.check_device_import",
    "homeroom.devices.importers.tasks.apply_device_import",
}
STOPPED = (
    "Homeroom stopped while {doing} this file (its background worker was stopped or ran out "
    "of memory). Nothing was changed. Check it again; if it stops again, tell your Homeroom "
    "administrator."
)
DOING = {S.QUEUED: "waiting to check", S.CHECKING: "checking", S.APPLYING: "applying"}


def device_imports_recover(*, now=None) -> str:
    """Mark failed the imports waiting, checking or applying whose task has died, so they
    can be checked and applied again. Applying writes in one transaction, so an import whose
    worker died while applying changed nothing."""
    now = now or timezone.now()
    failed = 0
    for record in DeviceImport.objects.filter(status__in=DOING).select_related("site"):
        if task_alive(TASKS, record.pk, now=now):
            continue
        with transaction.atomic():
            message = STOPPED.format(doing=DOING[record.status])
            moved = DeviceImport.objects.filter(pk=record.pk, status=record.status).update(
                status=S.FAILED, errors=[message], progress_note=""
            )
            if moved:
                audit.record(
                    actor=None,
                    obj=record,
                    verb=AuditVerb.STATUS_CHANGED,
                    site=record.site,
                    changes={"status": [record.status, S.FAILED]},
                    message=message,
                )
                failed += 1
    return f"{failed} stopped imports marked failed"


def device_imports_delete_refused(*, now=None) -> str:
    refused = DeviceImport.objects.filter(status__in=[S.REJECTED, S.FAILED])
    deleted = delete_refused_uploads(refused, import_dir(), now=now)
    return f"{deleted} files of refused imports deleted"


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


def device_import_map_values(record: DeviceImport, *, actor, chosen: list[dict]) -> DeviceImport:
    """Save what the values an import listed as matching nothing stand for (each item:
    field, value, and site and room_number, or category) and check the import again with
    them. All or nothing: a refused item saves none."""
    if record.kind not in MAPPABLE_VALUES:
        raise Conflict("Only Google Admin and Snipe-IT files have values to map.")
    if not chosen:
        raise ValidationError("Choose a site or a kind of device for at least one value.")
    # A value is kept as the file spells it, whatever the caller's letter case.
    listed = {(found["field"], found["value"].lower()): found["value"] for found in record.unmapped}
    with transaction.atomic():
        for item in chosen:
            spelled = listed.get((item["field"], str(item["value"]).strip().lower()))
            import_value_mapping_save(
                actor=actor, source=record.kind, **{**item, "value": spelled or item["value"]}
            )
        return device_import_recheck(record, actor=actor)
