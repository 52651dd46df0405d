"""`homeroom import google-devices FILE --json`: Google Admin ChromeOS device lists in both
header styles (Directory API / GAM names and Admin console titles), written here by hand.

Every test drives the command and checks its JSON report and the database."""

import csv
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.devices import services
from homeroom.devices.choices import AssignmentKind, DeviceCategory, DeviceStatus
from homeroom.devices.models import Assignment, Device, DeviceModel, Manufacturer
from homeroom.people.models import Person

pytestmark = pytest.mark.django_db

API = [
    "serialNumber",
    "annotatedAssetId",
    "annotatedUser",
    "annotatedLocation",
    "orgUnitPath",
    "osVersion",
    "model",
    "lastSync",
    "autoUpdateThrough",
    "macAddress",
    "status",
    "recentUsers.0.email",
]
# The Admin console's titles for the same columns, in the letter case people type.
CONSOLE = [
    "Serial Number",
    "Asset ID",
    "User",
    "Location",
    "ORG UNIT PATH",
    "OS Version",
    "Model",
    "Last Sync",
    "Auto Update Expiration",
    "Mac Address",
    "Status",
    "Recent Users",
]
ACER = "Acer Chromebook 311 (C722)"
LENOVO = "Lenovo 100e Chromebook Gen 3"
ROWS = [
    # serial, asset id, user, location, org unit, os, model, last sync, AUE, mac, status, recent
    [
        "5CD101",
        "NES-0001",
        "Ann.Lee@Example.org",
        "",
        "/Students/North Elementary/Grade 4",
        "120.0.6099.235",
        ACER,
        "2024-05-01T12:30:00.000Z",
        "2029-06-30",
        "A0B1C2D3E4F5",
        "ACTIVE",
        "ann.lee@example.org",
    ],
    [
        "5CD102",
        "",
        "",
        "South High",
        "/Staff",
        "120.0.6099.235",
        LENOVO,
        "2024-05-02T08:00:00Z",
        "2031-06",
        "",
        "ACTIVE",
        "",
    ],
    [
        "5CD103",
        "NES-0003",
        "",
        "",
        "/Students/NES",
        "118.0.5993.164",
        ACER,
        "2023-11-20T10:00:00Z",
        "2029-06-30",
        "a0-b1-c2-d3-e4-f6",
        "DEPROVISIONED",
        "",
    ],
]


def device_audit():
    """Audit events about the devices and models an import changed (not the import run's)."""
    return AuditEvent.objects.exclude(content_type__model="importrun")


def write(tmp_path, rows=ROWS, header=API, name="devices.csv", newline="\n") -> str:
    """A CSV file of the rows under the given header (same column order as API)."""
    out = StringIO()
    csv.writer(out, lineterminator=newline).writerows([header, *rows])
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def changed(row: list[str], **values) -> list[str]:
    """A copy of a row with some columns (by their API name) set."""
    row = list(row)
    for name, value in values.items():
        row[API.index(name)] = value
    return row


def run(path: str, *flags: str) -> tuple[int, dict]:
    out = StringIO()
    code = 0
    try:
        call_command(
            "import", "google-devices", path, "--json", *flags, stdout=out, stderr=StringIO()
        )
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def counts(report: dict) -> dict:
    return {name: report[name] for name in ("devices", "models", "manufacturers", "assignments")}


def expected(created=0, updated=0, unchanged=0, models=0, models_updated=0, makers=0, out=0):
    return {
        "devices": {"created": created, "updated": updated, "unchanged": unchanged},
        "models": {"created": models, "updated": models_updated},
        "manufacturers": {"created": makers},
        "assignments": {"created": out},
    }


def state() -> dict:
    """Everything an import may write."""
    return {
        "devices": sorted(
            Device.objects.values_list(
                "serial_number",
                "asset_tag",
                "model__name",
                "site__code",
                "status",
                "os_version",
                "org_unit_path",
                "last_sync",
                "mac_addresses",
                "updated_at",
            )
        ),
        "models": sorted(DeviceModel.objects.values_list("name", "auto_update_through")),
        "manufacturers": sorted(Manufacturer.objects.values_list("name", flat=True)),
        "assignments": sorted(Assignment.objects.values_list("device_id", "person_id")),
        "audit": device_audit().count(),  # the run's own events are the history's
    }


@pytest.fixture
def ann(sites):
    return Person.objects.create(
        given_name="Ann", family_name="Lee", email="ann.lee@example.org", primary_site=sites[0]
    )


# --- both header styles -----------------------------------------------------------------


@pytest.mark.parametrize("header", [API, CONSOLE], ids=["api", "console"])
def test_a_new_list_creates_devices_models_and_check_outs(tmp_path, sites, ann, header):
    code, report = run(write(tmp_path, header=header))

    assert code == 0, report["errors"]
    assert report["status"] == "applied" and report["dry_run"] is False
    assert report["errors"] == [] and report["warnings"] == []
    assert counts(report) == expected(created=3, models=2, makers=2, out=1)

    first = Device.objects.get(serial_number="5CD101")
    assert first.asset_tag == "NES-0001"
    assert first.site == sites[0]  # the org unit's “North Elementary”
    assert first.model.manufacturer.name == "Acer"
    assert first.model.name == "Chromebook 311 (C722)"
    assert first.model.category == DeviceCategory.CHROMEBOOK
    assert first.model.auto_update_through == datetime.date(2029, 6, 30)
    assert first.org_unit_path == "/Students/North Elementary/Grade 4"
    assert first.os_version == "120.0.6099.235"
    assert first.last_sync == datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    assert first.mac_addresses == "a0:b1:c2:d3:e4:f5"
    assert first.status == DeviceStatus.DEPLOYED
    assignment = first.assignments.get()
    assert (assignment.person, assignment.kind, assignment.is_open) == (
        ann,
        AssignmentKind.ONE_TO_ONE,
        True,
    )

    second = Device.objects.get(serial_number="5CD102")
    assert second.asset_tag == "5CD102"  # no asset ID: the serial is the tag
    assert second.site == sites[1]  # the location “South High”
    assert second.model.manufacturer.name == "Lenovo"
    assert second.model.auto_update_through == datetime.date(2031, 6, 30)  # a month: its end
    assert second.status == DeviceStatus.IN_STOCK
    assert not second.assignments.exists()

    third = Device.objects.get(serial_number="5CD103")
    assert third.site == sites[0]  # the org unit part “NES” is North Elementary's code
    assert third.status == DeviceStatus.RETIRED  # deprovisioned in Google
    assert third.model == first.model

    events = AuditEvent.objects.filter(content_type__model="device", object_id=first.pk)
    assert sorted(events.values_list("verb", "interface", "message")) == [
        ("checked_out", "import", "Checked out to Ann Lee"),
        ("created", "import", "From the Google Admin device list devices.csv"),
    ]
    checked_out = events.get(verb="checked_out")
    assert checked_out.changes == {
        "holder": [None, "Ann Lee"],
        "kind": [None, "one_to_one"],
        "status": ["in_stock", "deployed"],
    }
    assert checked_out.site == sites[0]

    assert [change["serial"] for change in report["changes"]] == ["5CD101", "5CD102", "5CD103"]
    assert report["changes"][0] == {
        "line": 2,
        "serial": "5CD101",
        "asset_tag": "NES-0001",
        "action": "created",
        "fields": {
            "asset_tag": [None, "NES-0001"],
            "model": [None, ACER],
            "site": [None, "North Elementary"],
            "status": [None, "deployed"],
            "os_version": [None, "120.0.6099.235"],
            "org_unit_path": [None, "/Students/North Elementary/Grade 4"],
            "last_sync": [None, "2024-05-01T12:30:00+00:00"],
            "mac_addresses": [None, "a0:b1:c2:d3:e4:f5"],
            "holder": [None, "Ann Lee"],
        },
    }
    assert report["changes_omitted"] == 0


def test_both_header_styles_give_the_same_devices(tmp_path, sites, ann):
    run(write(tmp_path, header=API, name="api.csv"))
    from_api = state()["devices"]
    Assignment.objects.all().delete()
    Device.objects.all().delete()
    run(write(tmp_path, header=CONSOLE, name="console.csv"))
    strip = [device[:-1] for device in from_api]  # all but updated_at
    assert [device[:-1] for device in state()["devices"]] == strip


def test_gam_auto_update_expiration_and_ethernet_mac(tmp_path, sites):
    header = [
        "deviceId",
        "serialNumber",
        "model",
        "orgUnitPath",
        "autoUpdateExpiration",
        "macAddress",
        "ethernetMacAddress",
        "bootMode",
    ]
    rows = [
        ["d-1", "SN1", ACER, "/NES", "1877558400000", "a0b1c2d3e4f5", "0011.2233.4455", "Verified"]
    ]
    code, report = run(write(tmp_path, rows=rows, header=header))

    assert code == 0, report["errors"]
    assert report["warnings"] == ["devices.csv:1: header: columns not read: deviceId, bootMode"]
    device = Device.objects.get()
    assert device.mac_addresses == "a0:b1:c2:d3:e4:f5, 00:11:22:33:44:55"
    assert device.model.auto_update_through == datetime.date(2029, 7, 1)  # milliseconds


def test_the_notes_column_is_imported_in_either_spelling(tmp_path, sites):
    for notes in ("notes", "Notes"):
        header = ["serialNumber", "model", "orgUnitPath", notes]
        rows = [["SN1", ACER, "/NES", f"Cracked bezel ({notes})"]]
        code, report = run(write(tmp_path, rows=rows, header=header))
        assert code == 0, report["errors"]
        assert Device.objects.get().notes == f"Cracked bezel ({notes})"


def test_console_dates_as_a_spreadsheet_shows_them(tmp_path, sites):
    header = ["Serial Number", "Model", "Org Unit Path", "Last Sync", "Auto Update Expiration"]
    rows = [["SN1", ACER, "/NES", "May 1, 2024, 12:30:00 PM", "Jun 2029"]]

    code, report = run(write(tmp_path, rows=rows, header=header))

    assert code == 0, report["errors"]
    device = Device.objects.get()
    assert device.last_sync == datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    assert device.model.auto_update_through == datetime.date(2029, 6, 30)


# --- re-importing -----------------------------------------------------------------------


def test_importing_the_same_list_again_changes_nothing(tmp_path, sites, ann):
    path = write(tmp_path)
    run(path)
    before = state()

    code, report = run(path)

    assert code == 0
    assert counts(report) == expected(unchanged=3)
    assert report["changes"] == [] and report["warnings"] == []
    assert state() == before


def test_a_newer_list_updates_what_changed(tmp_path, sites, ann):
    run(write(tmp_path))
    first = Device.objects.get(serial_number="5CD101")
    updated_at = first.updated_at
    events = device_audit().count()
    newer = [
        # only telemetry changed: updated, no audit event
        changed(ROWS[0], osVersion="121.0.6167.212", lastSync="2024-06-01T07:00:00Z"),
        # a new asset ID and a move to North Elementary by its org unit
        changed(ROWS[1], annotatedAssetId="SHS-0102", annotatedLocation="", orgUnitPath="/NES"),
        # Google moved the auto-update date of the Acer model
        changed(ROWS[2], autoUpdateThrough="2030-06-30"),
    ]

    code, report = run(write(tmp_path, rows=newer))

    assert code == 0, report["errors"]
    assert counts(report) == expected(updated=2, unchanged=1, models_updated=1)
    first.refresh_from_db()
    assert first.os_version == "121.0.6167.212"
    assert first.updated_at == updated_at  # telemetry is not an edit
    second = Device.objects.get(serial_number="5CD102")
    assert (second.asset_tag, second.site) == ("SHS-0102", sites[0])
    assert DeviceModel.objects.get(pk=first.model_id).auto_update_through == (
        datetime.date(2030, 6, 30)
    )
    new_events = device_audit().order_by("pk")[events:]
    assert [(e.verb, e.object_repr, e.changes) for e in new_events] == [
        (
            "updated",
            ACER,
            {"auto_update_through": ["2029-06-30", "2030-06-30"]},
        ),
        (
            "updated",
            "SHS-0102",
            {
                "asset_tag": ["5CD102", "SHS-0102"],
                "site": ["South High", "North Elementary"],
                "org_unit_path": ["/Staff", "/NES"],
            },
        ),
    ]
    assert report["changes"][0]["fields"] == {
        "os_version": ["120.0.6099.235", "121.0.6167.212"],
        "last_sync": ["2024-05-01T12:30:00+00:00", "2024-06-01T07:00:00+00:00"],
    }


def test_asset_tags_can_swap_between_devices(tmp_path, sites):
    rows = [
        ["SN1", "TAG-A", "", "", "/NES", "", ACER, "", "", "", "", ""],
        ["SN2", "TAG-B", "", "", "/NES", "", ACER, "", "", "", "", ""],
    ]
    run(write(tmp_path, rows=rows))
    swapped = [
        changed(rows[0], annotatedAssetId="TAG-B"),
        changed(rows[1], annotatedAssetId="TAG-A"),
    ]

    code, report = run(write(tmp_path, rows=swapped))

    assert code == 0, report["errors"]
    assert counts(report) == expected(updated=2)
    assert dict(Device.objects.values_list("serial_number", "asset_tag")) == {
        "SN1": "TAG-B",
        "SN2": "TAG-A",
    }
    assert counts(run(write(tmp_path, rows=swapped))[1]) == expected(unchanged=2)


# --- dry run ----------------------------------------------------------------------------


def test_a_dry_run_reports_and_writes_nothing(tmp_path, sites, ann):
    before = state()

    code, report = run(write(tmp_path), "--dry-run")

    assert code == 0
    assert report["status"] == "checked" and report["dry_run"] is True
    assert counts(report) == expected(created=3, models=2, makers=2, out=1)
    assert len(report["changes"]) == 3
    assert state() == before


# --- problems ---------------------------------------------------------------------------


def test_problems_are_reported_by_line_and_column_and_nothing_is_written(tmp_path, sites, ann):
    other = Device.objects.create(
        asset_tag="NES-0999",
        serial_number="OTHER1",
        model=DeviceModel.objects.create(
            manufacturer=Manufacturer.objects.create(name="Dell"),
            name="Chromebook 3100",
            category=DeviceCategory.CHROMEBOOK,
        ),
        site=sites[0],
    )
    rows = [
        ROWS[0],
        changed(ROWS[1], serialNumber="5CD101"),  # line 3: the serial of line 2
        changed(ROWS[2], lastSync="yesterday", autoUpdateThrough="2029-13"),  # line 4
        changed(ROWS[2], serialNumber="5CD104", annotatedAssetId="NES-0999"),  # line 5
        changed(ROWS[2], serialNumber="5CD105", annotatedAssetId="", orgUnitPath="/Guests"),
        changed(ROWS[2], serialNumber="5CD106", annotatedAssetId="", macAddress="not-a-mac"),
        changed(ROWS[2], serialNumber="5CD107", annotatedAssetId="", status="MISPLACED"),
        changed(ROWS[2], serialNumber="", annotatedAssetId=""),  # line 9
        changed(ROWS[2], serialNumber="OTHER2", annotatedAssetId="", model=""),
    ]
    before = state()

    code, report = run(write(tmp_path, rows=rows, newline="\r"), "--dry-run")
    assert (code, report["status"]) == (1, "rejected")
    code, report = run(write(tmp_path, rows=rows, newline="\r"))

    assert code == 1
    assert report["status"] == "rejected"
    assert report["errors"] == [
        "devices.csv:3: serialNumber: “5CD101” is also on line 2",
        "devices.csv:4: autoUpdateThrough: “2029-13” is not a date like 2029-06-30 "
        "or a month like 2029-06",
        "devices.csv:4: lastSync: “yesterday” is not a date and time like 2025-08-14T09:30:00Z",
        "devices.csv:7: macAddress: “not-a-mac” is not a MAC address like a0:b1:c2:d3:e4:f5",
        "devices.csv:8: status: “MISPLACED” is not a Google device status such as ACTIVE, "
        "DEPROVISIONED or DISABLED",
        "devices.csv:9: serialNumber: required",
    ]
    assert state() == before

    # With the file's own mistakes put right, what only Homeroom can tell is reported.
    fixed = [rows[0], rows[3], rows[4], rows[8]]
    code, report = run(write(tmp_path, rows=fixed))
    assert code == 1
    assert report["errors"] == [
        "devices.csv:3: annotatedAssetId: “NES-0999” is the asset tag of another device in "
        "Homeroom (serial OTHER1)",
        "devices.csv:4: orgUnitPath: no part of the org unit “/Guests” is the name or code of "
        "a site; add the site or pass --site CODE",
        "devices.csv:5: model: required for a device Homeroom does not have yet",
    ]
    assert state() == before
    assert Device.objects.get(pk=other.pk).serial_number == "OTHER1"


def test_a_missing_serial_column_is_reported(tmp_path, sites):
    code, report = run(write(tmp_path, rows=[["NES-1", ACER]], header=["Asset ID", "Model"]))
    assert code == 1
    assert report["errors"] == ["devices.csv:1: header: no “serialNumber” column"]


# --- sites ------------------------------------------------------------------------------


def test_the_site_option_places_new_devices_and_moves_none(tmp_path, sites, chromebook_model):
    stored = Device.objects.create(
        asset_tag="SHS-0001", serial_number="5CD201", model=chromebook_model, site=sites[1]
    )
    rows = [
        ["5CD201", "SHS-0001", "", "Room 114", "/Chromebooks", "", ACER, "", "", "", "", ""],
        ["5CD202", "NES-0202", "", "Room 114", "/Chromebooks", "", ACER, "", "", "", "", ""],
    ]
    path = write(tmp_path, rows=rows)

    code, report = run(path)
    assert code == 1
    assert report["errors"] == [
        "devices.csv:3: orgUnitPath: neither the location “Room 114” nor any part of the org "
        "unit “/Chromebooks” is the name or code of a site; add the site or pass --site CODE"
    ]

    code, report = run(path, "--site", "nes")
    assert code == 0, report["errors"]
    stored.refresh_from_db()
    assert stored.site == sites[1]
    assert Device.objects.get(serial_number="5CD202").site == sites[0]

    code, report = run(path, "--site", "XYZ")
    assert code == 1
    assert report["errors"] == ["devices.csv:0: --site: no site has the code “XYZ”"]


def test_a_technician_imports_only_at_their_own_sites(tmp_path, sites, users):
    code, report = run(write(tmp_path), "--as", users[roles.TECHNICIAN].username)
    assert code == 1
    assert report["errors"] == ["devices.csv:3: annotatedLocation: you do not work at South High"]
    assert not Device.objects.exists()


# --- check-outs -------------------------------------------------------------------------


def test_check_outs_leave_devices_that_someone_else_has(tmp_path, sites, ann, chromebook_model):
    bob = Person.objects.create(given_name="Bob", family_name="Ray", email="bob@example.org")
    Person.objects.create(
        given_name="Cy", family_name="Old", email="cy@example.org", is_active=False
    )
    held = Device.objects.create(
        asset_tag="NES-0001", serial_number="5CD101", model=chromebook_model, site=sites[0]
    )
    services.device_check_out(actor=None, device=held, person=bob)
    rows = [
        ROWS[0],  # Ann's in Google, Bob's in Homeroom
        changed(ROWS[1], annotatedUser="cy@example.org"),
        changed(
            ROWS[2],
            serialNumber="5CD104",
            annotatedAssetId="",
            status="ACTIVE",
            annotatedUser="nobody@example.org",
        ),
        changed(
            ROWS[2],
            serialNumber="5CD105",
            annotatedAssetId="",
            status="ACTIVE",
            annotatedUser="Cart 3",
        ),
    ]

    code, report = run(write(tmp_path, rows=rows))

    assert code == 0, report["errors"]
    assert report["warnings"] == [
        "devices.csv:2: annotatedUser: checked out to Bob Ray in Homeroom, not to Ann Lee; "
        "left as it is",
        "devices.csv:3: annotatedUser: Cy Old (cy@example.org) is inactive in the roster; "
        "not checked out",
        "devices.csv:4: annotatedUser: no person has the email “nobody@example.org”; "
        "not checked out",
        "devices.csv:5: annotatedUser: “Cart 3” is not an email address; the device was not "
        "checked out",
    ]
    assert report["assignments"] == {"created": 0}
    assert list(Assignment.objects.values_list("device__serial_number", "person")) == [
        ("5CD101", bob.pk)
    ]


# --- scale ------------------------------------------------------------------------------


def big_list(n: int) -> list[list[str]]:
    return [
        [
            f"SN{i:06d}",
            f"NES-{i:06d}",
            f"student{i}@example.org",
            "",
            "/Students/North Elementary",
            "120.0.6099.235",
            ACER if i % 2 else LENOVO,
            "2024-05-01T12:30:00Z",
            "2029-06",
            f"a0b1c2{i:06x}",
            "ACTIVE",
            "",
        ]
        for i in range(n)
    ]


def test_queries_do_not_grow_with_the_number_of_rows(tmp_path, sites):
    for i in range(300):
        Person.objects.create(given_name=f"S{i}", family_name="T", email=f"student{i}@example.org")
    run(write(tmp_path, rows=big_list(2)))  # the two models exist from now on
    queries = []
    for size in (30, 300):
        Assignment.objects.all().delete()
        Device.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            code, report = run(write(tmp_path, rows=big_list(size)))
        assert code == 0, report["errors"]
        assert counts(report) == expected(created=size, out=size)
        queries.append(len(captured.captured_queries))
    assert queries[0] == queries[1]


# --- the plain report -------------------------------------------------------------------


def plain(path: str, *flags: str) -> tuple[int, list[str], list[str]]:
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "google-devices", path, *flags, stdout=out, stderr=err)
    return exit_.value.code, out.getvalue().splitlines(), err.getvalue().splitlines()


def test_without_json_the_report_reads_plainly(tmp_path, sites, ann):
    code, out, err = plain(write(tmp_path), "--dry-run")

    assert (code, err) == (0, [])
    assert out[:5] == [
        "Google Admin device list: would change",
        "  devices: 3 created",
        "  models: 2 created",
        "  manufacturers: 2 created",
        "  assignments: 1 created",
    ]
    assert out[5] == (
        "  created NES-0001 (serial 5CD101): model Acer Chromebook 311 (C722); site North "
        "Elementary; status deployed; os_version 120.0.6099.235; org_unit_path "
        "/Students/North Elementary/Grade 4; last_sync 2024-05-01T12:30:00+00:00; "
        "mac_addresses a0:b1:c2:d3:e4:f5; holder Ann Lee"
    )

    code, out, err = plain(write(tmp_path, rows=[changed(ROWS[0], lastSync="soon")]))
    assert (code, out) == (1, [])
    assert err == [
        "devices.csv:2: lastSync: “soon” is not a date and time like 2025-08-14T09:30:00Z",
        "1 problem; nothing changed.",
    ]
