"""OneRoster imports: record an upload, check it (a dry run), then apply it.

The web page and the API queue the check and the apply as background tasks; the command line
runs them in the foreground. All three call these functions.

Only district admins import rosters (the command line without `--as` is the server's own
operator): a roster changes people at every school. An import that makes more than a fifth
of a school's people inactive, or any site, is applied only when the importer has typed the
number of people it makes inactive."""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditInterface, AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.import_limits import LimitExceeded
from homeroom.core.import_runs import enqueue
from homeroom.people.choices import IMPORT_TRANSITIONS, ImportStatus
from homeroom.people.models import RosterImport
from homeroom.people.oneroster.apply import Applier, ApplyError, known_in_homeroom
from homeroom.people.oneroster.check import Checker
from homeroom.people.oneroster.source import DAMAGED, RosterSource, SetError


def import_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sha256(path: Path) -> str:
    """The fingerprint of a zip, or of a folder's CSV files (names and contents)."""
    digest = hashlib.sha256()
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.name.encode())
        with open(file, "rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def require_roster_importer(actor) -> None:
    """Refuses anyone but a district admin; `None` is the command line's own operator."""
    if actor is None:
        return
    if not (actor.has_perm("people.add_rosterimport") and actor.sees_all_sites):
        raise PermissionDenied(
            "Only a district admin can import a roster: a roster file changes people at "
            "every school."
        )


def roster_import_create(
    *,
    actor,
    path: Path,
    file_name: str,
    whole_district: bool = False,
    confirm_deactivations: int | None = None,
) -> RosterImport:
    """Record an import of the set at `path` (a folder or zip that stays where it is). With
    `whole_district`, what the set leaves out becomes inactive at every school."""
    require_roster_importer(actor)
    path = Path(path)
    return RosterImport.objects.create(
        created_by=actor if actor is not None and actor.is_authenticated else None,
        interface=audit.current_interface(),
        file_name=file_name[:255],
        file_path=str(path.resolve()),
        file_sha256=_sha256(path),
        whole_district=whole_district,
        confirmed_deactivations=confirm_deactivations,
    )


def roster_import_upload(
    *,
    actor,
    upload,
    apply: bool = False,
    whole_district: bool = False,
    confirm_deactivations: int | None = None,
) -> RosterImport:
    """Keep an uploaded zip in the data folder and queue its check in the background; with
    `apply`, the check goes on to apply the set when it finds no problems (and, when it
    makes many people inactive, `confirm_deactivations` is their number)."""
    from homeroom.people.tasks import check_roster_import

    require_roster_importer(actor)

    stored = import_dir() / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.zip"
    with open(stored, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        record = roster_import_create(
            actor=actor,
            path=stored,
            file_name=upload.name,
            whole_district=whole_district,
            confirm_deactivations=confirm_deactivations,
        )
        apply_as = actor.pk if apply else None
        enqueue(check_roster_import, record.pk, apply_as)
    return record


def roster_import_queue_apply(
    record: RosterImport, *, actor, confirm_deactivations: int | None = None
) -> RosterImport:
    """Queue the apply of a checked import. When the check found it makes many people or a
    site inactive, `confirm_deactivations` must be the number of people it makes inactive."""
    from homeroom.people.tasks import apply_roster_import

    require_roster_importer(actor)
    checked = record.status == ImportStatus.CHECKED
    if checked and not confirmed(record.impact, confirm_deactivations):
        raise ValidationError({"confirm_deactivations": unconfirmed_message(record.impact)})
    with transaction.atomic():
        record = roster_import_start_apply(record)
        RosterImport.objects.filter(pk=record.pk).update(
            confirmed_deactivations=confirm_deactivations
        )
        record.confirmed_deactivations = confirm_deactivations
        enqueue(apply_roster_import, record.pk, actor.pk)
    return record


def roster_import_check_again(record: RosterImport, *, actor) -> RosterImport:
    """Check a failed import again (its worker died, or something unforeseen stopped it)."""
    from homeroom.people.tasks import check_roster_import

    require_roster_importer(actor)
    with transaction.atomic():
        record = roster_import_set_status(
            record, ImportStatus.QUEUED, errors=[], progress_done=0, progress_note=""
        )
        audit.record(
            actor=actor,
            obj=record,
            verb=AuditVerb.STATUS_CHANGED,
            changes={"status": [ImportStatus.FAILED, ImportStatus.QUEUED]},
            message="Checking the file again",
        )
        enqueue(check_roster_import, record.pk, None)
    return record


def roster_import_set_status(record: RosterImport, status: str, **fields) -> RosterImport:
    """Move an import along its lifecycle; an illegal move is a Conflict."""
    current = RosterImport.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    if status not in IMPORT_TRANSITIONS[ImportStatus(current)]:
        raise Conflict(
            f"This import is “{ImportStatus(current).label.lower()}”; it cannot be "
            f"moved to “{ImportStatus(status).label.lower()}”."
        )
    updated = RosterImport.objects.filter(pk=record.pk, status=current).update(
        status=status, **fields
    )
    if not updated:
        raise Conflict("Someone else moved this import on at the same moment.")
    record.refresh_from_db()
    return record


def _progress(record: RosterImport):
    def report(note: str, rows: int) -> None:
        RosterImport.objects.filter(pk=record.pk).update(
            progress_note=note[:200], progress_done=rows
        )

    return report


def _checker(record: RosterImport, source: RosterSource) -> Checker:
    return Checker(source, known_in_homeroom, progress=_progress(record))


def _total_rows(source: RosterSource) -> int:
    """Lines in the set, for the progress bar; a damaged member is reported by the check."""
    total = 0
    for name in source.files:
        try:
            with source.open_binary(name) as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    total += block.count(b"\n")
        except (*DAMAGED, LimitExceeded):
            continue  # the check reports it
    return max(total, 1)


def roster_import_check(record: RosterImport) -> RosterImport:
    """Read and check the whole set and work out what applying it would change (dry run)."""
    record, checker = _check(record, plan=True)
    if checker is not None:
        checker.source.close()
    return record


def roster_import_run(record: RosterImport, *, actor) -> RosterImport:
    """Check, then apply straight away from the same reading (the command line)."""
    record, checker = _check(record, plan=False)
    if checker is None:
        return record
    return roster_import_apply(roster_import_start_apply(record), actor=actor, checker=checker)


def _check(record: RosterImport, *, plan: bool) -> tuple[RosterImport, Checker | None]:
    """The import, CHECKED with its checker (source still open) or REJECTED with None."""
    record = roster_import_set_status(record, ImportStatus.CHECKING, progress_done=0)
    try:
        source = RosterSource(record.file_path)
    except SetError as error:
        return _reject(record, [error.problem]), None
    RosterImport.objects.filter(pk=record.pk).update(progress_total=_total_rows(source))
    checker = _checker(record, source)
    found = {"warnings": checker.warnings, "checked_at": timezone.now()}
    try:
        if not checker.check():
            source.close()
            return _reject(record, checker.problems, version=checker.version, **found), None
        impact = {}
        if plan:
            applier = Applier(
                checker, write=False, import_id=record.pk, whole_district=record.whole_district
            )
            counts, impact = applier.run(), applier.impact
        else:
            counts = {}
    except ApplyError as error:
        source.close()
        return _reject(record, error.problems, **found), None
    found["checked_at"] = timezone.now()
    record = roster_import_set_status(
        record,
        ImportStatus.CHECKED,
        counts=counts,
        impact=impact,
        version=checker.version,
        modes=checker.modes,
        **found,
    )
    return record, checker


def confirmed(impact: dict, confirm_deactivations: int | None) -> bool:
    """Whether an import may go ahead: it needs no confirmation, or has the right number."""
    return not impact.get("needs_confirmation") or confirm_deactivations == impact["people"]


def unconfirmed_message(impact: dict) -> str:
    """What a large deactivation does, and what to type to go ahead."""
    return f"{describe_impact(impact)} Type {impact['people']} to confirm."


def describe_impact(impact: dict) -> str:
    """What a large deactivation does, in plain words."""
    people = impact["people"]
    parts = [f"Applying this makes {people} {'person' if people == 1 else 'people'} inactive"]
    large = [row for row in impact["schools"] if row["large"]]
    if large:
        parts.append(
            ": "
            + "; ".join(
                f"{row['inactive']} of the {row['active']} at {row['site']}" for row in large
            )
        )
    if impact["sites"]:
        parts.append(
            ", and makes "
            + "; ".join(
                row["site"]
                + (
                    " (still with " + ", ".join(f"{n} {label}" for label, n in row["holds"]) + ")"
                    if row["holds"]
                    else ""
                )
                for row in impact["sites"]
            )
            + " inactive"
        )
    return "".join(parts) + "."


def roster_import_refuse(record: RosterImport, reason: str) -> RosterImport:
    """End an import that was about to be applied without changing anything."""
    return _reject(record, [f"{reason} Nothing was changed."])


def _reject(record: RosterImport, problems, **fields) -> RosterImport:
    return roster_import_set_status(
        record, ImportStatus.REJECTED, errors=[str(problem) for problem in problems], **fields
    )


def summary(counts: dict) -> str:
    """ "120 new, 8 updated, 3 made inactive" across the files of an import."""
    totals = {
        key: sum(entity.get(key, 0) for entity in counts.values() if isinstance(entity, dict))
        for key in ("created", "updated", "deactivated", "reactivated")
    }
    words = {
        "created": "new",
        "updated": "updated",
        "deactivated": "made inactive",
        "reactivated": "back again",
    }
    parts = [f"{value} {words[key]}" for key, value in totals.items() if value]
    return ", ".join(parts) or "nothing changed"


def roster_import_start_apply(record: RosterImport) -> RosterImport:
    return roster_import_set_status(
        record, ImportStatus.APPLYING, progress_done=0, progress_note="Waiting for the worker"
    )


def roster_import_apply(record: RosterImport, *, actor, checker: Checker | None = None):
    """Write the set in one transaction. Without a fresh `checker` the set is checked again
    first, against what Homeroom holds now. The import must have been started with
    `roster_import_start_apply`."""
    if checker is None:
        checker = _checker(record, RosterSource(record.file_path))
        if not checker.check():
            checker.source.close()
            return _reject(record, checker.problems, warnings=checker.warnings)
    try:
        require_roster_importer(actor)
        with transaction.atomic(), audit.interface(AuditInterface.IMPORT):
            applier = Applier(
                checker,
                write=True,
                actor=actor,
                import_id=record.pk,
                whole_district=record.whole_district,
                progress=_progress(record),
            )
            counts = applier.run()
            if not confirmed(applier.impact, record.confirmed_deactivations):
                raise Unconfirmed(applier.impact, record.confirmed_deactivations)
            record = roster_import_set_status(
                record,
                ImportStatus.APPLIED,
                counts=counts,
                impact=applier.impact,
                applied_at=timezone.now(),
                progress_note="Done",
            )
            audit.record(
                actor=actor,
                obj=record,
                verb=AuditVerb.APPLIED,
                message=summary(counts),
                changes={"counts": [None, counts]},
            )
        return record
    except ApplyError as error:
        return _reject(record, error.problems)
    except Unconfirmed as error:
        return _reject(record, [error.reason], impact=error.impact)
    except PermissionDenied as error:
        return _reject(record, [str(error)])
    finally:
        checker.source.close()


class Unconfirmed(Exception):
    """Applying would make many people or a site inactive, and that number was not confirmed
    (or no longer matches what the check found)."""

    def __init__(self, impact: dict, given: int | None):
        told = (
            "Nothing was changed."
            if given is None
            else f"You confirmed {given}; nothing was changed. Check the file again."
        )
        self.reason = f"{describe_impact(impact)} {told}"
        self.impact = impact
        super().__init__(self.reason)
