"""`homeroom import snipeit-assets FILE --json`: Snipe-IT asset exports, starting with the
shared samples exactly as they are (a BOM, CR-only line endings, repeated and unnamed columns,
bytes that are not UTF-8), then small files written here."""

import csv
import datetime
import decimal
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from homeroom.core.models import AuditEvent, Site
from homeroom.devices.choices import DeviceCategory, DeviceStatus
from homeroom.devices.models import Assignment, Device, DeviceModel, Manufacturer
from homeroom.people.models import Person

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "snipe-it"
ASSETS = SAMPLES / "assets-sample.csv"
BAD = SAMPLES / "assets-sample-BAD.csv"
BLANKS = SAMPLES / "assets-sample-BLANKS.csv"
UTF8_ADVICE = "is not UTF-8; save the file as UTF-8 (“CSV UTF-8” in spreadsheet programs)"


def device_audit():
    """Audit events about the devices and models an import changed (not the import run's)."""
    return AuditEvent.objects.exclude(content_type__model="importrun")


def run(path, *flags: str) -> tuple[int, dict]:
    out = StringIO()
    code = 0
    try:
        call_command(
            "import", "snipeit-assets", str(path), "--json", *flags, stdout=out, stderr=StringIO()
        )
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def counts(report: dict) -> dict:
    return {name: report[name] for name in ("devices", "models", "manufacturers", "assignments")}


def state() -> dict:
    return {
        "devices": sorted(
            Device.objects.values_list(
                "serial_number",
                "asset_tag",
                "model_id",
                "site_id",
                "status",
                "purchase_date",
                "purchase_cost",
                "order_number",
                "vendor",
                "warranty_end",
                "notes",
                "updated_at",
            )
        ),
        "models": DeviceModel.objects.count(),
        "manufacturers": Manufacturer.objects.count(),
        "assignments": Assignment.objects.count(),
        "audit": device_audit().count(),  # the run's own events are the history's
    }


def sample_rows(path: Path) -> list[dict]:
    """The sample's data rows, read independently of the importer."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def lines_not_utf8(path: Path) -> list[tuple[int, int]]:
    """(line number, first bad byte) of each CR-ended line that is not UTF-8."""
    found = []
    for number, line in enumerate(path.read_bytes().split(b"\r"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            found.append((number, line[error.start]))
    return found


@pytest.fixture
def sample_sites(db):
    """A site for every location the sample names."""
    names = sorted({row["Location"] for row in sample_rows(ASSETS)})
    return {
        name: Site.objects.create(name=name, code=f"L{n:02d}", type="other")
        for n, name in enumerate(names, start=1)
    }


@pytest.fixture
def sample_people(db):
    """Two of the people the sample checks assets out to."""
    return [
        Person.objects.create(
            given_name="Gage", family_name="McCrackem", email="gmccrackem2a@bing.com"
        ),
        Person.objects.create(
            given_name="Katerina", family_name="Sennett", email="ksennett6@ibm.com"
        ),
    ]


# --- assets-sample.csv ------------------------------------------------------------------


def test_the_sample_needs_a_category_for_a_model_it_cannot_place(sample_sites):
    code, report = run(ASSETS)

    assert code == 1
    assert report["status"] == "rejected"
    assert report["errors"] == [
        "assets-sample.csv:23: Category: “Fire Protection” is not a kind of device Homeroom "
        "knows, nor is “Robby”; pass --category (chromebook, windows_laptop, mac, tablet, "
        "interactive_display, projector, document_camera, hotspot, accessory, cart) for such "
        "models"
    ]
    assert state()["devices"] == [] and state()["models"] == 0 and state()["audit"] == 0


def test_the_sample_imports_with_the_right_counts(sample_sites, sample_people):
    rows = sample_rows(ASSETS)

    code, report = run(ASSETS, "--category", "windows_laptop")

    assert code == 0, report["errors"]
    assert report["status"] == "applied"
    assert counts(report) == {
        "devices": {"created": len(rows), "updated": 0, "unchanged": 0},
        "models": {"created": len({(r["Manufacturer"], r["Model"]) for r in rows}), "updated": 0},
        "manufacturers": {"created": len({r["Manufacturer"] for r in rows})},
        "assignments": {"created": 2},
    }
    assert counts(report)["devices"]["created"] == 22
    assert counts(report)["models"]["created"] == 14
    assert counts(report)["manufacturers"]["created"] == 13
    assert Device.objects.count() == 22

    first = Device.objects.get(asset_tag="ICC-2065556")
    assert first.serial_number == "NO-SERIAL-ICC-2065556"
    assert first.site == sample_sites["Wilkinson, Waters and Kerluke"]
    assert (first.model.manufacturer.name, first.model.name) == ("Berge Inc", 'Macbook Pro 13"')
    assert (
        first.model.category == DeviceCategory.MAC
    )  # by its name: the category is “Ornamental Railings”
    assert first.purchase_date == datetime.date(2023, 1, 23)
    assert first.purchase_cost == decimal.Decimal("2266.13")
    assert first.order_number == "3271901481"
    assert first.vendor == "Kunde, Doyle and Kozey"
    assert first.notes.startswith("at nulla suspendisse potenti")
    assert first.status == DeviceStatus.IN_STOCK
    assert first.warranty_end is None
    assert Device.objects.get(asset_tag="JHN-0598394").order_number == "0709494209"

    robby = Device.objects.get(asset_tag="SUQ-5159067")
    assert robby.model.category == DeviceCategory.WINDOWS_LAPTOP  # --category

    gage = Device.objects.get(asset_tag="WBH-2841795")
    assert gage.status == DeviceStatus.DEPLOYED
    assert gage.assignments.get().person == sample_people[0]
    assert Device.objects.get(asset_tag="BOL-0305383").assignments.get().person == sample_people[1]

    warnings = report["warnings"]
    assert warnings[0] == (
        "assets-sample.csv:1: Serial: 22 new devices have no serial number; each is stored as "
        "NO-SERIAL-<asset tag> until a file gives its serial"
    )
    assert (
        "assets-sample.csv:4: Checkout Type: checked out to the location “Pacocha-Kiehn” in "
        "Snipe-IT; Homeroom does not import check-outs to locations"
    ) in warnings
    assert (
        "assets-sample.csv:9: Checked Out To: Email: no person has the email "
        "“mhasley21@clickbank.net”; not checked out"
    ) in warnings
    locations = sum(1 for r in rows if r["Checkout Type"] == "Location")
    users = sum(1 for r in rows if r["Checkout Type"] == "User")
    assert len(warnings) == 1 + locations + users - 2


def test_importing_the_sample_again_changes_nothing(sample_sites, sample_people):
    run(ASSETS, "--category", "windows_laptop")
    before = state()

    code, report = run(ASSETS, "--category", "windows_laptop")

    assert code == 0
    assert counts(report) == {
        "devices": {"created": 0, "updated": 0, "unchanged": 22},
        "models": {"created": 0, "updated": 0},
        "manufacturers": {"created": 0},
        "assignments": {"created": 0},
    }
    assert report["changes"] == []
    assert state() == before


def test_a_dry_run_of_the_sample_writes_nothing(sample_sites, sample_people):
    code, report = run(ASSETS, "--category", "windows_laptop", "--dry-run")

    assert code == 0
    assert (report["status"], report["dry_run"]) == ("checked", True)
    assert report["devices"] == {"created": 22, "updated": 0, "unchanged": 0}
    assert report["assignments"] == {"created": 2}
    assert len(report["changes"]) == 22
    assert state() == {
        "devices": [],
        "models": 0,
        "manufacturers": 0,
        "assignments": 0,
        "audit": 0,
    }


def test_without_its_sites_the_sample_is_rejected_row_by_row(db):
    code, report = run(ASSETS, "--category", "windows_laptop")

    assert code == 1
    assert len(report["errors"]) == 22
    assert report["errors"][0] == (
        "assets-sample.csv:2: Location: “Wilkinson, Waters and Kerluke” is not the name or code "
        "of a site; add the site or pass --site CODE"
    )
    assert not Device.objects.exists()


def test_the_site_option_takes_the_rows_whose_location_is_no_site(db, sites):
    code, report = run(ASSETS, "--category", "windows_laptop", "--site", "SHS")

    assert code == 0, report["errors"]
    assert set(Device.objects.values_list("site__code", flat=True)) == {"SHS"}
    assert (
        "assets-sample.csv:2: Location: “Wilkinson, Waters and Kerluke” is not the name or code "
        "of a site; its new devices go to South High (--site)"
    ) in report["warnings"]


# --- the broken samples -----------------------------------------------------------------


def test_the_bad_sample_is_rejected_for_its_header_and_encoding(sample_sites):
    code, report = run(BAD, "--category", "windows_laptop", "--site", "L01")

    assert code == 1
    assert report["status"] == "rejected"
    not_utf8 = lines_not_utf8(BAD)
    assert len(not_utf8) == 22
    assert report["errors"] == [
        "assets-sample-BAD.csv:1: Category: appears twice in the header (columns 6 and 13); "
        "keep one of them",
        "assets-sample-BAD.csv:1: Company: appears twice in the header (columns 4 and 17); "
        "keep one of them",
        *(
            f"assets-sample-BAD.csv:{line}: encoding: byte 0x{byte:02x} {UTF8_ADVICE}"
            for line, byte in not_utf8
        ),
    ]
    assert report["errors"][2] == f"assets-sample-BAD.csv:12: encoding: byte 0x89 {UTF8_ADVICE}"
    assert state()["devices"] == [] and state()["audit"] == 0


def test_the_blanks_sample_is_rejected_only_for_its_encoding(sample_sites):
    code, report = run(BLANKS, "--category", "windows_laptop", "--site", "L01")

    assert code == 1
    # CR-only lines are counted as lines, and the unnamed columns are no problem.
    assert report["errors"] == [
        f"assets-sample-BLANKS.csv:{line}: encoding: byte 0x{byte:02x} {UTF8_ADVICE}"
        for line, byte in lines_not_utf8(BLANKS)
    ]
    assert report["errors"][0] == f"assets-sample-BLANKS.csv:12: encoding: byte 0x89 {UTF8_ADVICE}"
    assert not Device.objects.exists()


def test_the_blanks_sample_saved_as_utf8_imports(tmp_path, sites):
    """The same bytes read as Excel for Mac wrote them (Mac Roman) and saved as UTF-8, which
    is what the error message asks people to do. Line endings stay CR-only."""
    path = tmp_path / "assets-sample-BLANKS-utf8.csv"
    path.write_text(BLANKS.read_bytes().decode("mac_roman"), encoding="utf-8", newline="")

    code, report = run(path, "--category", "windows_laptop", "--site", "NES")

    assert code == 0, report["errors"]
    assert report["devices"] == {"created": 200, "updated": 0, "unchanged": 0}
    assert report["models"]["created"] == 200
    statuses = {
        status: Device.objects.filter(status=status).count() for status in DeviceStatus.values
    }
    assert statuses == {
        "in_stock": 28 + 28,  # Ready to Deploy, and blank
        "deployed": 0,
        "in_repair": 36 + 32,  # Pending Diagnostics, Undeployable
        "loaner_pool": 0,
        "lost": 37,
        "stolen": 0,
        "retired": 39,  # Archived
        "disposed": 0,
    }
    assert Device.objects.filter(serial_number__startswith="NO-SERIAL-").count() == 17
    bonnie = Device.objects.get(serial_number="27aa8378-b0f4-4289-84a4-405da95c6147")
    assert bonnie.asset_tag == "970882174-8"
    assert bonnie.purchase_date == datetime.date(2016, 4, 5)
    assert bonnie.warranty_end == datetime.date(2017, 6, 5)  # 14 months
    assert bonnie.purchase_cost == decimal.Decimal("133289.59")
    assert bonnie.vendor == "Blogspan"
    assert report["warnings"][-1].startswith("… and ")
    assert report["changes_omitted"] == 0 and len(report["changes"]) == 200


# --- small files ------------------------------------------------------------------------

HEADER = [
    "Asset Tag",
    "Serial",
    "Model",
    "Manufacturer",
    "Category",
    "Status",
    "Location",
    "Purchase Date",
    "Warranty",
    "Email",
]


def write(tmp_path, rows, header=HEADER, name="assets.csv") -> Path:
    out = StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path / name
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return path


def test_statuses_follow_the_device_lifecycle(tmp_path, sites, chromebook_model, students):
    Device.objects.create(
        asset_tag="NES-0001",
        serial_number="SN1",
        model=chromebook_model,
        site=sites[0],
        status=DeviceStatus.DISPOSED,
    )
    out = Device.objects.create(
        asset_tag="NES-0002", serial_number="SN2", model=chromebook_model, site=sites[0]
    )
    Assignment.objects.create(device=out, person=students[0])
    Device.objects.filter(pk=out.pk).update(status=DeviceStatus.DEPLOYED)
    rows = [
        ["NES-0001", "SN1", "", "", "", "Ready to Deploy", "NES", "", "", ""],
        ["NES-0002", "SN2", "", "", "", "Out for Repair", "NES", "", "", ""],
        ["NES-0003", "SN3", "Chromebook 311", "", "", "Broken and gone", "NES", "", "", ""],
    ]

    code, report = run(write(tmp_path, rows))

    assert code == 1
    assert report["errors"] == [
        "assets.csv:4: Status: “Broken and gone” is not a status Homeroom knows; use one of "
        "Ready to Deploy, Pending, Deployed, Out for Repair, Loaner, Lost, Stolen, Archived, "
        "Disposed",
    ]
    code, report = run(write(tmp_path, rows[:2]))
    assert report["errors"] == [
        "assets.csv:2: Status: Homeroom has this device as disposed; it cannot become in stock",
        "assets.csv:3: Status: checked out to Student1 Test in Homeroom; check it in before it "
        "becomes in repair",
    ]
    # A checked-out device that Snipe-IT calls ready to deploy stays deployed.
    code, report = run(write(tmp_path, [[*rows[1][:5], "Ready to Deploy", *rows[1][6:]]]))
    assert code == 0, report["errors"]
    assert report["devices"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_device_without_a_serial_gets_it_from_a_later_file(tmp_path, sites):
    first = [
        ["NES-0100", "", "Chromebook 311", "Acer", "Chromebooks", "", "NES", "8/25/22", "36", ""]
    ]
    run(write(tmp_path, first))
    device = Device.objects.get()
    assert device.serial_number == "NO-SERIAL-NES-0100"
    assert device.model.category == DeviceCategory.CHROMEBOOK
    assert device.warranty_end == datetime.date(2025, 8, 25)

    later = [
        [
            "NES-0100",
            "5CD0100",
            "Chromebook 311",
            "Acer",
            "Chromebooks",
            "",
            "NES",
            "8/25/22",
            "36",
            "",
        ]
    ]
    code, report = run(write(tmp_path, later))

    assert code == 0, report["errors"]
    assert report["devices"] == {"created": 0, "updated": 1, "unchanged": 0}
    device.refresh_from_db()
    assert device.serial_number == "5CD0100"
    assert report["changes"][0]["fields"] == {"serial_number": ["NO-SERIAL-NES-0100", "5CD0100"]}
    assert run(write(tmp_path, later))[1]["devices"]["unchanged"] == 1


def test_asset_tags_stay_unique(tmp_path, sites, chromebook_model):
    Device.objects.create(
        asset_tag="NES-0001", serial_number="SN1", model=chromebook_model, site=sites[0]
    )
    rows = [
        ["nes-0001", "SN9", "Chromebook 311", "Acer", "", "", "NES", "", "", ""],
        ["NES-0002", "SN8", "Chromebook 311", "Acer", "", "", "NES", "", "", ""],
        ["NES-0002", "SN7", "Chromebook 311", "Acer", "", "", "NES", "", "", ""],
        ["", "", "Chromebook 311", "Acer", "", "", "NES", "", "", ""],
    ]

    code, report = run(write(tmp_path, rows))

    assert code == 1
    assert report["errors"] == [
        "assets.csv:4: Asset Tag: “NES-0002” is also on line 3",
        "assets.csv:5: Asset Tag: needs an asset tag or a serial",
    ]
    code, report = run(write(tmp_path, rows[:2]))
    assert report["errors"] == [
        "assets.csv:2: Asset Tag: “nes-0001” is the asset tag of another device in Homeroom "
        "(serial SN1)"
    ]
    assert Device.objects.count() == 1


def test_a_file_without_tag_or_serial_columns_is_rejected(tmp_path, sites):
    code, report = run(write(tmp_path, [["x", "y"]], header=["Model", "Location"]))
    assert code == 1
    assert report["errors"] == ["assets.csv:1: header: no “Serial” or “Asset Tag” column"]


def test_an_export_with_warranty_expiry_and_formatted_amounts(tmp_path, sites):
    header = [
        "Asset Tag",
        "Serial Number",
        "Model",
        "Manufacturer",
        "Category",
        "Status Label",
        "Default Location",
        "Purchase Date",
        "Purchase Cost",
        "Warranty",
        "Warranty Expires",
        "Checked Out To",
    ]
    rows = [
        ["NES-1", "S1", "iPad 9th gen", "Apple", "Tablets", "Pending", "North Elementary",
         "2022-08-01 00:00:00", "$1,234.50", "36 months", "2026-01-31", "Ann Lee"],
        ["NES-2", "S2", "MacBook Air", "Apple", "Laptops", "Deployed", "nes",
         "2022-08-01", "329", "12 months", "", ""],
    ]  # fmt: skip

    code, report = run(write(tmp_path, rows, header=header))

    assert code == 0, report["errors"]
    assert report["warnings"] == ["assets.csv:1: header: columns not read: Checked Out To"]
    ipad, mac = Device.objects.order_by("asset_tag")
    assert (ipad.model.category, mac.model.category) == (DeviceCategory.TABLET, DeviceCategory.MAC)
    assert ipad.purchase_cost == decimal.Decimal("1234.50")
    assert ipad.warranty_end == datetime.date(2026, 1, 31)  # Warranty Expires wins
    assert mac.warranty_end == datetime.date(2023, 8, 1)
    assert (ipad.status, mac.status) == (DeviceStatus.IN_STOCK, DeviceStatus.DEPLOYED)
    assert {ipad.site, mac.site} == {sites[0]}
