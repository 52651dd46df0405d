"""Writes for provisioning exports: starting one (a record queued for the worker), running
it (the zip kept under the data dir, the Canvas baseline replaced), the command line's
folder (the same run, without the record), and deleting old zips.

A Canvas export of a scope keeps fingerprints of its rows (models.ProvisioningBaseline);
a diff export writes only rows new or changed since then, and rows gone as `deleted`. The
first diff of a scope has nothing to compare with and writes everything."""

import datetime
import logging
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.selectors import sites_for
from homeroom.software import provisioning
from homeroom.software.choices import EXPORT_TRANSITIONS, ExportStatus
from homeroom.software.models import ProvisioningBaseline, ProvisioningExport

logger = logging.getLogger(__name__)

PERMISSION = "software.export_provisioning"


def retention_days() -> int:
    """How long a finished export's zip is kept (HOMEROOM_PROVISIONING_RETENTION_DAYS)."""
    return int(os.environ.get("HOMEROOM_PROVISIONING_RETENTION_DAYS", "7"))


def folder() -> Path:
    return Path(settings.DATA_DIR) / "provisioning"


def prepare(kind: str, scope: provisioning.Scope, *, diff: bool) -> provisioning.Scope:
    """Give a Canvas scope its fingerprints: empty for a full export, the baseline's for a
    diff (none kept yet: a full one). Other formats have no diffing."""
    if kind != "canvas":
        if diff:
            raise ValidationError({"diff": "Only Canvas files can hold only what changed."})
        return scope
    previous = None
    if diff:
        baseline = (
            ProvisioningBaseline.objects.filter(scope_key=scope.key).only("fingerprints").first()
        )
        if baseline is not None:
            previous = provisioning.Fingerprints.load(baseline.fingerprints)
    scope.fingerprints = provisioning.Fingerprints(previous)
    return scope


def keep_baseline(scope: provisioning.Scope, *, actor) -> None:
    """The rows just written become what the next diff of this scope compares with."""
    if scope.fingerprints is None:
        return
    ProvisioningBaseline.objects.update_or_create(
        scope_key=scope.key,
        defaults={
            "site": scope.site,
            "term": scope.term,
            "fingerprints": scope.fingerprints.dump(),
            "rows": scope.fingerprints.rows,
            "made_at": timezone.now(),
            "made_by": actor if actor is not None and actor.is_authenticated else None,
        },
    )


def write_folder(kind: str, scope: provisioning.Scope, out, *, actor=None, diff=False) -> dict:
    """The command line's export: the same preparation and baseline as a background run,
    written as a folder of CSVs."""
    prepare(kind, scope, diff=diff)
    counts = provisioning.write_folder(kind, scope, out)
    keep_baseline(scope, actor=actor)
    return counts


def _check_scope(actor, site) -> None:
    if actor is None:
        return
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied("You may not export provisioning files.")
    if site is None and not actor.sees_all_sites:
        raise PermissionDenied("Only people who work at every school export the district.")
    if site is not None and not sites_for(actor).filter(pk=site.pk).exists():
        raise PermissionDenied(f"You do not work at {site}.")


@transaction.atomic
def export_start(*, actor, kind: str, site=None, term=None, diff: bool = False):
    """Queue an export of `kind` for `site` (None: the district) and `term`."""
    from homeroom.core.import_runs import enqueue
    from homeroom.software.tasks import run_provisioning_export

    _check_scope(actor, site)
    if kind not in provisioning.FORMATS:
        raise ValidationError({"format": f"Choose {', '.join(provisioning.FORMATS)}."})
    if diff and kind != "canvas":
        raise ValidationError({"diff": "Only Canvas files can hold only what changed."})
    export = ProvisioningExport(
        kind=kind,
        site=site,
        term=term,
        diff=diff,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
    )
    export.full_clean()
    export.save()
    audit.record(
        actor=actor,
        obj=export,
        verb=AuditVerb.CREATED,
        site=site,
        changes={"kind": [None, kind], "diff": [None, diff]},
    )
    enqueue(run_provisioning_export, export.pk)
    return export


def _move(export: ProvisioningExport, status: str, **fields) -> None:
    if status not in EXPORT_TRANSITIONS[ExportStatus(export.status)]:
        raise Conflict(f"An export that is {export.get_status_display().lower()} cannot move on.")
    export.status = status
    for name, value in fields.items():
        setattr(export, name, value)
    ProvisioningExport.objects.filter(pk=export.pk).update(status=status, **fields)


def export_run(export: ProvisioningExport) -> ProvisioningExport:
    """Write the export's zip, reporting progress on the record, and keep the Canvas
    baseline. Run by the worker; an error marks the export failed."""
    export = ProvisioningExport.objects.select_related("site", "term", "requested_by").get(
        pk=export.pk
    )
    _move(export, ExportStatus.RUNNING)
    scope = prepare(
        export.kind, provisioning.Scope(site=export.site, term=export.term), diff=export.diff
    )
    total = provisioning.Scope(site=export.site, term=export.term)
    estimate = total.people().count() + total.enrollments().count() + 2 * total.classes().count()
    ProvisioningExport.objects.filter(pk=export.pk).update(
        progress_total=estimate,
        full_instead=export.diff and not scope.fingerprints.diffing,
    )
    target = folder() / str(export.pk)
    target.mkdir(parents=True, exist_ok=True)
    where = export.site.code if export.site is not None else "district"
    path = target / f"{export.kind}-{where}.zip"

    def progress(done: int) -> None:
        ProvisioningExport.objects.filter(pk=export.pk).update(progress_done=done)

    try:
        counts = provisioning.write_zip(export.kind, scope, path, progress=progress)
        with transaction.atomic():
            keep_baseline(scope, actor=export.requested_by)
            _move(
                export,
                ExportStatus.DONE,
                counts=counts,
                problems=scope.problems[:200],
                rows_written=sum(counts.values()),
                progress_done=sum(counts.values()),
                file_path=str(path),
                finished_at=timezone.now(),
            )
    except Exception as error:
        shutil.rmtree(target, ignore_errors=True)
        export_fail(export, error)
        raise
    return export


def export_fail(export: ProvisioningExport, error: Exception) -> None:
    export.refresh_from_db()
    if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        _move(export, ExportStatus.FAILED, error=str(error)[:500], finished_at=timezone.now())


TASK = "homeroom.software.tasks.run_provisioning_export"
STOPPED = (
    "Homeroom stopped while writing these files (its background worker was stopped or ran "
    "out of memory). Start the export again."
)


def exports_recover(now: datetime.datetime | None = None) -> str:
    """Mark failed the exports queued or running whose task has died, so none waits for
    ever; what a stopped one had written is removed."""
    from homeroom.core.import_runs import task_alive

    now = now or timezone.now()
    failed = 0
    waiting = (ExportStatus.QUEUED, ExportStatus.RUNNING)
    for export in ProvisioningExport.objects.filter(status__in=waiting).select_related("site"):
        if task_alive({TASK}, export.pk, now=now):
            continue
        with transaction.atomic():
            moved = ProvisioningExport.objects.filter(pk=export.pk, status=export.status).update(
                status=ExportStatus.FAILED, error=STOPPED, finished_at=now
            )
            if moved:
                audit.record(
                    actor=None,
                    obj=export,
                    verb=AuditVerb.STATUS_CHANGED,
                    site=export.site,
                    changes={"status": [export.status, ExportStatus.FAILED]},
                    message=STOPPED,
                )
                failed += 1
        if moved:
            shutil.rmtree(folder() / str(export.pk), ignore_errors=True)
    return f"{failed} stopped provisioning export{'s' if failed != 1 else ''} marked failed"


def exports_delete_old(now: datetime.datetime | None = None) -> str:
    """Delete the zips of exports finished more than the retention ago (the record stays)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    root = folder().resolve()
    deleted = 0
    old = ProvisioningExport.objects.filter(finished_at__lt=cutoff).exclude(file_path="")
    for pk, stored in old.values_list("pk", "file_path"):
        path = Path(stored).resolve()
        if path.is_relative_to(root) and path.parent != root:
            shutil.rmtree(path.parent, ignore_errors=True)
        ProvisioningExport.objects.filter(pk=pk).update(file_path="")
        deleted += 1
    return f"{deleted} provisioning export{'s' if deleted != 1 else ''} deleted"
