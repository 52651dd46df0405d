"""Background tasks: the web page and the API queue these; `homeroom run` starts a worker."""

import logging

from django_tasks import task

from homeroom.people.choices import ImportStatus
from homeroom.people.imports import (
    roster_import_apply,
    roster_import_check,
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
            roster_import_apply(roster_import_start_apply(record), actor=actor)
    except Exception as error:
        _fail(record, error)
        raise


@task()
def apply_roster_import(import_id: int, actor_id: int | None) -> None:
    record = RosterImport.objects.get(pk=import_id)
    actor = User.objects.filter(pk=actor_id).first()
    try:
        roster_import_apply(record, actor=actor)
    except Exception as error:
        _fail(record, error)
        raise
