"""The one import lifecycle, for every registered format (core.import_formats): record an
upload, take the mapping step, check the file in the background with progress, apply it in
one transaction, check it again, and recover runs whose worker died.

Applying checks the file again against what Homeroom holds at that moment, in the
transaction that writes it, so a plan that went stale is refused rather than half applied."""

import hashlib
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import IMPORT_RUN_TRANSITIONS, AuditVerb, ImportRunStatus
from homeroom.core.exceptions import Conflict, form_refusal
from homeroom.core.import_formats import (
    PREVIEW_ROWS,
    ImportFormat,
    ImportRefused,
    Plan,
    format_for,
    require_use,
    viewable_kinds,
)
from homeroom.core.import_runs import delete_refused_uploads, enqueue, task_alive
from homeroom.core.models import ImportRun
from homeroom.core.selectors import sites_for

S = ImportRunStatus
PROGRESS_SECONDS = 0.5  # the progress bar is written at most this often


# --- reads ---------------------------------------------------------------------------------


def import_runs_for(user, *, kind: str | list[str] | None = None) -> QuerySet[ImportRun]:
    """The runs of the kinds the user's role may see (of `kind` only, one or a list); for
    accounts limited to some sites, those they made and those for one of their sites."""
    kinds = viewable_kinds(user) if user.is_authenticated else []
    if kind is not None:
        wanted = {kind} if isinstance(kind, str) else set(kind)
        kinds = [found for found in kinds if found in wanted]
    runs = ImportRun.objects.filter(kind__in=kinds).select_related("created_by", "site")
    if user.is_authenticated and not user.sees_all_sites:
        runs = runs.filter(Q(created_by=user) | Q(site__in=sites_for(user).values("pk")))
    return runs


def format_of(run: ImportRun) -> ImportFormat:
    found = format_for(run.kind)
    if found is None:
        raise Conflict(f"Homeroom no longer has the “{run.kind}” import; nothing can be done.")
    return found


# --- writes --------------------------------------------------------------------------------


def import_dir(kind: str) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sha256(path: Path) -> str:
    """The fingerprint of a file, or of a folder's files (their names and contents)."""
    digest = hashlib.sha256()
    folder = path.is_dir()
    for file in sorted(item for item in path.iterdir() if item.is_file()) if folder else [path]:
        if folder:
            digest.update(file.name.encode())
        with open(file, "rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def stored_name(name: str, kind: str) -> str:
    """The uploaded file's own name where it is safe to keep, since problems name the file by
    it; each upload has a folder of its own."""
    if name in {"", ".", ".."} or any(char in name for char in "/\\\x00"):
        return f"{kind}-upload"
    return name[-200:]


def _may_use(found: ImportFormat, actor, site) -> None:
    """The actor's role must allow the format, and a site chosen must be one of theirs.
    No actor is the command line, run by whoever runs the server."""
    if actor is None:
        return
    require_use(found, actor)
    if site is not None and not sites_for(actor).filter(pk=site.pk).exists():
        raise PermissionDenied(f"You do not work at {site}; choose one of your sites.")
    found.may_use(actor, site=site)


def import_run_upload(
    *,
    actor,
    kind: str,
    upload=None,
    path: Path | str | None = None,
    site=None,
    options: dict | None = None,
    mappings: dict | None = None,
    apply: bool = False,
    queue: bool = True,
) -> ImportRun:
    """Record a file for `kind`: an `upload` (kept in the data folder) or, from the command
    line, a `path` read where it lies. Unless its format waits for the mapping step, the
    check is queued at once (`queue`), and with `apply` the run is applied as well when the
    check finds no problems."""
    found = format_for(kind)
    if found is None:
        raise Conflict(f"Homeroom has no “{kind}” import.")
    _may_use(found, actor, site)
    if upload is not None:
        folder = import_dir(kind) / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        name = Path(upload.name or kind).name
        stored = folder / stored_name(name, kind)
        with open(stored, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    else:
        stored = Path(path)
        name = stored.name
    actor_user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        run = ImportRun(
            kind=kind,
            created_by=actor_user,
            interface=audit.current_interface(),
            site=site,
            file_name=name[:255],
            file_path=str(stored.resolve()),
            file_sha256=_sha256(stored),
            options=options or {},
            mappings=mappings or {},
            status=S.UPLOADED,
        )
        run.full_clean()
        run.save()
        audit.record(
            actor=actor,
            obj=run,
            verb=AuditVerb.CREATED,
            site=site,
            message=f"Uploaded {run.file_name} ({found.label})",
        )
        if queue and not found.needs_mapping(run):
            run = _queue_check(run, apply_as=actor_user.pk if apply and actor_user else None)
    return run


def import_run_set_status(run: ImportRun, status: str, **fields) -> ImportRun:
    """Move a run along the lifecycle (core.choices); an illegal move is a Conflict."""
    current = ImportRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()
    if current is None:
        raise Conflict("This import no longer exists.")
    if status not in IMPORT_RUN_TRANSITIONS[S(current)]:
        raise Conflict(
            f"This import is “{S(current).label.lower()}”; it cannot be moved to "
            f"“{S(status).label.lower()}”."
        )
    updated = ImportRun.objects.filter(pk=run.pk, status=current).update(status=status, **fields)
    if not updated:
        raise Conflict("Someone else moved this import on at the same moment.")
    run.refresh_from_db()
    return run


def _queue_check(run: ImportRun, *, apply_as: int | None) -> ImportRun:
    from homeroom.core.import_tasks import check_import_run

    run = import_run_set_status(
        run, S.CHECKING, progress_done=0, progress_note="Waiting for the worker"
    )
    enqueue(check_import_run, run.pk, apply_as)
    return run


def import_run_set_mappings(run: ImportRun, *, actor, mappings: dict) -> ImportRun:
    """Keep the mapping step's choices and check the file again with them."""
    found = format_of(run)
    _may_use(found, actor, run.site)
    if found.mapping_form is None:
        raise Conflict(f"A {found.label} file has no mapping step.")
    with transaction.atomic():
        before = run.mappings
        mappings = found.save_mappings(run, mappings, actor=actor)
        changes = {"mappings": [before or None, mappings]}
        run = _change(run, actor, {"mappings": mappings}, changes, found.mapping_event)
        return _queue_check(run, apply_as=None)


def _change(run: ImportRun, actor, fields: dict, changes: dict, message: str) -> ImportRun:
    """Write `fields` of a run and record the change in the audit trail."""
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()
    audit.record(
        actor=actor,
        obj=run,
        verb=AuditVerb.UPDATED,
        site=run.site,
        changes=changes,
        message=message,
    )
    return run


KEEP = object()  # an option left as it is


def import_run_check_again(run: ImportRun, *, actor, site=KEEP, options=None) -> ImportRun:
    """Check a checked, refused or failed run again: after adding what it named, after its
    worker stopped, or with other options (`site`, None for none, and `options`)."""
    found = format_of(run)
    _may_use(found, actor, run.site if site is KEEP else site)
    if not run.file_path:
        raise Conflict("The file of this import is no longer kept; upload it again.")
    if found.needs_mapping(run):
        raise Conflict("Choose the mapping first.")
    changes, fields = {}, {}
    if site is not KEEP and site != run.site:
        changes["site"] = [str(run.site or ""), str(site or "")]
        fields["site"] = site
    if options is not None:
        merged = {**run.options, **options}
        for name, value in options.items():
            if run.options.get(name, "") != value:
                changes[name] = [run.options.get(name, ""), value]
        if merged != run.options:
            fields["options"] = merged
    with transaction.atomic():
        if fields:
            run = _change(run, actor, fields, changes, "Options changed")
        return _queue_check(run, apply_as=None)


def import_run_queue_apply(run: ImportRun, *, actor, answers=None) -> ImportRun:
    """Queue the apply of a checked run. A format whose Apply comes with a form (a typed
    confirmation) needs its `answers`, which are kept with the run's options."""
    from homeroom.core.import_tasks import apply_import_run

    found = format_of(run)
    _may_use(found, actor, run.site)
    form = found.apply_form(run, answers or {})
    kept = {}
    if form is not None:
        if not form.is_valid():
            raise form_refusal(form)
        kept = found.apply_answers(run, form.cleaned_data)
    with transaction.atomic():
        run = import_run_set_status(
            run, S.APPLYING, progress_done=0, progress_note="Waiting for the worker"
        )
        if kept:
            ImportRun.objects.filter(pk=run.pk).update(options={**run.options, **kept})
            run.refresh_from_db()
        enqueue(apply_import_run, run.pk, actor.pk if actor is not None else None)
    return run


def _progress(run: ImportRun):
    """Write the run's progress at most every PROGRESS_SECONDS, and at each new step."""
    last = {"at": 0.0, "step": ""}

    def report(done: int, total: int, note: str) -> None:
        now, step = time.monotonic(), note.split(" ", 1)[0]
        if now - last["at"] < PROGRESS_SECONDS and step == last["step"] and done < total:
            return
        last.update(at=now, step=step)
        ImportRun.objects.filter(pk=run.pk).update(
            progress_done=min(done, total), progress_total=total, progress_note=note[:200]
        )

    return report


def _found(plan: Plan) -> dict:
    return {
        "rows": plan.rows,
        "counts": plan.counts,
        "problems": plan.problems,
        "warnings": plan.warnings,
        "preview": plan.changes[:PREVIEW_ROWS],
        "preview_total": max(plan.changes_total, len(plan.changes)),
        "details": plan.details,
    }


class _Prepared:
    """What a format read before the checking started (`ImportFormat.prepare`), and the
    progress report the check goes on with."""

    def __init__(self, run: ImportRun, found: ImportFormat):
        self.report = _progress(run)
        self.total = max(found.count(run.file_path), 1)
        run.progress_total = self.total
        self.report(0, self.total, "Reading the file")
        self.data = found.prepare(run, run.file_path, progress=self.report)


def _plan(run: ImportRun, found: ImportFormat, *, actor, prepared: _Prepared) -> Plan:
    extra = {"prepared": prepared.data} if prepared.data is not None else {}
    plan = found.check(run, run.file_path, actor=actor, progress=prepared.report, **extra)
    plan.rows = plan.rows or prepared.total
    return plan


def import_run_check(run: ImportRun) -> ImportRun:
    """Read and check the whole file, as the person who uploaded it, and keep what applying
    it would change. Writes nothing but the run."""
    found = format_of(run)
    if run.status != S.CHECKING:
        raise Conflict("This import is not waiting to be checked.")
    plan = _plan(run, found, actor=run.created_by, prepared=_Prepared(run, found))
    status = S.REJECTED if plan.problems else S.CHECKED
    return import_run_set_status(
        run, status, checked_at=timezone.now(), progress_note="", **_found(plan)
    )


def import_run_check_here(run: ImportRun, *, apply: bool, actor) -> ImportRun:
    """Check an uploaded run in this process (the command line); with `apply`, apply it as
    `actor` straight away instead, in one reading of the file: applying checks it again
    anyway, and refuses it when it finds problems."""
    run = import_run_set_status(run, S.CHECKING)
    if not apply:
        return import_run_check(run)
    return import_run_apply(import_run_set_status(run, S.APPLYING), actor=actor)


class _Refused(Exception):
    def __init__(self, plan: Plan):
        self.plan = plan


def import_run_apply(run: ImportRun, *, actor) -> ImportRun:
    """Check the file again against Homeroom as it is now and write it in one transaction,
    together with the run's new status and its audit event. The run must be "applying"."""
    found = format_of(run)
    if run.status != S.APPLYING:
        raise Conflict("This import is not waiting to be applied.")
    try:
        _may_use(found, actor, run.site)  # the role may have changed since Apply was asked
    except PermissionDenied as error:
        return import_run_set_status(run, S.REJECTED, progress_note="", problems=[str(error)])
    # What a format reads without looking at Homeroom is read before the transaction, so the
    # progress it reports is seen; the check against Homeroom and the writing are one step.
    prepared = _Prepared(run, found)
    try:
        with transaction.atomic():
            plan = _plan(run, found, actor=actor, prepared=prepared)
            if plan.problems:
                raise _Refused(plan)
            counts = found.apply(run, plan, actor=actor)
            plan.counts = counts if counts is not None else plan.counts
            done = import_run_set_status(
                run,
                S.APPLIED,
                applied_at=timezone.now(),
                applied_by=actor if actor is not None and actor.is_authenticated else None,
                progress_note="Done",
                **_found(plan),
            )
            audit.record(
                actor=actor,
                obj=done,
                verb=AuditVerb.APPLIED,
                site=done.site,
                message=found.applied_message(done) or f"Applied {done.file_name} ({found.label})",
                changes={"counts": [None, plan.counts]},
            )
    except _Refused as refused:
        return import_run_set_status(
            run, S.REJECTED, checked_at=timezone.now(), progress_note="", **_found(refused.plan)
        )
    except ImportRefused as refused:
        return import_run_set_status(
            run,
            S.REJECTED,
            progress_note="",
            problems=refused.problems,
            details={**run.details, **refused.details},
        )
    except IntegrityError as error:
        problem = (
            f"{run.file_name}:0: database: Homeroom changed while the file was applied "
            f"({error}); nothing was changed, check it again"
        )
        return import_run_set_status(run, S.REJECTED, progress_note="", problems=[problem])
    return done


def import_run_fail(run: ImportRun, error: Exception) -> None:
    """What a background task records when something it did not foresee stopped it."""
    ImportRun.objects.filter(pk=run.pk).update(
        status=S.FAILED, problems=[f"Homeroom could not finish: {error}"], progress_note=""
    )


TASKS = {
    "homeroom.core.import_tasks.check_import_run",
    "homeroom.core.import_tasks.apply_import_run",
}
STOPPED = (
    "Homeroom stopped while {doing} this file (its background worker was stopped or ran out "
    "of memory). Nothing was changed. Check it again; if it stops again, tell your Homeroom "
    "administrator."
)
DOING = {S.CHECKING: "checking", S.APPLYING: "applying"}


def import_runs_recover(*, now=None) -> str:
    """Mark failed the runs checking or applying whose task has died, so they can be checked
    again. Applying writes in one transaction, so a run that died applying changed nothing."""
    now = now or timezone.now()
    failed = 0
    for run in ImportRun.objects.filter(status__in=DOING).select_related("site"):
        if task_alive(TASKS, run.pk, now=now):
            continue
        with transaction.atomic():
            message = STOPPED.format(doing=DOING[run.status])
            moved = ImportRun.objects.filter(pk=run.pk, status=run.status).update(
                status=S.FAILED, problems=[message], progress_note=""
            )
            if moved:
                audit.record(
                    actor=None,
                    obj=run,
                    verb=AuditVerb.STATUS_CHANGED,
                    site=run.site,
                    changes={"status": [run.status, S.FAILED]},
                    message=message,
                )
                failed += 1
    return f"{failed} stopped import runs marked failed"


def import_runs_delete_refused(*, now=None) -> str:
    refused = ImportRun.objects.filter(status__in=[S.REJECTED, S.FAILED])
    deleted = 0
    for kind in refused.values_list("kind", flat=True).distinct():
        deleted += delete_refused_uploads(refused.filter(kind=kind), import_dir(kind), now=now)
    return f"{deleted} files of refused import runs deleted"
