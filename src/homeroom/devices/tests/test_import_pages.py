"""Device imports in the browser (upload, background check with a progress bar, preview,
apply, history) on core's import pages (/imports/KIND/), as a technician uses them, with the
shared Snipe-IT samples, Google Admin files in both header styles and an other CSV file whose
columns are matched by hand; and the old addresses under /devices/imports/, which lead there."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core import roles
from homeroom.core.models import AuditEvent, ImportRun
from homeroom.core.testing import pinned_queries, run_queued_tasks
from homeroom.devices.choices import DeviceCategory, DeviceStatus, FundingSource
from homeroom.devices.models import Device
from homeroom.people.models import Person

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "snipe-it"
ASSETS = SAMPLES / "assets-sample.csv"
BAD = SAMPLES / "assets-sample-BAD.csv"
HISTORY = "/imports/?kind=google-devices&kind=snipeit-assets&kind=devices-csv"
KINDS = {"csv": "devices-csv"}


def new(kind: str) -> str:
    return f"/imports/{KINDS.get(kind, kind)}/new/"


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def tech(users, client_as):
    return client_as(users[roles.TECHNICIAN])


def upload(path_or_bytes, name: str | None = None) -> SimpleUploadedFile:
    if isinstance(path_or_bytes, Path):
        return SimpleUploadedFile(name or path_or_bytes.name, path_or_bytes.read_bytes())
    return SimpleUploadedFile(name or "devices.csv", path_or_bytes)


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def post(client, url, data, capture):
    with capture(execute=True):
        if url == NEW:  # the kind of file is in the address now
            data = dict(data)
            url = new(data.pop("kind"))
        return client.post(url, data)


NEW = object()  # post() to the upload page of the kind the data names


def text(response) -> str:
    return response.content.decode()


def streamed(response) -> str:
    """A streamed CSV download without its byte-order mark."""
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_snipeit_export_is_checked_then_applied_in_the_background(
    tech, sites, django_capture_on_commit_callbacks
):
    response = post(
        tech,
        NEW,
        {
            "kind": "snipeit-assets",
            "file": upload(ASSETS),
            "site": "NES",
            "default_category": "windows_laptop",
        },
        django_capture_on_commit_callbacks,
    )
    record = ImportRun.objects.get()
    assert response["Location"] == f"/imports/snipeit-assets/{record.pk}/"
    assert (record.kind, record.status, record.site) == ("snipeit-assets", "checking", sites[0])
    assert record.progress_note == "Waiting for the worker"
    assert record.file_name == "assets-sample.csv" and len(record.file_sha256) == 64
    assert Path(record.file_path).read_bytes() == ASSETS.read_bytes()

    waiting = text(tech.get(response["Location"], headers={"HX-Request": "true"}))
    assert "<progress" in waiting and 'hx-trigger="every 1s"' in waiting
    assert "<h1" not in waiting  # only the part that polls

    assert run_queued_tasks() == 1
    record.refresh_from_db()
    assert record.status == "checked"
    assert record.progress_total > 0
    assert record.counts["devices"] == {"created": 22, "updated": 0, "unchanged": 0}
    page = text(tech.get(response["Location"]))
    assert "Apply these changes" in page and 'hx-trigger="every 1s"' not in page
    assert "ICC-2065556" in page and "Purchase cost: 2266.13" in page
    assert (
        "assets-sample.csv:2: Location: “Wilkinson, Waters and Kerluke” is not the name or "
        "code of a site; its new devices go to North Elementary (the site for new devices)"
    ) in page
    assert not Device.objects.exists()

    post(tech, f"{record.get_absolute_url()}apply/", {}, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.status == "applying"
    assert run_queued_tasks() == 1
    record.refresh_from_db()
    assert record.status == "applied" and record.applied_by.username == "technician"
    assert Device.objects.filter(site=sites[0]).count() == 22
    assert Device.objects.get(asset_tag="ICC-2065556").vendor == "Kunde, Doyle and Kozey"
    applied = AuditEvent.objects.get(verb="applied")
    assert applied.message == "22 new devices" and applied.interface == "import"
    assert AuditEvent.objects.filter(verb="created", object_repr="ICC-2065556").exists()
    page = text(tech.get(response["Location"]))
    assert "What changed" in page and "See the devices" in page

    again = tech.post(f"{record.get_absolute_url()}apply/", follow=True)
    assert "it cannot be moved to “applying”" in text(again)
    history = text(tech.get("/devices/imports/", follow=True))  # the old address leads there
    assert "assets-sample.csv" in history and "Snipe-IT asset export" in history
    assert "22 new, 0 updated, 0 unchanged" in history


def test_the_same_file_imported_twice_changes_nothing_the_second_time(
    tech, sites, django_capture_on_commit_callbacks
):
    data = {"kind": "snipeit-assets", "site": "NES", "default_category": "windows_laptop"}
    for _ in range(2):
        post(tech, NEW, {**data, "file": upload(ASSETS)}, django_capture_on_commit_callbacks)
        run_queued_tasks()
        record = ImportRun.objects.order_by("pk").last()
        post(tech, f"{record.get_absolute_url()}apply/", {}, django_capture_on_commit_callbacks)
        before = sorted(Device.objects.values_list("asset_tag", "updated_at"))
        run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "applied"
    assert record.counts["devices"] == {"created": 0, "updated": 0, "unchanged": 22}
    assert sorted(Device.objects.values_list("asset_tag", "updated_at")) == before
    first, second = ImportRun.objects.order_by("pk")
    assert first.file_sha256 == second.file_sha256


def test_the_bad_snipeit_sample_is_rejected_with_its_messages_on_the_page(
    tech, sites, django_capture_on_commit_callbacks
):
    post(
        tech,
        NEW,
        {"kind": "snipeit-assets", "file": upload(BAD), "site": "NES"},
        django_capture_on_commit_callbacks,
    )
    run_queued_tasks()
    record = ImportRun.objects.get()
    assert record.status == "rejected"
    page = text(tech.get(record.get_absolute_url()))
    assert (
        "assets-sample-BAD.csv:1: Category: appears twice in the header (columns 6 and 13); "
        "keep one of them"
    ) in page
    assert "assets-sample-BAD.csv:12: encoding: byte 0x89 is not UTF-8" in page
    assert "24 problems found" in page and "Apply these changes" not in page
    download = tech.get(f"{record.get_absolute_url()}problems.csv")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(streamed(download))))
    assert rows[0] == ["kind", "file", "line", "column", "message"]
    assert rows[1] == [
        "problem",
        "assets-sample-BAD.csv",
        "1",
        "Category",
        "appears twice in the header (columns 6 and 13); keep one of them",
    ]
    assert rows[3][:4] == ["problem", "assets-sample-BAD.csv", "12", "encoding"]
    assert not Device.objects.exists()

    # Applying a rejected import is refused; checking it again finds the same problems.
    refused = tech.post(f"{record.get_absolute_url()}apply/", follow=True)
    assert "it cannot be moved" in text(refused)
    post(
        tech,
        f"{record.get_absolute_url()}check/",
        {"site": "NES"},
        django_capture_on_commit_callbacks,
    )
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "rejected" and len(record.problems) == 24


def test_a_rejected_import_is_checked_again_with_a_site_for_new_devices(
    tech, sites, django_capture_on_commit_callbacks
):
    post(
        tech,
        NEW,
        {"kind": "snipeit-assets", "file": upload(ASSETS)},
        django_capture_on_commit_callbacks,
    )
    run_queued_tasks()
    record = ImportRun.objects.get()
    assert record.status == "rejected"
    assert record.problems[0] == (
        "assets-sample.csv:2: Location: “Wilkinson, Waters and Kerluke” is not the name or "
        "code of a site; add the site or choose a site for new devices and check again"
    )
    page = text(tech.get(record.get_absolute_url()))
    assert f'action="{record.get_absolute_url()}check/"' in page

    refused = tech.post(f"{record.get_absolute_url()}check/", {"site": "SHS"}, follow=True)
    assert "Choose one of your sites for new devices." in text(refused)  # not their site
    record.refresh_from_db()
    assert record.status == "rejected" and record.site is None

    post(
        tech,
        f"{record.get_absolute_url()}check/",
        {"site": "NES", "default_category": "windows_laptop"},
        django_capture_on_commit_callbacks,
    )
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "checked", record.problems
    assert (record.site, record.options["default_category"]) == (sites[0], "windows_laptop")
    changed = AuditEvent.objects.get(message="Options changed")
    assert changed.changes == {
        "site": ["", "North Elementary"],
        "default_category": ["", "windows_laptop"],
    }


GAM = ["serialNumber", "annotatedAssetId", "annotatedUser", "orgUnitPath", "model", "osVersion"]
CONSOLE = ["Serial Number", "Asset ID", "User", "Org Unit Path", "Model", "OS Version"]


@pytest.mark.parametrize("header", [GAM, CONSOLE], ids=["gam", "console"])
def test_google_admin_lists_in_both_header_styles(
    header, tech, sites, django_capture_on_commit_callbacks
):
    ann = Person.objects.create(
        given_name="Ann", family_name="Lee", email="ann.lee@example.org", primary_site=sites[0]
    )
    rows = [
        header,
        [
            "5CD101",
            "NES-0001",
            "ann.lee@example.org",
            "/Students/North Elementary/Grade 4",
            "Acer Chromebook 311",
            "120.0",
        ],
        ["5CD102", "NES-0002", "", "/Students/Grade 5", "Acer Chromebook 311", "121.0"],
    ]
    post(
        tech,
        NEW,
        {"kind": "google-devices", "file": upload(csv_bytes(rows), "cros.csv"), "site": "NES"},
        django_capture_on_commit_callbacks,
    )
    run_queued_tasks()
    record = ImportRun.objects.get()
    assert record.status == "checked", record.problems
    page = text(tech.get(record.get_absolute_url()))
    assert "Checked out to: Ann Lee" in page
    post(tech, f"{record.get_absolute_url()}apply/", {}, django_capture_on_commit_callbacks)
    run_queued_tasks()
    first = Device.objects.get(serial_number="5CD101")
    assert first.model.category == DeviceCategory.CHROMEBOOK and first.site == sites[0]
    assert first.status == DeviceStatus.DEPLOYED and first.assignments.get().person == ann
    assert Device.objects.get(serial_number="5CD102").os_version == "121.0"


MIXED = [
    [
        *("Serial No.", "Tag", "Make", "Model", "Type", "School", "Assigned", "Cost"),
        *("Funding", "Wifi", "Comments"),
    ],
    [
        *("SN-1", "T-1", "Dell", "Latitude 3140", "Laptop", "North Elementary"),
        *("mo@example.org", "$1,049.00", "ESSER", "A0-B1-C2-D3-E4-F5", "new"),
    ],
    ["SN-2", "T-2", "Apple", "iPad 9", "Tablet", "NES", "", "329", "Title I", "", ""],
]


def test_an_other_csv_file_has_its_columns_matched_then_imports(
    tech, sites, django_capture_on_commit_callbacks
):
    Person.objects.create(
        given_name="Mo", family_name="Diaz", email="mo@example.org", primary_site=sites[0]
    )
    response = post(
        tech,
        NEW,
        {"kind": "csv", "file": upload(csv_bytes(MIXED), "spreadsheet.csv")},
        django_capture_on_commit_callbacks,
    )
    record = ImportRun.objects.get()
    assert record.status == "uploaded"
    assert response["Location"] == f"/imports/devices-csv/{record.pk}/mapping/"
    assert run_queued_tasks() == 0  # nothing is checked before the columns are matched

    form = tech.get(response["Location"]).context["form"]
    guessed = {name: field.initial for name, field in form.fields.items() if field.initial}
    assert guessed == {
        "serial_number": "Serial No.",
        "asset_tag": "Tag",
        "manufacturer": "Make",
        "model": "Model",
        "category": "Type",
        "site": "School",
        "assigned_to": "Assigned",  # by its values: email addresses
        "purchase_cost": "Cost",
        "funding_source": "Funding",
        "mac_address": "Wifi",  # by its values
        "notes": "Comments",
    }
    page = text(tech.get(response["Location"]))
    assert "Serial No.: SN-1, SN-2" in page  # each column's first values

    # A column chosen twice, and no key column: said plainly, nothing changes.
    refused = tech.post(response["Location"], {"model": "Make", "manufacturer": "Make"})
    assert "There is a problem" in text(refused)
    assert "“Make” is chosen for both Manufacturer and Model" in text(refused)
    assert "Choose the column with the serial number" in text(refused)
    record.refresh_from_db()
    assert record.status == "uploaded" and record.mappings == {}

    post(tech, response["Location"], guessed, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.status == "checking" and record.mappings == guessed
    assert AuditEvent.objects.filter(verb="updated", message="Columns matched").exists()
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "checked", record.problems
    assert record.counts["devices"]["created"] == 2
    post(tech, f"{record.get_absolute_url()}apply/", {}, django_capture_on_commit_callbacks)
    run_queued_tasks()
    dell = Device.objects.get(serial_number="SN-1")
    assert (dell.asset_tag, dell.model.name, dell.model.category) == (
        "T-1",
        "Latitude 3140",
        DeviceCategory.WINDOWS_LAPTOP,
    )
    assert dell.purchase_cost == 1049 and dell.funding_source == FundingSource.ESSER
    assert dell.mac_addresses == "a0:b1:c2:d3:e4:f5" and dell.notes == "new"
    assert dell.status == DeviceStatus.DEPLOYED and dell.site == sites[0]
    ipad = Device.objects.get(serial_number="SN-2")
    assert ipad.model.category == DeviceCategory.TABLET and ipad.site == sites[0]


def test_an_other_csv_file_with_a_wrong_match_is_rejected_and_can_be_matched_again(
    tech, sites, django_capture_on_commit_callbacks
):
    post(
        tech,
        NEW,
        {"kind": "csv", "file": upload(csv_bytes(MIXED), "Device list: 2 (final).csv")},
        django_capture_on_commit_callbacks,
    )
    record = ImportRun.objects.get()
    assert record.file_name == "Device list: 2 (final).csv"
    url = f"{record.get_absolute_url()}mapping/"
    post(
        tech,
        url,
        {"serial_number": "Serial No.", "model": "Model", "status": "Type"},
        django_capture_on_commit_callbacks,
    )
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "rejected"
    assert record.problems[0].startswith("Device list: 2 (final).csv:2: Type: “Laptop” is not a")
    page = text(tech.get(record.get_absolute_url()))
    assert "Change the matched columns" in page
    download = streamed(tech.get(f"{record.get_absolute_url()}problems.csv"))
    problem = list(csv.reader(io.StringIO(download)))[1]
    assert problem[:4] == ["problem", "Device list: 2 (final).csv", "2", "Type"]
    assert problem[4].startswith("“Laptop” is not a status Homeroom knows")

    post(
        tech,
        url,
        {"serial_number": "Serial No.", "model": "Model", "manufacturer": "Make", "site": "School"}
        | {"category": "Type"},
        django_capture_on_commit_callbacks,
    )
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == "checked" and record.problems == []


@pytest.mark.parametrize(
    ("kind", "content", "name", "message"),
    [
        ("google-devices", b"", "empty.csv", "The submitted file is empty."),
        ("google-devices", b"\n \n", "blank.csv", "The file is empty."),
        ("csv", b"PK\x03\x04rest-of-a-workbook", "devices.xlsx", "not CSV"),
        ("csv", b"\xff\xfeS\x00e\x00", "utf16.csv", "saved as UTF-16"),
        ("snipeit-assets", b"Asset Tag,Model\n", "header-only.csv", "has no rows of devices"),
        (
            "google-devices",
            b"Name,Grade\nAnn,4\n",
            "students.csv",
            "This does not look like a Google Admin device list: it has no “serialNumber” "
            "column. Its columns are “Name”, “Grade”.",
        ),
        (
            "snipeit-assets",
            b"Name,Grade\nAnn,4\n",
            "students.csv",
            "it has no “Serial” or “Asset Tag” column",
        ),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_and_nothing_is_recorded(
    kind, content, name, message, tech, sites
):
    events = AuditEvent.objects.count()
    response = tech.post(new(kind), {"file": upload(content, name)})
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert not ImportRun.objects.exists()
    assert AuditEvent.objects.count() == events


def test_technicians_import_devices_and_teachers_do_not(users, client_as, sites):
    ImportRun.objects.create(
        kind="devices-csv", file_name="x.csv", file_path="/nonexistent", file_sha256="0" * 64
    )
    record = ImportRun.objects.get()
    technician, teacher = client_as(users[roles.TECHNICIAN]), client_as(users[roles.TEACHER])
    for url in (HISTORY, new("csv"), new("google-devices"), new("snipeit-assets")):
        assert technician.get(url).status_code == 200
        assert teacher.get(url).status_code == 403
    assert teacher.post(f"{record.get_absolute_url()}apply/").status_code == 403
    assert teacher.get("/devices/imports/").status_code == 403
    nav = text(technician.get("/devices/"))
    assert 'href="/devices/imports/"' in nav
    assert 'href="/devices/imports/"' not in text(teacher.get("/"))


def test_a_technician_sees_the_imports_of_their_sites_only(users, client_as, sites):
    admin, tech_user = users[roles.DISTRICT_ADMIN], users[roles.TECHNICIAN]

    def made(by, site, name):
        return ImportRun.objects.create(
            kind="google-devices",
            file_name=name,
            file_path="/nonexistent",
            file_sha256="0" * 64,
            created_by=by,
            site=site,
        )

    mine, theirs_here, theirs_there = (
        made(tech_user, None, "mine.csv"),
        made(admin, sites[0], "north.csv"),
        made(admin, sites[1], "south.csv"),
    )
    tech = client_as(tech_user)
    listed = {record.pk for record in tech.get(HISTORY).context["page"]}
    assert listed == {mine.pk, theirs_here.pk}
    assert tech.get(theirs_there.get_absolute_url()).status_code == 404
    everything = client_as(admin).get(HISTORY).context["page"]
    assert {record.pk for record in everything} == {mine.pk, theirs_here.pk, theirs_there.pk}


def test_the_history_list_runs_a_fixed_number_of_queries(users, client_as, sites):
    tech_user = users[roles.TECHNICIAN]
    for n in range(30):
        ImportRun.objects.create(
            kind="snipeit-assets",
            file_name=f"export-{n}.csv",
            file_path="/nonexistent",
            file_sha256="0" * 64,
            created_by=tech_user,
            site=sites[0],
            status="applied",
            counts={"devices": {"created": n, "updated": 0, "unchanged": 0}},
        )
    tech = client_as(tech_user)
    tech.get(HISTORY)  # warms the session and permission caches
    # session, user, permissions (2), groups, limited to sites?, the site switcher's sites,
    # then the page: its count and its rows with their uploaders and sites
    with pinned_queries(9):
        response = tech.get(HISTORY)
    assert response.status_code == 200 and "export-29.csv" in text(response)
    assert "export-4.csv" not in text(response)  # 25 a page, newest first


def test_an_excel_for_mac_file_as_an_other_csv_file_is_read_by_the_same_rules(
    tech, sites, django_capture_on_commit_callbacks
):
    """The Snipe-IT sample with blank columns (CR-only line endings, unnamed columns, bytes
    that are not UTF-8) loaded as an other CSV file: its columns are offered by name with
    their first values, and the check finds what the Snipe-IT import finds."""
    blanks = SAMPLES / "assets-sample-BLANKS.csv"
    response = post(
        tech,
        NEW,
        {"kind": "csv", "file": upload(blanks), "site": "NES"},
        django_capture_on_commit_callbacks,
    )
    form = tech.get(response["Location"]).context["form"]
    guessed = {name: field.initial for name, field in form.fields.items() if field.initial}
    assert guessed == {
        "serial_number": "Serial",
        "asset_tag": "Asset Tag",
        "manufacturer": "Manufacturer",
        "model": "Model name",
        "category": "Category",
        "site": "Location",
        "status": "Status",
        "assigned_to": "Email",
        "purchase_date": "Purchase Date",
        "purchase_cost": "Purchase Cost",
        "vendor": "Supplier",
        "notes": "Notes",
    }
    assert "27aa8378-b0f4-4289-84a4-405da95c6147" in text(tech.get(response["Location"]))

    post(tech, response["Location"], guessed, django_capture_on_commit_callbacks)
    run_queued_tasks()
    record = ImportRun.objects.get()
    assert record.status == "rejected"
    assert record.problems[0] == (
        "assets-sample-BLANKS.csv:12: encoding: byte 0x89 is not UTF-8; save the file as "
        "UTF-8 (“CSV UTF-8” in spreadsheet programs)"
    )
    assert not Device.objects.exists()
