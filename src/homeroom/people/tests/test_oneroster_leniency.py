"""What student information systems get slightly wrong is read with a warning each: enum
values and file names in another case, manifest values left blank. What is really broken (a
reference to a record that does not exist) is still refused.

Every set is the shared roster-hub sample, copied and then changed."""

import pytest

from homeroom.people.models import Person, SchoolClass
from homeroom.people.tests.oneroster_sets import (
    copy_sample,
    counts_of,
    created,
    generated_set,
    read,
    roster_runs,
    row_counts,
    run_import,
    set_manifest,
    set_value,
    write_spec_file,
    zip_set,
)

pytestmark = pytest.mark.django_db

FIEL_WARNING = "manifest.csv:10: propertyName: unknown property “fiel.demographics”, ignored"
PEOPLE = 20


@pytest.mark.parametrize("container", ["folder", "zip"])
def test_file_names_in_another_case_are_read_with_a_warning(tmp_path, container):
    folder = copy_sample(tmp_path)
    (folder / "users.csv").rename(folder / "Users.csv")
    (folder / "manifest.csv").rename(folder / "MANIFEST.csv")
    path = folder if container == "folder" else zip_set(folder, tmp_path / "roster.zip")

    code, report = run_import(path)

    assert code == 0, report["errors"]
    assert report["warnings"] == [
        "MANIFEST.csv:0: file: OneRoster spells it manifest.csv; read as that file",
        "Users.csv:0: file: OneRoster spells it users.csv; read as that file",
        FIEL_WARNING,
    ]
    assert counts_of(report, "users") == created(PEOPLE)
    assert Person.objects.count() == PEOPLE


def test_a_12_userprofiles_file_in_lower_case_is_read(tmp_path):
    folder = tmp_path / "set"
    generated_set(folder, version="1.2")
    write_spec_file(
        folder,
        "userProfiles",
        [
            {
                "sourcedId": "up-1",
                "userSourcedId": "u000003",
                "profileType": "reading",
                "vendorId": "lexia",
                "credentialType": "username",
                "username": "alina.reading",
            }
        ],
    )
    (folder / "userProfiles.csv").rename(folder / "userprofiles.csv")
    set_manifest(folder, "file.userProfiles", "bulk")

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["warnings"] == [
        "userprofiles.csv:0: file: OneRoster spells it userProfiles.csv; read as that file"
    ]
    assert counts_of(report, "userProfiles") == created(1)
    assert list(Person.objects.get(sourced_id="u000003").profiles) == ["up-1"]


def test_two_files_for_the_same_name_are_refused(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "Users.csv").write_bytes((folder / "users.csv").read_bytes())

    code, report = run_import(folder)

    assert code == 1
    assert report["errors"] == [
        "roster:0: file: both Users.csv and users.csv are in the set; keep only one"
    ]
    assert not Person.objects.exists()


def test_enum_values_in_another_case_are_read_with_a_warning_each(tmp_path):
    folder = copy_sample(tmp_path)
    set_value(folder, "classes", "cl0001", "classType", "Scheduled")
    set_value(folder, "classes", "cl0004", "classType", "Scheduled")
    set_value(folder, "classes", "cl0005", "classType", "SCHEDULED")
    set_value(folder, "users", "us0003", "role", "Student")
    set_value(folder, "users", "us0004", "status", "Active")
    set_value(folder, "orgs", "or0001", "type", "School")
    set_value(folder, "users", "us0005", "grades", "kg")

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["warnings"] == [
        FIEL_WARNING,
        "orgs.csv:2: type: “School” read as “school”",
        "classes.csv:2: classType: “Scheduled” read as “scheduled” (and on 1 more row)",
        "classes.csv:6: classType: “SCHEDULED” read as “scheduled”",
        "users.csv:4: role: “Student” read as “student”",
        "users.csv:5: status: “Active” read as “active”",
        "users.csv:6: grades: “kg” read as “KG”",
    ]
    assert set(SchoolClass.objects.values_list("class_type", flat=True)) == {"scheduled"}
    assert Person.objects.get(sourced_id="us0003").kind == "student"
    assert Person.objects.get(sourced_id="us0004").is_active
    assert Person.objects.get(sourced_id="us0005").grade == "KG"
    assert roster_runs().get().warnings == report["warnings"]


def test_a_value_in_another_case_is_still_refused_when_it_is_no_value_at_all(tmp_path):
    folder = copy_sample(tmp_path)
    set_value(folder, "classes", "cl0002", "classType", "Lecture")

    code, report = run_import(folder)

    assert code == 1
    assert report["errors"] == [
        "classes.csv:3: classType: “Lecture” is not one of homeroom, scheduled"
    ]


def test_blank_manifest_values_are_read_from_the_set(tmp_path):
    folder = copy_sample(tmp_path)
    set_manifest(folder, "oneroster.version", "")
    set_manifest(folder, "file.users", "")
    set_manifest(folder, "file.categories", "")
    set_manifest(folder, "file.classes", "Bulk")

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["warnings"] == [
        "manifest.csv:3: oneroster.version: blank; read as 1.1, the version whose columns "
        "users.csv has",
        FIEL_WARNING,
        "manifest.csv:5: file.categories: blank; read as absent (the set has no categories.csv)",
        "manifest.csv:6: file.classes: “Bulk” read as “bulk”",
        "manifest.csv:16: file.users: blank; read as bulk (the set has users.csv)",
    ]
    assert counts_of(report, "users") == created(PEOPLE)
    record = roster_runs().get()
    assert record.details["version"] == "1.1"
    assert record.details["modes"]["users"] == record.details["modes"]["classes"] == "bulk"


def test_a_blank_version_that_the_columns_do_not_tell_is_refused(tmp_path):
    folder = copy_sample(tmp_path)
    set_manifest(folder, "oneroster.version", "")
    (folder / "users.csv").unlink()

    code, report = run_import(folder)

    assert code == 1
    assert report["errors"] == [
        "manifest.csv:3: oneroster.version: blank, and the columns of users.csv do not tell "
        "1.1 from 1.2"
    ]


def test_a_reference_to_a_missing_record_is_still_refused_among_leniencies(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "enrollments.csv").rename(folder / "Enrollments.csv")
    set_value(folder, "classes", "cl0001", "classType", "Scheduled")
    set_value(folder, "Enrollments", "en0010", "userSourcedId", "us9999")
    before = row_counts()

    code, report = run_import(folder)

    assert code == 1
    assert report["errors"] == ["enrollments.csv:11: userSourcedId: “us9999” is not in users.csv"]
    assert row_counts() == before
    header, _ = read(folder, "Enrollments")
    assert header[0] == "sourcedId"
