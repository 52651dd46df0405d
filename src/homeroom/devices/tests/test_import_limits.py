"""Device files past the import limits (HOMEROOM_IMPORT_MAX_…) are refused early with a
message naming the limit, through the upload page and `homeroom import`; limits are made small
here with settings overrides, and the files are real ones written by the test."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homeroom.core import roles
from homeroom.core.models import ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.devices.models import Device

pytestmark = pytest.mark.django_db

HEADER = "serialNumber,annotatedAssetId,annotatedLocation,model,notes\n"


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def rows(count: int, notes: str = "") -> str:
    return "".join(
        f"SN{n:05d},NES-{n:05d},North Elementary,Acer Chromebook 311,{notes}\n"
        for n in range(1, count + 1)
    )


def google_import(path: Path) -> tuple[int, dict]:
    out = StringIO()
    code = 0
    try:
        call_command("import", "google-devices", str(path), "--json", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def test_an_upload_past_the_size_limit_is_refused_and_nothing_is_kept(
    settings, users, client_as, tmp_path
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    tech = client_as(users[roles.TECHNICIAN])
    big = (HEADER + rows(20_000)).encode()
    assert len(big) > 1024 * 1024
    page = tech.post(
        "/imports/google-devices/new/", {"file": SimpleUploadedFile("devices.csv", big)}
    ).content.decode()
    assert "Homeroom takes files of up to 1 MB" in page
    assert "HOMEROOM_IMPORT_MAX_UPLOAD_MB" in page
    assert not ImportRun.objects.exists()
    uploads = tmp_path / "uploads"
    assert not uploads.exists() or not any(path.is_file() for path in uploads.rglob("*"))


def test_a_line_past_the_limit_stops_the_reading_with_its_line_number(settings, sites, tmp_path):
    settings.IMPORT_MAX_LINE_BYTES = 4096
    path = tmp_path / "devices.csv"
    path.write_text(HEADER + rows(3) + rows(1, notes="x" * 10_000))
    code, report = google_import(path)
    assert code == 1 and report["status"] == "rejected"
    assert any(
        "devices.csv:5: file: line 5 is longer than 4 KB (HOMEROOM_IMPORT_MAX_LINE_BYTES)" in error
        for error in report["errors"]
    ), report["errors"]
    assert not Device.objects.exists()


def test_a_file_that_is_one_endless_line_is_refused_after_the_limit(settings, sites, tmp_path):
    settings.IMPORT_MAX_LINE_BYTES = 64 * 1024
    path = tmp_path / "devices.csv"
    with open(path, "wb") as handle:
        for _ in range(40):  # 40 MB without a line ending
            handle.write(b"A" * (1024 * 1024))
    code, report = google_import(path)
    assert code == 1
    assert any("line 1 is longer than 64 KB" in error for error in report["errors"])


def test_too_many_rows_are_refused_through_the_page(
    settings, users, client_as, sites, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_ROWS = 3
    tech = client_as(users[roles.TECHNICIAN])
    upload = SimpleUploadedFile("devices.csv", (HEADER + rows(5)).encode())
    with django_capture_on_commit_callbacks(execute=True):
        tech.post("/imports/google-devices/new/", {"file": upload})
    run_queued_tasks()
    record = ImportRun.objects.get()
    assert record.status == "rejected"
    page = tech.get(record.get_absolute_url()).content.decode()
    assert "devices.csv:5: file: has more than 3 rows (HOMEROOM_IMPORT_MAX_ROWS)" in page
    assert not Device.objects.exists()


def test_too_many_columns_are_refused(settings, sites, tmp_path):
    settings.IMPORT_MAX_COLUMNS = 4
    path = tmp_path / "devices.csv"
    path.write_text(HEADER + rows(2))
    code, report = google_import(path)
    assert code == 1
    assert report["errors"] == [
        "devices.csv:1: header: has 5 columns; Homeroom reads files of up to 4 columns "
        "(HOMEROOM_IMPORT_MAX_COLUMNS)"
    ]
