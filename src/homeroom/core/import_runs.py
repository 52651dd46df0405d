"""What the imports' background work shares: queueing a task with the change that asks for
it, telling whether the task behind a running import is still alive, and removing the files
of refused imports once they have been kept long enough.

A task is alive while its row in the task table waits to run, or runs in a worker that has
not died. Workers started by `homeroom db_worker` (core's, which `homeroom run` uses) are
named host:pid:random, so a worker on this machine whose process is gone is known dead at
once; one on another machine is taken as dead when its task has run longer than
HOMEROOM_IMPORT_STALE_MINUTES."""

import datetime
import os
import secrets
import socket
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone


def _database_backend():
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends["default"]
    return backend if isinstance(backend, DatabaseBackend) else None


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def enqueue(task, *args) -> None:
    """Queue `task(*args)`. The database backend writes the task in the caller's transaction,
    so an import never shows as queued or applying without its task; another backend is
    asked once the transaction has committed."""
    if _database_backend() is not None:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def _process_gone(worker: str) -> bool:
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False  # another machine's worker, or one not named by Homeroom
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def task_alive(task_paths: set[str], object_id: int, *, now: datetime.datetime) -> bool:
    """Whether a task of one of `task_paths` whose first argument is `object_id` is waiting
    or running in a live worker. Without the database backend nothing can be known, and the
    task is taken as alive."""
    if _database_backend() is None:
        return True
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale_before = now - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    waiting_or_running = DBTaskResult.objects.filter(
        task_path__in=task_paths,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("status", "args_kwargs", "worker_ids", "started_at")
    for status, args_kwargs, workers, started_at in waiting_or_running:
        arguments = (args_kwargs or {}).get("args") or []
        if not arguments or arguments[0] != object_id:
            continue
        if status == TaskResultStatus.READY:
            return True
        if workers and _process_gone(workers[-1]):
            continue
        if started_at is not None and started_at < stale_before:
            continue
        return True
    return False


def delete_refused_uploads(imports, folder: Path, *, now: datetime.datetime | None = None) -> int:
    """Delete the stored files of `imports` (refused or failed ones) made more than
    HOMEROOM_IMPORT_REFUSED_RETENTION_DAYS ago, and forget their paths. Only files under
    `folder`, where uploads are kept, are deleted: the command line imports files where they
    lie, and those are the user's own."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IMPORT_REFUSED_RETENTION_DAYS)
    folder = folder.resolve()
    deleted = 0
    for pk, stored in (
        imports.filter(created_at__lt=cutoff).exclude(file_path="").values_list("pk", "file_path")
    ):
        path = Path(stored)
        if not path.is_relative_to(folder) or path == folder:
            continue
        path.unlink(missing_ok=True)
        if path.parent != folder and path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()  # the upload's own folder
        imports.model.objects.filter(pk=pk).update(file_path="")
        deleted += 1
    return deleted
