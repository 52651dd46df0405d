"""Roster imports whose worker died are marked failed by `homeroom sweep` and can be checked
and applied again from their page; refused uploads are deleted after the retention period.
(The devices app's test_import_recovery kills a real worker with kill -9.)"""

import datetime
import io
import socket
import subprocess
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homeroom.core import roles
from homeroom.core.import_services import import_run_check_again, import_run_set_status
from homeroom.core.models import ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.people.models import Person
from homeroom.people.tests.oneroster_sets import SAMPLE, copy_sample, roster_runs, zip_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def admin(users, client_as):
    return client_as(users[roles.DISTRICT_ADMIN])


def sample_zip(replace: dict[str, bytes] | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            archive.writestr(path.name, (replace or {}).get(path.name, path.read_bytes()))
    return SimpleUploadedFile("sis-export.zip", buffer.getvalue())


def checked_then_applying(admin, capture) -> ImportRun:
    with capture(execute=True):
        admin.post("/imports/oneroster/new/", {"file": sample_zip()})
    run_queued_tasks()
    record = roster_runs().get()
    assert record.status == "checked"
    with capture(execute=True):
        admin.post(f"/imports/oneroster/{record.pk}/apply/")
    record.refresh_from_db()
    assert record.status == "applying"
    return record


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def sweep() -> str:
    out = StringIO()
    call_command("sweep", stdout=out)
    return out.getvalue()


def test_an_apply_whose_worker_died_is_failed_by_the_sweep_and_applied_again(
    admin, django_capture_on_commit_callbacks
):
    record = checked_then_applying(admin, django_capture_on_commit_callbacks)
    task = DBTaskResult.objects.get(task_path="homeroom.core.import_tasks.apply_import_run")
    task.claim(f"{socket.gethostname()}:{dead_pid()}:a1b2")

    assert "Import runs: 1 stopped import runs marked failed" in sweep()
    record.refresh_from_db()
    assert record.status == "failed" and Person.objects.count() == 0
    page = admin.get(record.get_absolute_url()).content.decode()
    assert "Homeroom stopped while applying this file" in page
    assert "Check again" in page

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/imports/oneroster/{record.pk}/check/")
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "checked" and record.problems == []
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/imports/oneroster/{record.pk}/apply/")
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "applied" and Person.objects.count() == 20


def test_only_a_district_admin_checks_a_failed_import_again(
    users, admin, django_capture_on_commit_callbacks
):
    """Even an account of some schools that was given the import permission by hand."""
    record = checked_then_applying(admin, django_capture_on_commit_callbacks)
    record = import_run_set_status(record, "failed", problems=["The worker stopped."])
    technician = users[roles.TECHNICIAN]
    technician.user_permissions.add(Permission.objects.get(codename="add_rosterimport"))
    technician = type(technician).objects.get(pk=technician.pk)  # no cached permissions
    assert technician.has_perm("people.add_rosterimport")

    with pytest.raises(PermissionDenied, match="Only a district admin"):
        import_run_check_again(record, actor=technician)
    record.refresh_from_db()
    assert record.status == "failed"


def test_a_task_still_at_work_or_waiting_is_left_alone(
    settings, admin, django_capture_on_commit_callbacks
):
    record = checked_then_applying(admin, django_capture_on_commit_callbacks)
    assert "0 stopped import runs" in sweep()  # the task waits for a worker
    task = DBTaskResult.objects.get(task_path="homeroom.core.import_tasks.apply_import_run")
    task.claim("another-machine:123:ab")
    assert "0 stopped import runs" in sweep()  # a worker elsewhere, started just now
    record.refresh_from_db()
    assert record.status == "applying"
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1)
    )
    assert "1 stopped import runs" in sweep()  # past the time any import takes
    record.refresh_from_db()
    assert record.status == "failed"


def test_refused_uploads_are_deleted_after_the_retention_period(
    settings, admin, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_REFUSED_RETENTION_DAYS = 30
    broken = (SAMPLE / "users.csv").read_bytes().replace(b'"GN 03"', b'""')
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            admin.post("/imports/oneroster/new/", {"file": sample_zip({"users.csv": broken})})
    run_queued_tasks()
    old, recent = roster_runs().order_by("pk")
    assert old.status == recent.status == "rejected"
    folder = copy_sample(tmp_path)
    (folder / "users.csv").write_bytes(broken)
    command_line_set = zip_set(folder, tmp_path / "mine.zip")
    with pytest.raises(SystemExit):
        call_command("import", "oneroster", str(command_line_set), stdout=StringIO())
    mine = roster_runs().latest("pk")
    assert mine.status == "rejected"
    long_ago = timezone.now() - datetime.timedelta(days=31)
    roster_runs().filter(pk__in=[old.pk, mine.pk]).update(created_at=long_ago)

    assert "Refused import files: 1 files of refused import runs deleted" in sweep()
    old.refresh_from_db()
    assert old.file_path == ""
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*.zip")) == [Path(recent.file_path)]
    assert command_line_set.exists()  # the command line's own file is the user's
    assert "0 files" in sweep()
