"""Background tasks: the web page and the API queue these; `homeroom run` starts a worker."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.import_runs import delete_refused_uploads, task_alive
from homeroom.people.choices import ImportStatus
from homeroom.people.imports import (
    confirmed,
    import_dir,
    roster_import_apply,
    roster_import_check,
    roster_import_refuse,
    roster_import_start_apply,
)
from homeroom.people.models import RosterImport, User

logger = logging.getLogger(__name__)


def _fail(record: RosterImport, error: Exception) -> None:
    logger.exception("Roster import %s failed", record.pk)
    RosterImport.objects.filter(pk=record.pk).update(
        status=ImportStatus.FAILED, errors=[f"Homeroom could not finish: {error}"]
    )


@task()
def check_roster_import(import_id: int, apply_as: int | None = None) -> None:
    """Check an import; with `apply_as` (a user id), apply it as that user when clean."""
    record = RosterImport.objects.get(pk=import_id)
    try:
        record = roster_import_check(record)
        if apply_as is not None and record.status == ImportStatus.CHECKED:
            actor = User.objects.filter(pk=apply_as).first()
            if actor is None:
                return  # the account is gone; the checked import waits for someone else
            if not confirmed(record.impact, record.confirmed_deactivations):
                people = record.impact["people"]
                RosterImport.objects.filter(pk=record.pk).update(
                    progress_note=f"Not applied: it makes {people} people inactive. "
                    f"Apply it again confirming {people}."
                )
                return
            roster_import_apply(roster_import_start_apply(record), actor=actor)
    except Exception as error:
        _fail(record, error)
        raise


@task()
def apply_roster_import(import_id: int, actor_id: int | None) -> None:
    record = RosterImport.objects.get(pk=import_id)
    actor = User.objects.filter(pk=actor_id).first()
    try:
        if actor is None:
            roster_import_refuse(record, "The account that asked for this import no longer exists.")
            return
        roster_import_apply(record, actor=actor)
    except Exception as error:
        _fail(record, error)
        raise


TASKS = {
    "homeroom.people.tasks.check_roster_import",
    "homeroom.people.tasks.apply_roster_import",
}
STOPPED = (
    "Homeroom stopped while {doing} this roster (its background worker was stopped or ran "
    "out of memory). Nothing was changed. Check it again; if it stops again, tell your "
    "Homeroom administrator."
)
DOING = {
    ImportStatus.QUEUED: "waiting to check",
    ImportStatus.CHECKING: "checking",
    ImportStatus.APPLYING: "applying",
}


def roster_imports_recover(*, now=None) -> str:
    """Mark failed the imports waiting, checking or applying whose task has died, so they
    can be checked and applied again. Applying writes in one transaction, so an import whose
    worker died while applying changed nothing."""
    now = now or timezone.now()
    failed = 0
    for record in RosterImport.objects.filter(status__in=DOING):
        if task_alive(TASKS, record.pk, now=now):
            continue
        with transaction.atomic():
            message = STOPPED.format(doing=DOING[record.status])
            moved = RosterImport.objects.filter(pk=record.pk, status=record.status).update(
                status=ImportStatus.FAILED, errors=[message], progress_note=""
            )
            if moved:
                audit.record(
                    actor=None,
                    obj=record,
                    verb=AuditVerb.STATUS_CHANGED,
                    changes={"status": [record.status, ImportStatus.FAILED]},
                    message=message,
                )
                failed += 1
    return f"{failed} stopped imports marked failed"


def roster_imports_delete_refused(*, now=None) -> str:
    refused = RosterImport.objects.filter(status__in=[ImportStatus.REJECTED, ImportStatus.FAILED])
    deleted = delete_refused_uploads(refused, import_dir(), now=now)
    return f"{deleted} files of refused imports deleted"
