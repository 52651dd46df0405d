"""Background tasks of the import lifecycle: pages and the API queue these (inside the
transaction that moves the run on, core.import_runs.enqueue); `homeroom run` starts a worker."""

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

from homeroom.core import audit
from homeroom.core.choices import AuditInterface, ImportRunStatus
from homeroom.core.import_services import (
    format_of,
    import_run_apply,
    import_run_check,
    import_run_fail,
    import_run_set_status,
)
from homeroom.core.models import ImportRun

logger = logging.getLogger(__name__)


@task()
def check_import_run(run_id: int, apply_as: int | None = None) -> None:
    """Check a run; with `apply_as` (a user id), apply it as that user when it is clean."""
    run = ImportRun.objects.get(pk=run_id)
    try:
        with audit.interface(AuditInterface.IMPORT):
            run = import_run_check(run)
            if apply_as is not None and run.status == ImportRunStatus.CHECKED:
                held_back = format_of(run).held_back(run)
                if held_back:
                    ImportRun.objects.filter(pk=run.pk).update(progress_note=held_back[:200])
                    return
                actor = get_user_model().objects.filter(pk=apply_as).first()
                run = import_run_set_status(run, ImportRunStatus.APPLYING, progress_done=0)
                import_run_apply(run, actor=actor)
    except Exception as error:
        logger.exception("Import run %s failed", run.pk)
        import_run_fail(run, error)
        raise


@task()
def apply_import_run(run_id: int, actor_id: int | None) -> None:
    run = ImportRun.objects.get(pk=run_id)
    actor = get_user_model().objects.filter(pk=actor_id).first()
    try:
        with audit.interface(AuditInterface.IMPORT):
            import_run_apply(run, actor=actor)
    except Exception as error:
        logger.exception("Import run %s failed", run.pk)
        import_run_fail(run, error)
        raise
