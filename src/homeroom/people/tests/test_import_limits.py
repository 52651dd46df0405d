"""Roster zips past the import limits (HOMEROOM_IMPORT_MAX_…) are refused early with a clear
message: zip bombs made here with zipfile are refused at upload by what their directory
declares, one whose directory lies is stopped while reading, and long lines and too many rows
are refused by the check. Nothing is written."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core import roles
from homeroom.core.testing import run_queued_tasks
from homeroom.people.models import Person
from homeroom.people.tests.oneroster_sets import SAMPLE, roster_runs

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def tech(users, client_as):
    return client_as(users[roles.DISTRICT_ADMIN])


def sample_zip(replace: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            archive.writestr(path.name, (replace or {}).get(path.name, path.read_bytes()))
    return buffer.getvalue()


def bomb(megabytes: int) -> bytes:
    """A zip whose users.csv is one line of `megabytes` MB, written a megabyte at a time."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("users.csv", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(b"a" * MB)
    return buffer.getvalue()


def upload(client, data: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            "/imports/oneroster/new/", {"file": SimpleUploadedFile("sis-export.zip", data)}
        )


def test_a_zip_bomb_is_refused_at_upload_by_its_ratio(tech, django_capture_on_commit_callbacks):
    data = bomb(64)
    assert len(data) < MB // 4
    page = upload(tech, data, django_capture_on_commit_callbacks).content.decode()
    assert "users.csv would expand" in page and "HOMEROOM_IMPORT_MAX_ZIP_RATIO" in page
    assert not roster_runs().exists()


def test_a_zip_that_unzips_past_the_limit_is_refused_at_upload(
    settings, tech, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_UNZIPPED_MB = 8
    settings.IMPORT_MAX_ZIP_RATIO = 100_000
    page = upload(tech, bomb(10), django_capture_on_commit_callbacks).content.decode()
    assert "Unzipped, the files would take 10 MB; Homeroom unzips up to 8 MB" in page
    assert not roster_runs().exists()


def test_a_zip_whose_directory_lies_about_its_size_is_stopped_while_reading(
    settings, tech, django_capture_on_commit_callbacks
):
    """users.csv declares 100 bytes and holds 4 MB on one line: the upload passes the
    declared-size checks, and the check stops reading at the declared size."""
    settings.IMPORT_MAX_LINE_BYTES = 64 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.csv", b"a" * (4 * MB))  # first: its headers come first
        for path in sorted(SAMPLE.glob("*.csv")):
            if path.name != "users.csv":
                archive.write(path, path.name)
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 100)
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 100)
    upload(tech, bytes(data), django_capture_on_commit_callbacks)
    run_queued_tasks()
    record = roster_runs().get()
    assert record.status == "rejected", record.problems
    assert [error for error in record.problems if error.startswith("users.csv:1: zip: damaged")]
    assert Person.objects.count() == 0


def test_a_long_line_is_refused_by_the_check_with_its_line_number(
    settings, tech, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_LINE_BYTES = 2000
    users = (SAMPLE / "users.csv").read_bytes()
    first = users.splitlines(keepends=True)[1]
    long_line = first.replace(b'"us0001"', b'"us9999"').replace(b'"GN 01"', b"G" * 5000)
    data = sample_zip({"users.csv": users + long_line})
    upload(tech, data, django_capture_on_commit_callbacks)
    run_queued_tasks()
    record = roster_runs().get()
    assert record.status == "rejected", record.problems
    page = tech.get(record.get_absolute_url()).content.decode()
    limit = "(HOMEROOM_IMPORT_MAX_LINE_BYTES)"
    assert f"users.csv:22: file: line 22 is longer than 2 KB {limit}" in page
    assert Person.objects.count() == 0


def test_too_many_rows_are_refused_by_the_check(settings, tech, django_capture_on_commit_callbacks):
    settings.IMPORT_MAX_ROWS = 25
    upload(tech, sample_zip(), django_capture_on_commit_callbacks)
    run_queued_tasks()
    record = roster_runs().get()
    assert record.status == "rejected"
    assert any("has more than 25 rows (HOMEROOM_IMPORT_MAX_ROWS)" in e for e in record.problems)
    assert Person.objects.count() == 0
