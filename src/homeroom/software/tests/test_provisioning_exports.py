"""Canvas's diffing mode (only what changed since the last export) and provisioning
exports run in the background: the record, its progress page, the download, the API and
the command line, the old zips swept away."""

import csv
import datetime
import io
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import run_queued_tasks
from homeroom.people.models import Enrollment, Person
from homeroom.software import exports, provisioning
from homeroom.software.models import ProvisioningBaseline, ProvisioningExport
from homeroom.software.tests.test_provisioning import SAMPLE, import_roster, read


@pytest.fixture
def roster(db):
    import_roster(SAMPLE)
    assert Enrollment.objects.exists()


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def canvas(folder: Path, *, diff: bool) -> provisioning.Scope:
    scope = provisioning.Scope()
    exports.write_folder("canvas", scope, folder, diff=diff)
    return scope


def rows_of(folder: Path) -> dict[str, list[dict]]:
    return {name: read(folder, name) for name in provisioning.CANVAS}


def test_a_diff_holds_exactly_the_renamed_student_and_the_dropped_enrollment(roster, tmp_path):
    first = canvas(tmp_path / "first", diff=True)
    assert not first.fingerprints.diffing  # nothing to compare with: every row
    assert first.counts["enrollments.csv"] > 1
    assert ProvisioningBaseline.objects.get(scope_key="site=district:term=all").rows > 0

    unchanged = canvas(tmp_path / "same", diff=True)
    assert unchanged.fingerprints.diffing and set(unchanged.counts.values()) == {0}

    student = Person.objects.filter(kind="student").exclude(username="").order_by("pk").first()
    Person.objects.filter(pk=student.pk).update(given_name="Renamed")
    dropped = (
        Enrollment.objects.filter(is_active=True, role="student")
        .select_related("school_class", "person")
        .order_by("pk")
        .last()
    )
    Enrollment.objects.filter(pk=dropped.pk).update(is_active=False)

    canvas(tmp_path / "diff", diff=True)
    files = rows_of(tmp_path / "diff")
    assert files["courses.csv"] == [] and files["sections.csv"] == []
    assert files["users.csv"] == [
        {
            "user_id": student.sourced_id,
            "login_id": student.username,
            "first_name": "Renamed",
            "last_name": student.family_name,
            "email": student.email,
            "status": "active",
        }
    ]
    course = dropped.school_class.sourced_id
    assert files["enrollments.csv"] == [
        {
            "course_id": course,
            "section_id": course + "-s",
            "user_id": dropped.person.sourced_id,
            "role": "student",
            "status": "deleted",
        }
    ]
    # The diff became the baseline: the same roster again holds nothing.
    again = canvas(tmp_path / "again", diff=True)
    assert set(again.counts.values()) == {0}


def test_a_person_gone_is_written_deleted_with_the_columns_canvas_requires(roster, tmp_path):
    canvas(tmp_path / "first", diff=False)
    gone = (
        Person.objects.filter(enrollments__is_active=True, enrollments__role="teacher")
        .exclude(username="")
        .order_by("pk")
        .first()
    )
    Person.objects.filter(pk=gone.pk).update(is_active=False)
    scope = canvas(tmp_path / "diff", diff=True)
    users = read(tmp_path / "diff", "users.csv")
    assert {"user_id": gone.sourced_id, "login_id": gone.username, "status": "deleted"}.items() <= (
        users[0].items()
    )
    assert len(users) == 1 and scope.deleted["users.csv"] == 1
    enrollments = read(tmp_path / "diff", "enrollments.csv")
    assert enrollments and {row["status"] for row in enrollments} == {"deleted"}
    assert {row["user_id"] for row in enrollments} == {gone.sourced_id}


def test_a_diff_is_kept_per_scope_and_only_for_canvas(roster, tmp_path, sites):
    canvas(tmp_path / "district", diff=True)
    school = provisioning.Scope(site=sites[0])
    exports.write_folder("canvas", school, tmp_path / "school", diff=True)
    assert not school.fingerprints.diffing  # the district's baseline is not the school's
    with pytest.raises(Exception, match="Only Canvas"):
        exports.write_folder("oneroster", provisioning.Scope(), tmp_path / "or", diff=True)


def test_the_preview_says_when_a_first_diff_is_a_full_export(roster, users, client_as, tmp_path):
    client = client_as(users[roles.DISTRICT_ADMIN])
    page = client.get("/apps/provisioning/?format=canvas&diff=1")
    assert "No earlier Canvas export" in page.text
    assert not ProvisioningBaseline.objects.exists()  # a preview keeps nothing
    canvas(tmp_path, diff=False)
    page = client.get("/apps/provisioning/?format=canvas&diff=1")
    assert "No earlier Canvas export" not in page.text and "none gone" in page.text


def test_the_command_line_diff(roster, tmp_path):
    out = io.StringIO()
    call_command("provisioning", "canvas", "--out", str(tmp_path / "a"), "--diff", stdout=out)
    assert "every row is written" in out.getvalue()
    Enrollment.objects.filter(pk=Enrollment.objects.order_by("pk").first().pk).update(
        is_active=False
    )
    out = io.StringIO()
    call_command("provisioning", "canvas", "--out", str(tmp_path / "b"), "--diff", stdout=out)
    assert "enrollments.csv: 1 rows (1 deleted)" in out.getvalue()
    assert "users.csv: 0 rows" in out.getvalue()


def test_an_export_runs_in_the_background_and_is_downloaded(roster, users, client_as, data_dir):
    admin = users[roles.DISTRICT_ADMIN]
    client = client_as(admin)
    started = client.post("/apps/provisioning/start/", {"format": "canvas", "diff": "1"})
    export = ProvisioningExport.objects.get()
    assert started.status_code == 302 and started["Location"] == export.get_absolute_url()
    assert export.status == "queued" and export.requested_by == admin
    page = client.get(export.get_absolute_url(), headers={"HX-Request": "true"})
    assert "hx-trigger" in page.text and "Waiting for the worker" in page.text
    assert client.get(f"{export.get_absolute_url()}download/").status_code == 404

    assert run_queued_tasks() == 1
    export.refresh_from_db()
    assert export.status == "done" and export.full_instead
    assert export.rows_written == sum(export.counts.values()) > 0
    assert Path(export.file_path).is_relative_to(data_dir)
    page = client.get(export.get_absolute_url())
    assert "Download the files" in page.text and "every 1s" not in page.text
    assert "No earlier Canvas export" in page.text
    got = client.get(f"{export.get_absolute_url()}download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(got.streaming_content)))
    enrollments = list(csv.DictReader(io.StringIO(archive.read("enrollments.csv").decode())))
    assert len(enrollments) == export.counts["enrollments.csv"]
    assert AuditEvent.objects.filter(object_repr=str(export), verb="created").exists()

    # The next diff has the first to compare with.
    client.post("/apps/provisioning/start/", {"format": "canvas", "diff": "1"})
    run_queued_tasks()
    second = ProvisioningExport.objects.order_by("-pk").first()
    assert second.status == "done" and not second.full_instead and second.rows_written == 0


def test_exports_are_refused_and_hidden_from_those_who_may_not(
    roster, users, client_as, sites, data_dir
):
    tech, teacher = users[roles.TECHNICIAN], users[roles.TEACHER]
    # A technician limited to a school may not export the district or another school.
    refused = client_as(tech).post("/apps/provisioning/start/", {"format": "canvas"})
    assert refused.status_code == 403
    other = client_as(tech).post(
        "/apps/provisioning/start/", {"format": "canvas", "site": sites[1].pk}
    )
    assert other.status_code == 403
    assert (
        client_as(teacher).post("/apps/provisioning/start/", {"format": "canvas"}).status_code
        == 403
    )
    assert not ProvisioningExport.objects.exists()
    # The district's export is not theirs to see or download.
    export = exports.export_start(actor=users[roles.DISTRICT_ADMIN], kind="canvas")
    run_queued_tasks()
    for user in (tech, teacher):
        client = client_as(user)
        assert client.get(export.get_absolute_url()).status_code in (403, 404)
        assert client.get(f"{export.get_absolute_url()}download/").status_code in (403, 404)
    mine = client_as(tech).post(
        "/apps/provisioning/start/", {"format": "canvas", "site": sites[0].pk}
    )
    assert mine.status_code == 302


def test_the_export_api_starts_polls_and_downloads(roster, users, api_client_as, sites, data_dir):
    admin = api_client_as(users[roles.DISTRICT_ADMIN])
    started = admin.post(
        "/api/v1/software/provisioning-exports",
        {"format": "canvas", "diff": True},
        content_type="application/json",
    )
    assert started.status_code == 202, started.content
    body = started.json()
    assert body["status"] == "queued" and body["download_url"] is None
    run_queued_tasks()
    polled = admin.get(f"/api/v1/software/provisioning-exports/{body['id']}").json()
    assert polled["status"] == "done" and polled["full_instead"] and polled["percent"] == 100
    got = admin.get(polled["download_url"])
    assert got.status_code == 200
    assert "users.csv" in zipfile.ZipFile(io.BytesIO(b"".join(got.streaming_content))).namelist()
    preview = admin.get("/api/v1/software/provisioning/canvas/preview?diff=true").json()
    assert preview["full"] is False and set(preview["counts"].values()) == {0}
    bad = admin.post(
        "/api/v1/software/provisioning-exports",
        {"format": "oneroster", "diff": True},
        content_type="application/json",
    )
    assert bad.status_code == 400
    tech = api_client_as(users[roles.TECHNICIAN])
    assert tech.get(f"/api/v1/software/provisioning-exports/{body['id']}").status_code == 404
    refused = tech.post(
        "/api/v1/software/provisioning-exports",
        {"format": "canvas", "site_id": sites[1].pk},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert ProvisioningExport.objects.count() == 1


def test_old_export_files_are_deleted_by_the_sweep(roster, users, data_dir, time_machine):
    start = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    export = exports.export_start(actor=users[roles.DISTRICT_ADMIN], kind="schoology")
    run_queued_tasks()
    export.refresh_from_db()
    path = Path(export.file_path)
    assert path.is_file()
    time_machine.move_to(start + datetime.timedelta(days=exports.retention_days() - 1))
    assert exports.exports_delete_old().startswith("0 ")
    time_machine.move_to(start + datetime.timedelta(days=exports.retention_days() + 1))
    assert exports.exports_delete_old().startswith("1 ")
    export.refresh_from_db()
    assert not path.exists() and export.file_path == ""


def test_an_export_whose_worker_died_is_failed_by_the_sweep(
    roster, users, client_as, data_dir, settings
):
    admin = users[roles.DISTRICT_ADMIN]
    export = exports.export_start(actor=admin, kind="canvas")
    assert exports.exports_recover().startswith("0 ")  # its task waits for a worker
    task = DBTaskResult.objects.get(task_path=exports.TASK)
    task.claim("another-machine:123:ab")
    ProvisioningExport.objects.filter(pk=export.pk).update(status="running")
    partial = data_dir / "provisioning" / str(export.pk)
    partial.mkdir(parents=True)
    (partial / "canvas-district.zip").write_bytes(b"PK")
    assert exports.exports_recover().startswith("0 ")  # at work elsewhere, started just now
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1)
    )
    out = StringIO()
    call_command("sweep", stdout=out)
    assert "Stopped provisioning exports: 1 stopped provisioning export marked failed" in (
        out.getvalue()
    )
    export.refresh_from_db()
    assert export.status == "failed" and export.error == exports.STOPPED
    assert not partial.exists()
    assert AuditEvent.objects.filter(object_repr=str(export), verb="status_changed").exists()
    page = client_as(admin).get(export.get_absolute_url())
    assert "Homeroom stopped while writing these files" in page.text
    assert exports.exports_recover().startswith("0 ")
