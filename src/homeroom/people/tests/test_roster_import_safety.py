"""A roster file must never empty the district by one click, and only district admins import
rosters.

A bulk file makes what it leaves out inactive only at the schools it contains, unless the
importer says it is the whole district's roster. When it would make more than a fifth of a
school's people inactive, or any school, the preview names the schools and the import is
applied only with the number of people typed as confirmation: on the page, in the API and
on the command line."""

import io
import shutil
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homeroom.core import roles
from homeroom.core.models import Site
from homeroom.core.testing import run_queued_tasks
from homeroom.devices.models import Assignment, Device, DeviceModel, Manufacturer
from homeroom.helpdesk.models import Ticket
from homeroom.people.models import Enrollment, Person, SchoolClass
from homeroom.people.oneroster.generate import School, generate
from homeroom.people.tests.oneroster_sets import (
    SAMPLE,
    counts_of,
    created,
    database_state,
    drop_rows,
    roster_runs,
    run_import,
    set_manifest,
    write,
    zip_set,
)

pytestmark = pytest.mark.django_db

SCHOOLS = [
    School("org-n", "North Elementary", "NES", "elementary"),
    School("org-s", "South High", "SHS", "high"),
]
PEOPLE = 130


@pytest.fixture
def district(sites, tmp_path):
    """The roster of the two test schools (linked to them by name), imported: 130 people."""
    folder = tmp_path / "district"
    generate(
        folder,
        schools=SCHOOLS,
        students=120,
        staff=10,
        classes=12,
        classes_per_student=3,
        seed=7,
    )
    code, report = run_import(folder)
    assert code == 0, report["errors"]
    assert Person.objects.filter(is_active=True).count() == PEOPLE
    return folder


def active_people(site) -> int:
    return Person.objects.filter(primary_site=site, is_active=True).count()


def sample_zip(name: str = "sis-export.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            archive.write(path, path.name)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/zip")


def run_text(path, *flags) -> tuple[int, str, str]:
    """`homeroom import oneroster PATH [flags]` without --json: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", "oneroster", str(path), *flags, stdout=out, stderr=err)
    return exited.value.code, out.getvalue(), err.getvalue()


# --- scoped deactivation -------------------------------------------------------------------


def test_a_small_bulk_file_changes_only_its_own_school(district, sites):
    """The defect: a one-school sample into a two-school district made everyone inactive."""
    state = {site.pk: active_people(site) for site in sites}

    code, report = run_import(SAMPLE)

    assert code == 0, report["errors"]
    assert counts_of(report, "users") == created(20)
    for entity in ("orgs", "academicSessions", "courses", "classes", "enrollments"):
        assert report[entity]["deactivated"] == 0, entity
    assert report["impact"]["people"] == 0
    assert not report["impact"]["needs_confirmation"]
    assert {site.pk: active_people(site) for site in sites} == state
    assert Person.objects.filter(is_active=True).count() == PEOPLE + 20
    assert Site.objects.filter(is_active=True).count() == Site.objects.count()
    assert not SchoolClass.objects.filter(is_active=False).exists()


def test_a_one_school_file_makes_people_inactive_only_at_that_school(district, sites, tmp_path):
    north, south = sites
    folder = tmp_path / "north"
    shutil.copytree(district, folder)
    drop_rows(folder, "orgs", sourcedId="org-s")
    drop_rows(folder, "users", orgSourcedIds="org-s")
    drop_rows(folder, "courses", orgSourcedId="org-s")
    drop_rows(folder, "classes", schoolSourcedId="org-s")
    drop_rows(folder, "enrollments", schoolSourcedId="org-s")
    leaver = Person.objects.filter(primary_site=north, kind="student").order_by("pk").first()
    leaver_enrollments = len(drop_rows(folder, "enrollments", userSourcedId=leaver.sourced_id))
    drop_rows(folder, "users", sourcedId=leaver.sourced_id)
    south_people = active_people(south)

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["users"]["deactivated"] == 1
    assert report["enrollments"]["deactivated"] == leaver_enrollments
    assert report["classes"]["deactivated"] == report["courses"]["deactivated"] == 0
    assert report["orgs"]["deactivated"] == 0
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert active_people(south) == south_people
    assert not SchoolClass.objects.filter(site=south, is_active=False).exists()
    assert not Enrollment.objects.filter(site=south, is_active=False).exists()
    south.refresh_from_db()
    assert south.is_active


# --- the whole district and its typed confirmation -----------------------------------------


def test_a_whole_district_file_needs_the_number_typed_on_the_command_line(district, sites):
    north, south = sites
    at_north, at_south = active_people(north), active_people(south)

    code, dry = run_import(SAMPLE, "--whole-district", "--dry-run")

    assert code == 0
    assert dry["status"] == "checked" and dry["whole_district"] is True
    impact = dry["impact"]
    assert impact["people"] == PEOPLE and impact["needs_confirmation"]
    assert impact["schools"] == [
        {"site": "North Elementary", "inactive": at_north, "active": at_north, "large": True},
        {"site": "South High", "inactive": at_south, "active": at_south, "large": True},
    ]
    assert impact["sites"] == [
        {"site": "North Elementary", "holds": [["rooms", 3]]},
        {"site": "Riverside Unified School District", "holds": []},
        {"site": "South High", "holds": [["rooms", 3]]},
    ]
    state = database_state()

    code, _, err = run_text(SAMPLE, "--whole-district")

    assert code == 1
    assert (
        f"Applying this makes {PEOPLE} people inactive: {at_north} of the {at_north} at "
        f"North Elementary; {at_south} of the {at_south} at South High, and makes North "
        "Elementary (still with 3 rooms); Riverside Unified School District; South High "
        "(still with 3 rooms) inactive. Nothing was changed."
    ) in err
    assert f"To apply it, run it with --confirm-deactivations {PEOPLE}" in err
    assert database_state() == state

    code, wrong = run_import(SAMPLE, "--whole-district", "--confirm-deactivations", "20")
    assert code == 1
    assert wrong["errors"][0].endswith(
        "You confirmed 20; nothing was changed. Check the file again."
    )
    assert database_state() == state

    code, report = run_import(SAMPLE, "--whole-district", "--confirm-deactivations", str(PEOPLE))

    assert code == 0, report["errors"]
    assert report["status"] == "applied"
    assert report["users"]["deactivated"] == PEOPLE
    assert Person.objects.filter(is_active=True).count() == 20
    assert not Site.objects.get(pk=north.pk).is_active
    assert Site.objects.get(sourced_id="or0001").is_active


def test_the_preview_says_what_a_site_made_inactive_still_holds(district, sites):
    north = sites[0]
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acme"), name="Book", category="chromebook"
    )
    student = Person.objects.filter(primary_site=north, kind="student").first()
    lent = Device.objects.create(asset_tag="T-1", serial_number="S-1", site=north, model=model)
    Assignment.objects.create(device=lent, person=student, kind="one_to_one")
    Device.objects.create(
        asset_tag="T-2", serial_number="S-2", site=north, model=model, status="retired"
    )
    Ticket.objects.create(site=north, subject="Projector is dark")
    Ticket.objects.create(site=north, subject="Done already", status="closed")

    code, dry = run_import(SAMPLE, "--whole-district", "--dry-run")

    assert code == 0
    assert dry["impact"]["sites"][0] == {
        "site": "North Elementary",
        "holds": [["rooms", 3], ["active devices", 1], ["open tickets", 1]],
    }
    assert dry["impact"]["people_hold"] == [["devices checked out", 1, 1]]


# --- the page ------------------------------------------------------------------------------


def test_the_page_previews_the_schools_and_asks_for_the_number(
    district, users, client_as, django_capture_on_commit_callbacks
):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    form = admin.get("/imports/oneroster/new/").content.decode()
    assert "This file is the whole district&#x27;s roster" in form
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/imports/oneroster/new/", {"file": sample_zip(), "whole_district": "on"})
    assert run_queued_tasks() == 1
    record = roster_runs().latest("pk")
    assert record.status == "checked" and record.options["whole_district"]

    page = admin.get(record.get_absolute_url()).content.decode()

    assert f"Who becomes inactive: {PEOPLE} people" in page
    assert "Across the whole district" in page
    assert "North Elementary" in page and "South High" in page
    assert "More than a fifth" in page
    assert "Schools that become inactive" in page and "still has 3 rooms" in page
    assert "Number of people who become inactive" in page
    state = database_state()

    with django_capture_on_commit_callbacks(execute=True):
        missing = admin.post(f"/imports/oneroster/{record.pk}/apply/")
        wrong = admin.post(
            f"/imports/oneroster/{record.pk}/apply/", {"confirm_deactivations": "120"}
        )
    assert missing.status_code == wrong.status_code == 400
    assert "Type the number of people who become inactive to confirm." in missing.content.decode()
    assert f"Type {PEOPLE} to confirm." in wrong.content.decode()
    assert 'value="120"' in wrong.content.decode()  # what was typed stays
    assert run_queued_tasks() == 0
    record.refresh_from_db()
    assert record.status == "checked"
    assert database_state() == state

    with django_capture_on_commit_callbacks(execute=True):
        applied = admin.post(
            f"/imports/oneroster/{record.pk}/apply/", {"confirm_deactivations": str(PEOPLE)}
        )
    assert applied.status_code == 302
    assert run_queued_tasks() == 1
    record.refresh_from_db()
    assert record.status == "applied" and record.options.get("confirmed_deactivations") == PEOPLE
    assert Person.objects.filter(is_active=True).count() == 20


def test_a_file_of_some_schools_applies_from_the_page_without_a_number(
    district, users, client_as, django_capture_on_commit_callbacks
):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/imports/oneroster/new/", {"file": sample_zip()})
    run_queued_tasks()
    record = roster_runs().latest("pk")
    page = admin.get(record.get_absolute_url()).content.decode()
    assert "Only at the schools in the file" in page
    assert "Who becomes inactive" not in page
    assert "Number of people who become inactive" not in page

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/imports/oneroster/{record.pk}/apply/")
    run_queued_tasks()

    record.refresh_from_db()
    assert record.status == "applied"
    assert Person.objects.filter(is_active=True).count() == PEOPLE + 20


# --- the API -------------------------------------------------------------------------------


def test_the_api_applies_a_whole_district_file_only_with_the_number(
    district, users, api_client_as, django_capture_on_commit_callbacks
):
    client = api_client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/oneroster",
            {"file": sample_zip(), "dry_run": "false", "whole_district": "true"},
        )
    assert response.status_code == 202
    run_queued_tasks()
    url = f"/api/v1/imports/oneroster/{response.json()['id']}"
    body = client.get(url).json()
    # Asked to apply, but not with the number: it stops at the preview.
    assert body["status"] == "checked"
    assert body["whole_district"] is True
    assert body["impact"]["people"] == PEOPLE and body["impact"]["needs_confirmation"]
    assert body["progress_note"].startswith(f"Not applied: it makes {PEOPLE} people inactive.")
    assert Person.objects.filter(is_active=True).count() == PEOPLE

    refused = client.post(f"{url}/apply?confirm_deactivations=7")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["fields"]["confirm_deactivations"][0].endswith(f"Type {PEOPLE} to confirm.")
    assert client.get(url).json()["status"] == "checked"

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(f"{url}/apply?confirm_deactivations={PEOPLE}")
    assert accepted.status_code == 202
    run_queued_tasks()
    assert client.get(url).json()["status"] == "applied"
    assert Person.objects.filter(is_active=True).count() == 20


def test_the_api_upload_applies_straight_away_with_the_number(
    district, users, api_client_as, django_capture_on_commit_callbacks
):
    client = api_client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/oneroster",
            {
                "file": sample_zip(),
                "dry_run": "false",
                "whole_district": "true",
                "confirm_deactivations": str(PEOPLE),
            },
        )
    run_queued_tasks()
    body = client.get(f"/api/v1/imports/oneroster/{response.json()['id']}").json()
    assert body["status"] == "applied", body
    assert body["confirmed_deactivations"] == PEOPLE


def test_a_roster_that_changed_since_the_check_is_not_applied_on_an_old_number(
    district, sites, users, api_client_as, django_capture_on_commit_callbacks
):
    client = api_client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/oneroster", {"file": sample_zip(), "whole_district": "true"}
        )
    run_queued_tasks()
    url = f"/api/v1/imports/oneroster/{response.json()['id']}"
    # Someone leaves between the check and the apply: 129 people, not 130, become inactive.
    Person.objects.filter(pk=Person.objects.filter(primary_site=sites[0]).first().pk).update(
        is_active=False
    )
    state = database_state()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}/apply?confirm_deactivations={PEOPLE}")
    run_queued_tasks()

    body = client.get(url).json()
    assert body["status"] == "rejected"
    assert body["errors"][0].startswith(f"Applying this makes {PEOPLE - 1} people inactive")
    assert body["errors"][0].endswith(
        f"You confirmed {PEOPLE}; nothing was changed. Check the file again."
    )
    assert database_state() == state


# --- who may import ------------------------------------------------------------------------


def delta_rename(tmp_path, person: Person) -> SimpleUploadedFile:
    """A delta users.csv that renames one person, zipped with its manifest."""
    folder = tmp_path / "delta"
    folder.mkdir()
    write(folder, "manifest", ["propertyName", "value"], [["oneroster.version", "1.1"]])
    set_manifest(folder, "file.users", "delta")
    header = [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
    ]
    row = dict.fromkeys(header, "")
    row.update(
        sourcedId=person.sourced_id,
        status="active",
        dateLastModified="2026-01-05T08:00:00Z",
        enabledUser="true",
        orgSourcedIds="org-s",
        role="student",
        username=person.username,
        givenName="Renamed",
        familyName=person.family_name,
    )
    write(folder, "users", header, [list(row.values())])
    path = zip_set(folder, tmp_path / "delta.zip")
    return SimpleUploadedFile("delta.zip", path.read_bytes(), "application/zip")


def test_a_technician_cannot_change_the_roster_by_page_api_or_command_line(
    district, sites, users, client_as, api_client_as, tmp_path
):
    """The defect: a technician of some schools applied a bulk set that emptied another
    school, and a delta file renamed a student they cannot even see."""
    tech = users[roles.TECHNICIAN]
    south_student = Person.objects.filter(primary_site=sites[1], kind="student").first()
    checked = roster_runs().create(
        kind="oneroster",
        file_name="x.zip",
        file_sha256="0" * 64,
        status="checked",
        options={"whole_district": True},
    )
    imports_before = roster_runs().count()
    state = database_state()

    page = client_as(tech)
    assert page.get("/imports/oneroster/new/").status_code == 403
    assert page.post("/imports/oneroster/new/", {"file": sample_zip()}).status_code == 403
    assert page.post(f"/imports/oneroster/{checked.pk}/apply/").status_code == 403

    api = api_client_as(tech)
    bulk = api.post(
        "/api/v1/imports/oneroster",
        {"file": sample_zip(), "dry_run": "false", "whole_district": "true"},
    )
    delta = api.post(
        "/api/v1/imports/oneroster",
        {"file": delta_rename(tmp_path, south_student), "dry_run": "false"},
    )
    assert bulk.status_code == delta.status_code == 403
    assert api.post(f"/api/v1/imports/oneroster/{checked.pk}/apply").status_code == 403

    code, _, err = run_text(SAMPLE, "--whole-district", "--as", tech.username)
    assert code == 2
    assert "Only a district admin can import a roster" in err

    assert roster_runs().count() == imports_before
    assert database_state() == state
    south_student.refresh_from_db()
    assert south_student.given_name != "Renamed"


def test_an_apply_queued_by_someone_no_longer_a_district_admin_changes_nothing(
    district, users, client_as, django_capture_on_commit_callbacks
):
    """The service that applies checks the role again: the page is not the only guard."""
    admin = users[roles.DISTRICT_ADMIN]
    with django_capture_on_commit_callbacks(execute=True):
        client_as(admin).post("/imports/oneroster/new/", {"file": sample_zip()})
    run_queued_tasks()
    record = roster_runs().latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(admin).post(f"/imports/oneroster/{record.pk}/apply/")
    admin.groups.set([Group.objects.get(name=roles.TECHNICIAN)])
    state = database_state()

    run_queued_tasks()

    record.refresh_from_db()
    assert record.status == "rejected"
    assert record.problems == [
        "Only a district admin can import a roster: a roster file changes people at every school."
    ]
    assert database_state() == state


def test_the_command_line_imports_as_a_district_admin(district, users):
    code, report = run_import(SAMPLE, "--as", users[roles.DISTRICT_ADMIN].username)
    assert code == 0, report["errors"]
    assert roster_runs().latest("pk").created_by == users[roles.DISTRICT_ADMIN]
