"""Device imports on core's import lifecycle: the old device import records copied into import
runs (history kept, old addresses still lead to them), and the unchanged rows of a file left
out of the check by their fingerprint, which a change made in Homeroom since undoes."""

import csv
import importlib
import io
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.models import ImportRun
from homeroom.devices import services
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Device, DeviceImport

pytestmark = pytest.mark.django_db

COPY = importlib.import_module("homeroom.devices.migrations.0004_device_imports_to_import_runs")
HEADER = ["serialNumber", "annotatedAssetId", "annotatedLocation", "model", "notes"]


def old_import(**fields) -> DeviceImport:
    values = {
        "kind": "google-devices",
        "file_name": "cros.csv",
        "file_path": "/nonexistent/cros.csv",
        "file_sha256": "a" * 64,
        "status": "applied",
    }
    return DeviceImport.objects.create(**{**values, **fields})


def test_the_old_device_imports_are_copied_into_import_runs(users, sites):
    tech = users[roles.TECHNICIAN]
    applied = old_import(
        created_by=tech,
        site=sites[0],
        counts={"devices": {"created": 2, "updated": 0, "unchanged": 0}},
        changes=[{"line": n, "serial": f"S{n}", "asset_tag": f"T{n}"} for n in range(300)],
        changes_total=300,
        applied_at=timezone.now(),
        applied_by=tech,
    )
    mapped = old_import(
        kind="csv",
        status="mapping",
        mapping={"serial_number": "Serial"},
        default_category="projector",
    )
    stuck = old_import(kind="snipeit-assets", status="applying", progress_note="Writing")
    refused = old_import(
        status="rejected",
        errors=["cros.csv:2: orgUnitPath: no site"],
        unmapped=[{"field": "org_unit", "value": "/Annex", "rows": 1, "line": 2}],
    )

    COPY.copy_imports(apps, None)

    runs = {run.details["device_import_id"]: run for run in ImportRun.objects.all()}
    assert set(runs) == {applied.pk, mapped.pk, stuck.pk, refused.pk}
    run = runs[applied.pk]
    assert (run.kind, run.status, run.site, run.created_by, run.applied_by) == (
        "google-devices",
        "applied",
        sites[0],
        tech,
        tech,
    )
    assert run.counts == applied.counts and run.file_sha256 == "a" * 64
    assert len(run.preview) == 200 and run.preview_total == 300
    run = runs[mapped.pk]
    assert (run.kind, run.status, run.mappings) == ("devices-csv", "uploaded", mapped.mapping)
    assert run.options == {"default_category": "projector"}
    run = runs[stuck.pk]
    assert run.status == "failed" and "Check it again" in run.problems[0]
    run = runs[refused.pk]
    assert run.problems == refused.errors and run.details["unmapped"] == refused.unmapped

    COPY.forget_copies(apps, None)
    assert not ImportRun.objects.exists()


def test_the_old_addresses_lead_to_the_copied_import(users, client_as, sites):
    old = old_import(site=sites[0])
    COPY.copy_imports(apps, None)
    run = ImportRun.objects.get()
    tech = client_as(users[roles.TECHNICIAN])
    assert tech.get(f"/devices/imports/{old.pk}/")["Location"] == run.get_absolute_url()
    problems = tech.get(f"/devices/imports/{old.pk}/problems.csv")
    assert problems["Location"] == f"{run.get_absolute_url()}problems.csv"
    apply = tech.post(f"/devices/imports/{old.pk}/apply/")
    assert apply.status_code == 307 and apply["Location"] == f"{run.get_absolute_url()}apply/"
    assert tech.get(f"/devices/imports/{old.pk + 1000}/").status_code == 404
    teacher = client_as(users[roles.TEACHER])
    assert teacher.get(f"/devices/imports/{old.pk}/").status_code == 403
    assert tech.get("/devices/imports/new/?kind=csv")["Location"] == "/imports/devices-csv/new/"


def write(path, rows) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    path.write_text(buffer.getvalue())


def google(path, *flags) -> dict:
    out = StringIO()
    try:
        call_command("import", "google-devices", str(path), "--json", *flags, stdout=out)
    except SystemExit as exit_:
        assert exit_.code in (0, None), out.getvalue()
    return json.loads(out.getvalue())


def test_an_unchanged_row_is_left_out_until_homeroom_changes_its_device(users, sites, tmp_path):
    path = tmp_path / "cros.csv"
    rows = [[f"SN{n}", f"NES-{n}", "North Elementary", "Acer Chromebook 311", ""] for n in range(3)]
    write(path, rows)
    assert google(path)["devices"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert all(Device.objects.values_list("import_fingerprint", flat=True))

    # The same file again: every row is unchanged, so no device is looked at or written.
    before = sorted(Device.objects.values_list("pk", "updated_at"))
    with CaptureQueriesContext(connection) as queries:
        assert google(path)["devices"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert not any("devices_assignment" in query["sql"] for query in queries)
    assert sorted(Device.objects.values_list("pk", "updated_at")) == before

    # A device changed in Homeroom since is read again, and the file sets it back.
    device = Device.objects.get(serial_number="SN1")
    services.device_set_status(
        actor=users[roles.DISTRICT_ADMIN], device=device, status=DeviceStatus.IN_REPAIR
    )
    Device.objects.filter(pk=device.pk).update(notes="edited in Homeroom")
    with CaptureQueriesContext(connection) as queries:
        report = google(path)
    assert report["devices"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert any("devices_assignment" in query["sql"] for query in queries)
    assert Device.objects.get(pk=device.pk).notes == ""

    # A row that changed is read; the others are still left out.
    rows[2][4] = "cracked screen"
    write(path, rows)
    report = google(path)
    assert report["devices"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert Device.objects.get(serial_number="SN2").notes == "cracked screen"


def test_an_unchanged_row_outside_the_technicians_sites_is_still_refused(users, sites, tmp_path):
    path = tmp_path / "cros.csv"
    write(path, [["SN9", "SHS-9", "South High", "Acer Chromebook 311", ""]])
    assert google(path)["devices"]["created"] == 1  # by the operator, at South High

    out = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import", "google-devices", str(path), "--json", "--as", "technician", stdout=out
        )
    report = json.loads(out.getvalue())
    assert report["status"] == "rejected"
    assert any("you do not work at South High" in error for error in report["errors"])
