"""An import whose worker is killed (kill -9) while applying: nothing was written, the next
worker marks the import failed at start, and checking and applying it again succeeds.

Real processes on a SQLite file of their own: `homeroom db_worker` runs the tasks, and small
scripts stand for the technician's clicks (core's import services, which the pages call)."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROWS = 8_000
SETUP = """
from django.core.files import File
from homeroom.core.models import Site
from homeroom.core.import_services import import_run_upload
from homeroom.people.models import User

Site.objects.create(name="North Elementary", code="NES")
admin = User.objects.create_superuser("admin", "admin@example.org", "x")
with open({path!r}, "rb") as handle:
    import_run_upload(actor=admin, upload=File(handle, "devices.csv"), kind="google-devices")
"""
APPLY = """
from homeroom.core.import_services import import_run_queue_apply
from homeroom.core.models import ImportRun
from homeroom.people.models import User

import_run_queue_apply(ImportRun.objects.get(), actor=User.objects.get())
"""
CHECK_AGAIN = """
from homeroom.core.import_services import import_run_check_again
from homeroom.core.models import ImportRun
from homeroom.people.models import User

import_run_check_again(ImportRun.objects.get(), actor=User.objects.get())
"""


@pytest.fixture
def homeroom(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        HOMEROOM_DATA_DIR=str(tmp_path),
        HOMEROOM_SECRET_KEY="recovery-test",
        DJANGO_SETTINGS_MODULE="homeroom.settings",
    )
    workers: list[subprocess.Popen] = []

    def command(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "homeroom.cli", *args], env=env, cwd=tmp_path, check=True
        )

    def script(code: str) -> None:
        subprocess.run([sys.executable, "-c", PRELUDE + code], env=env, cwd=tmp_path, check=True)

    def worker() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(workers)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "homeroom.cli", "db_worker", "--interval", "0.1"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append(process)
        return process

    yield command, script, worker
    for process in workers:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


PRELUDE = "import django\ndjango.setup()\n"


def query(database: Path, sql: str):
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(sql).fetchone()


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)
    return found


def write_locked(database: Path) -> bool:
    """Whether another process is in the middle of a write transaction."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


@pytest.mark.own_clock
def test_a_worker_killed_while_applying_leaves_nothing_and_the_import_is_applied_again(
    homeroom, tmp_path
):
    command, script, worker = homeroom
    database = tmp_path / "homeroom.sqlite3"
    devices = tmp_path / "devices.csv"
    with open(devices, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["serialNumber", "annotatedAssetId", "annotatedLocation", "model"])
        for n in range(ROWS):
            writer.writerow([f"SN{n:06d}", f"NES-{n:06d}", "NES", "Acer Chromebook 311"])
    command("migrate", "--verbosity", "0")
    script(SETUP.format(path=str(devices)))

    def status() -> str:
        return query(database, "SELECT status FROM core_importrun")[0]

    checker = worker()
    wait_for(lambda: status() == "checked", "the check")
    # The apply is queued while no worker runs: a worker already waiting could take it and
    # finish before this test sees it start.
    os.kill(checker.pid, signal.SIGKILL)
    checker.wait(timeout=10)
    script(APPLY)
    first = worker()
    wait_for(
        lambda: query(database, "SELECT progress_note FROM core_importrun")[0].startswith("Read "),
        "the rows to be read",
    )
    wait_for(lambda: write_locked(database), "the apply's transaction to start")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    assert status() == "applying"
    assert query(database, "SELECT count(*) FROM devices_device")[0] == 0
    assert query(database, "SELECT count(*) FROM devices_devicemodel")[0] == 0

    second = worker()
    wait_for(lambda: status() == "failed", "the new worker to mark the import failed", 30)
    errors = query(database, "SELECT problems FROM core_importrun")[0]
    assert "Homeroom stopped while applying this file" in errors
    assert "Nothing was changed. Check it again" in errors
    assert query(database, "SELECT count(*) FROM devices_device")[0] == 0

    script(CHECK_AGAIN)
    wait_for(lambda: status() == "checked", "the second check")
    script(APPLY)
    wait_for(lambda: status() == "applied", "the second apply", 120)
    assert query(database, "SELECT count(*) FROM devices_device")[0] == ROWS
    assert second.poll() is None
