"""Device imports through the API (/api/v1/imports/devices) and the command line
(`homeroom import devices-csv`), and the progress an import reports on a large file."""

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from homeroom.core import roles
from homeroom.core.models import ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.importers.run import GOOGLE, check_file, write_plan
from homeroom.devices.models import Device

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "snipe-it"
SAMPLE = SAMPLES / "assets-sample.csv"
URL = "/api/v1/imports/devices"
INVENTORY = [
    ["Serial", "Asset", "Maker", "Model", "Kind", "Building", "State", "Bought"],
    ["PX-1", "A-1", "Epson", "PowerLite 118", "Projector", "NES", "in stock", "2024-08-01"],
    ["PX-2", "A-2", "Epson", "PowerLite 118", "Projector", "North Elementary", "Lost", ""],
]


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def upload(rows, name="inventory.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows), "text/csv")


@pytest.fixture
def api(users, api_client_as):
    return api_client_as(users[roles.TECHNICIAN])


MAPPING = {
    "serial_number": "Serial",
    "asset_tag": "Asset",
    "manufacturer": "Maker",
    "model": "Model",
    "category": "Kind",
    "site": "Building",
    "status": "State",
    "purchase_date": "Bought",
}


def test_the_api_uploads_a_csv_with_its_mapping_and_applies_it(
    api, sites, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            URL,
            {
                "file": upload(INVENTORY),
                "kind": "csv",
                "mapping": json.dumps(MAPPING),
                "dry_run": "false",
            },
        )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["kind"], body["mapping"]) == ("queued", "csv", MAPPING)
    assert body["created_by"] == "technician"
    run_queued_tasks()
    body = api.get(f"{URL}/{body['id']}").json()
    assert body["status"] == "applied", body["errors"]
    assert body["counts"]["devices"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert body["percent"] == 100 and body["changes_total"] == 2
    assert Device.objects.get(serial_number="PX-2").status == DeviceStatus.LOST
    listed = api.get(URL).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert "changes" not in listed["items"][0]  # the list leaves out the device by device changes


def test_the_api_checks_first_and_applies_when_asked(
    api, sites, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            URL,
            {
                "file": SimpleUploadedFile(
                    "assets.csv", (SAMPLES / "assets-sample.csv").read_bytes()
                ),
                "kind": "snipeit-assets",
                "site": "NES",
                "category": "windows_laptop",
            },
        )
    assert response.status_code == 202
    record_id = response.json()["id"]
    run_queued_tasks()
    body = api.get(f"{URL}/{record_id}").json()
    assert body["status"] == "checked" and body["site"] == "NES"
    assert not Device.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        applying = api.post(f"{URL}/{record_id}/apply")
    assert applying.status_code == 202 and applying.json()["status"] == "applying"
    run_queued_tasks()
    assert api.get(f"{URL}/{record_id}").json()["status"] == "applied"
    assert Device.objects.count() == 22

    again = api.post(f"{URL}/{record_id}/apply")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert "“applied”; it cannot be moved to “applying”" in again.json()["error"]["message"]


def test_without_a_mapping_the_api_uses_its_guess(api, sites, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"file": upload(INVENTORY), "kind": "csv"})
    assert response.status_code == 202
    assert response.json()["mapping"] == {
        "serial_number": "Serial",
        "asset_tag": "Asset",
        "model": "Model",
        "category": "Kind",
        "site": "Building",
        "status": "State",
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "csv", "mapping": "{serial"}, "mapping", "Not valid JSON"),
        (
            {"kind": "csv", "mapping": json.dumps({"serial_number": "Serial Number"})},
            "mapping",
            "Serial number: the file has no column “Serial Number”.",
        ),
        (
            {"kind": "csv", "mapping": json.dumps({"model": "Model"})},
            "mapping",
            "Choose the column with the serial number or the one with the asset tag.",
        ),
        ({"kind": "floppy"}, "kind", "Select a valid choice."),
        ({"kind": "csv", "site": "SHS"}, "site", "Select a valid choice."),  # not their site
        (
            {"kind": "google-devices", "file": upload([["Name", "Grade"], ["Ann", "4"]])},
            "file",
            "This does not look like a Google Admin device",
        ),
    ],
)
def test_the_api_refuses_bad_uploads_and_records_nothing(data, field, message, api, sites):
    response = api.post(URL, {"file": upload(INVENTORY), **data})
    assert response.status_code == 400
    errors = response.json()["error"]["fields"]
    assert any(text.startswith(message) for text in errors[field]), errors
    assert not ImportRun.objects.exists()


def test_teachers_may_not_use_the_imports_api(users, api_client_as, sites):
    teacher = api_client_as(users[roles.TEACHER])
    assert teacher.get(URL).status_code == 403
    assert teacher.post(URL, {"file": upload(INVENTORY), "kind": "csv"}).status_code == 403
    assert not ImportRun.objects.exists()


def run_csv(path, *flags) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import", "devices-csv", str(path), *flags, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_imports_an_other_csv_file_with_its_map(tmp_path, sites):
    path = tmp_path / "inventory.csv"
    path.write_bytes(csv_bytes(INVENTORY))
    maps = [f"--map={key}={column}" for key, column in MAPPING.items()]

    code, out, _ = run_csv(path, *maps, "--dry-run", "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["status"], report["devices"]["created"]) == ("checked", 2)
    assert not Device.objects.exists()

    code, out, _ = run_csv(path, *maps)
    assert code == 0 and "CSV file: changed" in out
    projector = Device.objects.get(serial_number="PX-1")
    assert projector.model.category == "projector" and str(projector.purchase_date) == "2024-08-01"

    code, _, err = run_csv(path, "--map", "serial_number")
    assert code == 2 and "write FIELD=COLUMN" in err
    code, _, err = run_csv(path, "--map", "serial_number=Nope")
    assert code == 2 and "Serial number: the file has no column “Nope”." in err
    code, _, err = run_csv(tmp_path / "missing.csv", "--map", "serial_number=Serial")
    assert code == 2 and "No such file" in err


def test_a_large_file_reports_its_progress_now_and_then(tmp_path, sites):
    rows = 2500
    path = tmp_path / "cros.csv"
    lines = ["serialNumber,annotatedAssetId,model,orgUnitPath"]
    lines += [f"SN{n:05d},T{n:05d},Acer Chromebook 311,/North Elementary" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    reports = []

    with transaction.atomic():
        checked = check_file(
            GOOGLE, path, progress=lambda *report: reports.append(report), applying=True
        )
        write_plan(GOOGLE, checked, actor=None)

    assert checked.plan is not None and Device.objects.count() == rows
    assert len(reports) < 20  # now and then, not on every row
    done = [report[0] for report in reports]
    assert done == sorted(done)
    assert {report[1] for report in reports} == {3 * rows}  # read, check, write
    assert reports[0] == (1000, 3 * rows, "Reading row 1,000 of about 2,500")
    assert ("Checking row 2,000 of 2,500") in [report[2] for report in reports]
    assert reports[-1] == (2 * rows, 3 * rows, "Writing 2,500 changed devices")


def test_the_background_check_writes_its_progress_a_few_times_not_per_row(
    api, sites, django_capture_on_commit_callbacks
):
    rows = [["serialNumber", "annotatedAssetId", "model", "orgUnitPath"]]
    rows += [[f"SN{n:05d}", f"T{n:05d}", "Acer Chromebook 311", "/NES"] for n in range(5000)]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"file": upload(rows, "cros.csv"), "kind": "google-devices"})
    with CaptureQueriesContext(connection) as queries:
        assert run_queued_tasks() == 1
    progress = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "core_importrun" SET "progress_done"')
    ]
    # at least each step's first report (reading, read, checking), at most a few more
    assert 3 <= len(progress) <= 12, progress
    body = api.get(f"{URL}/{response.json()['id']}").json()
    assert body["status"] == "checked" and body["counts"]["devices"]["created"] == 5000
    assert body["progress_done"] == body["progress_total"] == 10000
