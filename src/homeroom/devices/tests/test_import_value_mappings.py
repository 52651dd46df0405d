"""Org units, locations and categories that match nothing: listed once each on the import's
page, in the API and in `--json`; the site, room or kind of device chosen for them is saved
and used by every later import (page, API and command line alike)."""

import csv
import io
import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homeroom.core import roles
from homeroom.core.models import AuditEvent, ImportRun, Room
from homeroom.core.testing import run_queued_tasks
from homeroom.devices.choices import DeviceCategory
from homeroom.devices.models import Device, DeviceModel, ImportValueMapping

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "snipe-it"
ASSETS = SAMPLES / "assets-sample.csv"
HEADER = ["serialNumber", "annotatedAssetId", "annotatedLocation", "orgUnitPath", "model"]
ANNEX = "/Students/Annex"


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def google_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode()


def command(kind: str, path, *flags: str) -> tuple[int, dict]:
    out = StringIO()
    code = 0
    try:
        call_command("import", kind, str(path), "--json", *flags, stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def sample_counts(column: str) -> Counter:
    """How many rows of the Snipe-IT sample carry each value, read without the importer."""
    with open(ASSETS, encoding="utf-8-sig", newline="") as handle:
        return Counter(row[column] for row in csv.DictReader(handle))


def test_an_org_unit_mapped_on_the_page_is_used_by_the_next_import_on_the_command_line(
    users, client_as, sites, tmp_path, django_capture_on_commit_callbacks
):
    tech = client_as(users[roles.TECHNICIAN])
    first = google_file(
        [
            ["CB-1", "NES-9001", "", f"{ANNEX}/Grade 3", "Acer Chromebook 311"],
            ["CB-2", "NES-9002", "", f"{ANNEX}/Grade 3", "Acer Chromebook 311"],
            ["CB-3", "NES-9003", "", "/Students/North Elementary", "Acer Chromebook 311"],
            ["CB-4", "NES-9004", "Portable 7", "", "Acer Chromebook 311"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        tech.post("/imports/google-devices/new/", {"file": SimpleUploadedFile("cros.csv", first)})
    run_queued_tasks()
    record = ImportRun.objects.get()
    assert record.status == "rejected"
    assert record.details["unmapped"] == [
        {"field": "location", "value": "Portable 7", "rows": 1, "line": 5},
        {"field": "org_unit", "value": f"{ANNEX}/Grade 3", "rows": 2, "line": 2},
    ]
    page = tech.get(record.get_absolute_url()).content.decode()
    assert "Org units, locations and categories that match nothing" in page
    assert f"Org unit “{ANNEX}/Grade 3” (2 rows)" in page
    assert "Location “Portable 7” (1 row)" in page

    # The org unit is mapped; the location is left for now, so the file still has a problem.
    with django_capture_on_commit_callbacks(execute=True):
        tech.post(f"{record.get_absolute_url()}mapping/", {"site_1": "NES", "site_0": ""})
    assert run_queued_tasks() == 1
    record.refresh_from_db()
    assert record.status == "rejected"
    unmapped = [{"field": "location", "value": "Portable 7", "rows": 1, "line": 5}]
    assert record.details["unmapped"] == unmapped
    assert record.problems == [
        "cros.csv:5: annotatedLocation: the location “Portable 7” is not the name or code of "
        "a site; add the site or choose a site for new devices and check again"
    ]
    mapping = ImportValueMapping.objects.get()
    assert (mapping.source, mapping.field, mapping.value, mapping.site) == (
        "google-devices",
        "org_unit",
        f"{ANNEX}/Grade 3",
        sites[0],
    )
    event = AuditEvent.objects.get(object_repr__startswith="Org unit")
    assert event.verb == "created" and event.actor == users[roles.TECHNICIAN]

    with django_capture_on_commit_callbacks(execute=True):
        tech.post(f"{record.get_absolute_url()}mapping/", {"site_0": "NES"})
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "checked" and record.details["unmapped"] == []

    # The next list, from the command line: the saved mapping places the annex's devices
    # (and, by its parent, those of a deeper org unit) without --site.
    later = tmp_path / "later.csv"
    later.write_bytes(
        google_file(
            [
                ["CB-5", "NES-9005", "", f"{ANNEX}/Grade 3", "Acer Chromebook 311"],
                ["CB-6", "NES-9006", "", f"{ANNEX}/Grade 3/Room 2", "Acer Chromebook 311"],
                ["CB-7", "NES-9007", "portable 7", "/Staff", "Acer Chromebook 311"],
            ]
        )
    )
    code, report = command("google-devices", later)
    assert code == 0, report["errors"]
    assert report["unmapped"] == []
    assert set(Device.objects.values_list("serial_number", "site__code")) == {
        ("CB-5", "NES"),
        ("CB-6", "NES"),
        ("CB-7", "NES"),
    }


def test_json_lists_each_unmapped_location_and_category_of_the_snipeit_sample_once(db):
    code, report = command("snipeit-assets", ASSETS)

    assert code == 1
    locations = {
        found["value"]: found["rows"]
        for found in report["unmapped"]
        if found["field"] == "location"
    }
    assert locations == dict(sample_counts("Location"))
    assert [found for found in report["unmapped"] if found["field"] == "category"] == [
        {"field": "category", "value": "Fire Protection", "rows": 1, "line": 23}
    ]


def test_snipeit_locations_map_to_a_site_or_a_room_and_a_category_to_a_kind(
    users, api_client_as, sites, django_capture_on_commit_callbacks
):
    api = api_client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports/devices",
            {
                "file": SimpleUploadedFile("assets-sample.csv", ASSETS.read_bytes()),
                "kind": "snipeit-assets",
            },
        )
    assert response.status_code == 202
    run_queued_tasks()
    detail = api.get(f"/api/v1/imports/devices/{response.json()['id']}").json()
    assert detail["status"] == "rejected"
    assert len(detail["unmapped"]) == len(sample_counts("Location")) + 1

    chosen = [
        {"field": "location", "value": found["value"], "site": "SHS"}
        for found in detail["unmapped"]
        if found["field"] == "location" and found["value"] != "Roberts-Anderson"
    ]
    chosen += [
        {"field": "location", "value": "roberts-anderson", "site": "NES", "room": "lib"},
        {"field": "category", "value": "Fire Protection", "category": "accessory"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            f"/api/v1/imports/devices/{detail['id']}/values",
            {"mappings": chosen},
            content_type="application/json",
        )
    assert answer.status_code == 202, answer.json()
    run_queued_tasks()
    detail = api.get(f"/api/v1/imports/devices/{detail['id']}").json()
    assert detail["status"] == "checked", detail["errors"]
    assert detail["unmapped"] == []

    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/imports/devices/{detail['id']}/apply")
    run_queued_tasks()
    library = Room.objects.get(site=sites[0], number="LIB")
    roberts = sample_counts("Location")["Roberts-Anderson"]
    assert Device.objects.filter(site=sites[0], home_room=library).count() == roberts
    assert Device.objects.filter(site=sites[1], home_room=None).count() == 22 - roberts
    assert DeviceModel.objects.get(name="Robby").category == DeviceCategory.ACCESSORY

    # The command line uses the same mappings: the sample again changes nothing.
    code, report = command("snipeit-assets", ASSETS)
    assert code == 0, report["errors"]
    assert report["devices"] == {"created": 0, "updated": 0, "unchanged": 22}

    listed = api.get("/api/v1/imports/device-value-mappings?page_size=100").json()
    assert {"value": "Roberts-Anderson", "site": "NES", "room": "LIB"}.items() <= next(
        item for item in listed["items"] if item["value"] == "Roberts-Anderson"
    ).items()


def test_a_technician_maps_only_to_their_own_sites(
    users, client_as, api_client_as, sites, django_capture_on_commit_callbacks
):
    tech = users[roles.TECHNICIAN]
    record = ImportRun.objects.create(
        created_by=tech,
        kind="google-devices",
        file_name="cros.csv",
        file_path="/nonexistent/cros.csv",
        file_sha256="0" * 64,
        status="rejected",
        details={"unmapped": [{"field": "org_unit", "value": ANNEX, "rows": 4, "line": 2}]},
    )

    page = client_as(tech).post(f"{record.get_absolute_url()}mapping/", {"site_0": "SHS"})
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()

    answer = api_client_as(tech).post(
        f"/api/v1/imports/devices/{record.pk}/values",
        {"mappings": [{"field": "org_unit", "value": ANNEX, "site": "SHS"}]},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "You work at no site with the code “SHS”" in json.dumps(
        answer.json(), ensure_ascii=False
    )
    assert not ImportValueMapping.objects.exists()
    record.refresh_from_db()
    assert record.status == "rejected"

    # A mapping to a site they do not serve is not theirs to see, change or remove.
    theirs = ImportValueMapping.objects.create(
        source="google-devices", field="org_unit", value="/Staff", site=sites[1]
    )
    client = client_as(tech)
    assert "/Staff" not in client.get("/devices/imports/mappings/").content.decode()
    assert client.post(f"/devices/imports/mappings/{theirs.pk}/remove/").status_code == 404
    assert (
        client.post(f"/devices/imports/mappings/{theirs.pk}/", {"site": "NES"}).status_code == 404
    )
    assert ImportValueMapping.objects.get().site == sites[1]


def test_a_saved_mapping_is_changed_and_removed_on_its_page(users, client_as, sites):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    mapping = ImportValueMapping.objects.create(
        source="snipeit-assets", field="location", value="Annex", site=sites[0]
    )
    listed = admin.get("/devices/imports/mappings/").content.decode()
    assert "Annex" in listed and "North Elementary" in listed

    refused = admin.post(f"/devices/imports/mappings/{mapping.pk}/", {"site": "SHS", "room": "999"})
    assert "South High has no room “999”" in refused.content.decode()
    admin.post(f"/devices/imports/mappings/{mapping.pk}/", {"site": "SHS", "room": "101"})
    mapping.refresh_from_db()
    assert (mapping.site, mapping.room.number) == (sites[1], "101")
    assert AuditEvent.objects.get(verb="updated").changes == {
        "target": ["North Elementary", "South High, room 101"]
    }

    admin.post(f"/devices/imports/mappings/{mapping.pk}/remove/")
    assert not ImportValueMapping.objects.exists()
    assert AuditEvent.objects.filter(verb="deleted").count() == 1
