"""The OneRoster import through `homeroom import oneroster PATH --json`, on real and built sets.

Every test drives the command line and checks both its JSON report and the database. Sets are
the shared roster-hub sample (copied before any change), sets from the project's generator,
and 1.2 files written by hand from the 1.2.1 column table."""

import zipfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from homeroom.core.models import AuditEvent, Site
from homeroom.people.models import (
    AcademicSession,
    Course,
    Enrollment,
    Person,
    SchoolClass,
)
from homeroom.people.tests.oneroster_sets import (
    ENTITIES,
    SAMPLE,
    append_rows,
    as_dicts,
    copy_sample,
    counts,
    counts_of,
    created,
    database_state,
    drop_rows,
    generated_set,
    read,
    roster_audit_count,
    roster_runs,
    row_counts,
    run_import,
    set_manifest,
    set_value,
    spec_header,
    unchanged,
    write,
    write_manifest,
    write_spec_file,
    zip_set,
)

pytestmark = pytest.mark.django_db

FIEL_WARNING = "manifest.csv:10: propertyName: unknown property “fiel.demographics”, ignored"
SAMPLE_COUNTS = {
    "orgs": 1,
    "academicSessions": 4,
    "courses": 2,
    "classes": 5,
    "users": 20,
    "enrollments": 30,
}
NOTHING = dict.fromkeys(
    ("Site", "AcademicSession", "Course", "SchoolClass", "Person", "Enrollment"), 0
)


def person(sourced_id: str) -> Person:
    return Person.objects.get(sourced_id=sourced_id)


def audit_verbs(obj) -> list[str]:
    """The audit trail of one object, oldest first."""
    return list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .order_by("at", "pk")
        .values_list("verb", flat=True)
    )


def assert_report_counts(report: dict, expected: dict[str, dict]) -> None:
    """The report has counts for exactly the files in `expected`, and they are these."""
    entities = {key for key, value in report.items() if isinstance(value, dict) and key != "impact"}
    assert entities == set(expected)
    for entity, entity_counts in expected.items():
        assert counts_of(report, entity) == entity_counts, entity


# --- the roster-hub sample ----------------------------------------------------------------


def test_sample_imports_with_the_right_counts():
    code, report = run_import(SAMPLE)

    assert code == 0
    assert report["status"] == "applied"
    assert report["dry_run"] is False
    assert report["errors"] == []
    # The manifest's typo key is tolerated: a warning, not an error.
    assert report["warnings"] == [FIEL_WARNING]
    assert_report_counts(report, {name: created(n) for name, n in SAMPLE_COUNTS.items()})
    assert row_counts() == {
        "Site": 1,
        "AcademicSession": 4,
        "Course": 2,
        "SchoolClass": 5,
        "Person": 20,
        "Enrollment": 30,
    }

    # The org became a school site; classes, sessions and people hang off it.
    school = Site.objects.get(sourced_id="or0001")
    assert school.name == "Sample School"
    assert school.is_active
    assert set(SchoolClass.objects.values_list("site", flat=True)) == {school.pk}
    assert set(Course.objects.values_list("site", flat=True)) == {school.pk}
    advanced = SchoolClass.objects.get(sourced_id="cl0003")
    assert advanced.title == "Advanced Information Systems"
    assert advanced.class_code == "C403"
    assert advanced.periods == "1-4"
    assert advanced.course.sourced_id == "co0002"
    assert [term.sourced_id for term in advanced.terms.all()] == ["as0003"]
    session = AcademicSession.objects.get(sourced_id="as0002")
    assert (str(session.start_date), str(session.end_date), session.school_year) == (
        "2021-02-01",
        "2021-08-01",
        2021,
    )

    first = person("us0001")
    assert (first.given_name, first.family_name, first.username, first.email) == (
        "GN 01",
        "FN 01",
        "user01",
        "user01@sample-u.ac.jp",
    )
    assert first.primary_site == school
    assert list(first.sites.all()) == [school]
    # metadata.* extension columns are kept, without their prefix.
    assert first.metadata == {"phoneticGivenName": "PGN 01", "phoneticFamilyName": "PFN 01"}
    assert person("us0020").metadata == {
        "phoneticGivenName": "PGN 20",
        "phoneticFamilyName": "PFN 20",
    }
    assert Enrollment.objects.filter(role="teacher").count() == 5
    assert Enrollment.objects.filter(role="student").count() == 25
    assert set(
        Enrollment.objects.filter(school_class__sourced_id="cl0005", role="student").values_list(
            "person__sourced_id", flat=True
        )
    ) == {f"us{n:04d}" for n in range(15, 21)}

    record = roster_runs().get()
    assert record.status == "applied"
    assert record.details["version"] == "1.1"
    assert record.details["modes"] == dict.fromkeys(ENTITIES, "bulk")


@pytest.mark.parametrize("container", ["folder", "zip"])
def test_second_import_of_the_sample_changes_nothing(tmp_path, container):
    path = SAMPLE if container == "folder" else zip_set(SAMPLE, tmp_path / "roster-hub.zip")
    code, first = run_import(path)
    assert code == 0, first["errors"]
    assert_report_counts(first, {name: created(n) for name, n in SAMPLE_COUNTS.items()})
    before, audit_before = database_state(), roster_audit_count()

    code, second = run_import(path)

    assert code == 0
    assert second["status"] == "applied"
    assert second["warnings"] == [FIEL_WARNING]
    assert_report_counts(second, {name: unchanged(n) for name, n in SAMPLE_COUNTS.items()})
    assert database_state() == before
    assert roster_audit_count() == audit_before


def test_the_zip_and_the_folder_hold_the_same_set(tmp_path):
    code, _ = run_import(zip_set(SAMPLE, tmp_path / "roster-hub.zip"))
    assert code == 0

    code, report = run_import(SAMPLE)

    assert code == 0
    assert_report_counts(report, {name: unchanged(n) for name, n in SAMPLE_COUNTS.items()})


def test_dry_run_writes_nothing():
    audit_before = roster_audit_count()

    code, report = run_import(SAMPLE, "--dry-run")

    assert code == 0
    assert report["status"] == "checked"
    assert report["dry_run"] is True
    assert report["errors"] == []
    assert report["warnings"] == [FIEL_WARNING]
    # It reports what the import would do ...
    assert_report_counts(report, {name: created(n) for name, n in SAMPLE_COUNTS.items()})
    # ... and does none of it.
    assert row_counts() == NOTHING
    assert roster_audit_count() == audit_before
    record = roster_runs().get()
    assert record.status == "checked"
    assert record.applied_at is None
    assert record.checked_at is not None


def test_dry_run_after_an_import_reports_everything_unchanged():
    run_import(SAMPLE)
    before = database_state()

    code, report = run_import(SAMPLE, "--dry-run")

    assert code == 0
    assert report["status"] == "checked"
    assert_report_counts(report, {name: unchanged(n) for name, n in SAMPLE_COUNTS.items()})
    assert database_state() == before


def test_a_school_homeroom_already_has_is_linked_not_duplicated():
    existing = Site.objects.create(name="Sample School", code="SAMPLE", type="high")

    code, report = run_import(SAMPLE)

    assert code == 0, report["errors"]
    assert Site.objects.count() == 1
    existing.refresh_from_db()
    assert existing.sourced_id == "or0001"
    assert existing.code == "SAMPLE"
    assert counts_of(report, "orgs")["created"] == 0
    assert set(SchoolClass.objects.values_list("site", flat=True)) == {existing.pk}


# --- OneRoster 1.2 bulk -------------------------------------------------------------------

PROFILE = {
    "sourcedId": "up-0001",
    "userSourcedId": "u000003",
    "profileType": "reading",
    "vendorId": "lexia",
    "applicationId": "core5",
    "description": "Lexia Core5 Reading",
    "credentialType": "username",
    "username": "alina.reading",
    "password": "",
}


def bulk_12(folder):
    """A generated 1.2 bulk set plus one userProfiles.csv row written from the column table."""
    sizes = generated_set(folder, version="1.2")
    write_spec_file(folder, "userProfiles", [PROFILE])
    set_manifest(folder, "file.userProfiles", "bulk")
    return {**sizes, "userProfiles": 1}


def test_generated_12_files_have_the_binding_headers(tmp_path):
    """The 1.2 set the tests build has the 1.2.1 column table's headers, in its order."""
    bulk_12(tmp_path / "set")
    for name in (*ENTITIES, "roles", "userProfiles"):
        header, _ = read(tmp_path / "set", name)
        assert header == spec_header(name), name


def test_12_bulk_set_with_roles_and_user_profiles(tmp_path):
    folder = tmp_path / "set"
    sizes = bulk_12(folder)
    assert sizes["users"] == 14

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["status"] == "applied"
    assert report["warnings"] == []
    assert_report_counts(report, {name: created(n) for name, n in sizes.items()})
    assert Person.objects.count() == sizes["users"]
    assert Enrollment.objects.count() == sizes["enrollments"]
    # Orgs map to sites: the district and the school are both created.
    school = Site.objects.get(sourced_id="sch-rhs")
    assert school.name == "Riverside High School"
    assert Site.objects.get(sourced_id="district").type == "district_office"

    # roles.csv decides kind and sites; userProfiles.csv is kept on the person.
    roles = {row["userSourcedId"]: row["role"] for row in as_dicts(folder, "roles")}
    for someone in Person.objects.all():
        expected_kind = {"teacher": "teacher", "student": "student", "aide": "aide"}[
            roles[someone.sourced_id]
        ]
        assert someone.kind == expected_kind, someone.sourced_id
        assert someone.primary_site == school
        assert list(someone.sites.all()) == [school]
        assert list(someone.roles) == [f"r-{someone.sourced_id}"]
    alina = person("u000003")
    assert alina.roles["r-u000003"]["role"] == "student"
    assert alina.roles["r-u000003"]["org"] == "sch-rhs"
    assert list(alina.profiles) == ["up-0001"]
    assert alina.profiles["up-0001"]["vendor_id"] == "lexia"
    assert alina.profiles["up-0001"]["username"] == "alina.reading"
    assert alina.profiles["up-0001"]["credential_type"] == "username"
    assert person("u000004").profiles == {}
    assert roster_runs().get().details["version"] == "1.2"

    before = database_state()
    code, again = run_import(folder)
    assert code == 0
    assert_report_counts(again, {name: unchanged(n) for name, n in sizes.items()})
    assert database_state() == before


def test_12_role_change_updates_the_person(tmp_path):
    """In 1.2 a person's kind comes from roles.csv: a changed role updates the person even
    though their users.csv row is the same."""
    folder = tmp_path / "set"
    sizes = bulk_12(folder)
    run_import(folder)
    set_value(folder, "roles", "r-u000003", "role", "aide")

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert counts_of(report, "roles") == counts(updated=1, unchanged=sizes["roles"] - 1)
    assert counts_of(report, "users") == counts(updated=1, unchanged=sizes["users"] - 1)
    alina = person("u000003")
    assert alina.kind == "aide"
    assert alina.roles["r-u000003"]["role"] == "aide"
    event = AuditEvent.objects.get(
        content_type=ContentType.objects.get_for_model(Person), object_id=alina.pk, verb="updated"
    )
    assert event.changes["kind"] == ["student", "aide"]


def test_12_bulk_set_with_administrators_on_staff(tmp_path):
    """generate(version="1.2") promises a valid set; OneRoster 1.2 has no "administrator"
    role (it has districtAdministrator, siteAdministrator, ...), so the staff it draws as
    administrators must get a 1.2 role. With seed 2, one of the three staff is one."""
    folder = tmp_path / "set"
    sizes = generated_set(folder, version="1.2", staff=3, seed=2)

    code, report = run_import(folder)

    assert report["errors"] == []
    assert code == 0
    assert Person.objects.count() == sizes["users"]
    assert Person.objects.filter(kind="administrator").count() == 1


# --- OneRoster 1.2 delta ------------------------------------------------------------------

DELTA_TIME = "2027-01-15T08:00:00Z"


def import_bulk_12(tmp_path):
    folder = tmp_path / "bulk"
    sizes = bulk_12(folder)
    code, report = run_import(folder)
    assert code == 0, report["errors"]
    return folder, sizes


def delta_user(bulk_folder, sourced_id: str, **changes) -> dict:
    """A user's row from the bulk set, as a delta row (status and dateLastModified set)."""
    row = next(row for row in as_dicts(bulk_folder, "users") if row["sourcedId"] == sourced_id)
    return {**row, "status": "active", "dateLastModified": DELTA_TIME, **changes}


def test_12_delta_set(tmp_path):
    bulk, sizes = import_bulk_12(tmp_path)
    renamed, leaving = person("u000005"), person("u000006")
    renamed_roles, renamed_sites = renamed.roles, list(renamed.sites.all())
    leaving_enrollments = [
        row for row in as_dicts(bulk, "enrollments") if row["userSourcedId"] == "u000006"
    ]
    assert leaving_enrollments
    homeroom = SchoolClass.objects.get(sourced_id="k-RHS-0000")

    delta = tmp_path / "delta"
    delta.mkdir()
    write_manifest(delta, "1.2", {"users": "delta", "roles": "delta", "enrollments": "delta"})
    write_spec_file(
        delta,
        "users",
        [
            delta_user(bulk, "u000005", givenName="Renata"),
            {
                "sourcedId": "u-new-1",
                "status": "active",
                "dateLastModified": DELTA_TIME,
                "enabledUser": "true",
                "username": "nadia.quinn",
                "givenName": "Nadia",
                "familyName": "Quinn",
                "identifier": "200001",
                "email": "nadia.quinn@riverside.example.org",
                "grades": "10",
                # A school that is in Homeroom but not in this set.
                "primaryOrgSourcedId": "sch-rhs",
            },
            delta_user(bulk, "u000006", status="tobedeleted"),
        ],
    )
    write_spec_file(
        delta,
        "roles",
        [
            {
                "sourcedId": "r-u-new-1",
                "status": "active",
                "dateLastModified": DELTA_TIME,
                "userSourcedId": "u-new-1",
                "roleType": "primary",
                "role": "student",
                "orgSourcedId": "sch-rhs",
            }
        ],
    )
    write_spec_file(
        delta,
        "enrollments",
        [
            {
                "sourcedId": "e-new-1",
                "status": "active",
                "dateLastModified": DELTA_TIME,
                # A class and a school that are in Homeroom but not in this set.
                "classSourcedId": "k-RHS-0000",
                "schoolSourcedId": "sch-rhs",
                "userSourcedId": "u-new-1",
                "role": "student",
                "primary": "false",
            },
            *(
                {**row, "status": "tobedeleted", "dateLastModified": DELTA_TIME}
                for row in leaving_enrollments
            ),
        ],
    )
    pks_before = set(Person.objects.values_list("pk", flat=True))
    enrollment_pks_before = set(Enrollment.objects.values_list("pk", flat=True))

    code, report = run_import(delta)

    assert code == 0, report["errors"]
    assert report["status"] == "applied"
    assert report["warnings"] == []
    assert_report_counts(
        report,
        {
            "users": counts(created=1, updated=1, deactivated=1),
            "roles": counts(created=1),
            "enrollments": counts(created=1, deactivated=len(leaving_enrollments)),
        },
    )
    modes = roster_runs().order_by("pk").last().details["modes"]
    assert {name: mode for name, mode in modes.items() if mode != "absent"} == {
        "users": "delta",
        "roles": "delta",
        "enrollments": "delta",
    }
    # A changed givenName updates, and nothing else about the person moves.
    renamed.refresh_from_db()
    assert renamed.given_name == "Renata"
    assert renamed.is_active
    assert renamed.roles == renamed_roles
    assert list(renamed.sites.all()) == renamed_sites
    assert "updated" in audit_verbs(renamed)
    # tobedeleted deactivates; the person and their enrollments stay.
    leaving.refresh_from_db()
    assert not leaving.is_active
    assert audit_verbs(leaving) == ["created", "deactivated"]
    assert Enrollment.objects.filter(person=leaving).count() == len(leaving_enrollments)
    assert not Enrollment.objects.filter(person=leaving, is_active=True).exists()
    # The new user is created with their role and enrolled in a class already in Homeroom.
    nadia = person("u-new-1")
    school = Site.objects.get(sourced_id="sch-rhs")
    assert (nadia.given_name, nadia.family_name, nadia.grade, nadia.kind) == (
        "Nadia",
        "Quinn",
        "10",
        "student",
    )
    assert nadia.primary_site == school
    assert list(nadia.sites.all()) == [school]
    enrollment = Enrollment.objects.get(sourced_id="e-new-1")
    assert (enrollment.person, enrollment.school_class, enrollment.is_active) == (
        nadia,
        homeroom,
        True,
    )
    # Records a delta file does not mention are left alone (not deactivated as in bulk).
    assert Person.objects.filter(is_active=True).count() == sizes["users"]
    assert Enrollment.objects.filter(is_active=True).count() == sizes["enrollments"] + 1 - len(
        leaving_enrollments
    )
    # Nothing is deleted.
    assert pks_before < set(Person.objects.values_list("pk", flat=True))
    assert enrollment_pks_before < set(Enrollment.objects.values_list("pk", flat=True))

    # The same delta again changes nothing.
    before = database_state()
    code, again = run_import(delta)
    assert code == 0
    assert_report_counts(
        again,
        {
            "users": unchanged(3),
            "roles": unchanged(1),
            "enrollments": unchanged(1 + len(leaving_enrollments)),
        },
    )
    assert database_state() == before


def test_12_delta_users_without_roles_keeps_the_stored_roles(tmp_path):
    """A delta set with only users.csv says nothing about roles: a person's roles (and the
    sites they give) must stay as they are when their name changes."""
    bulk, _ = import_bulk_12(tmp_path)
    before = person("u000005")
    roles, sites = before.roles, list(before.sites.all())
    assert roles and sites

    delta = tmp_path / "delta"
    delta.mkdir()
    write_manifest(delta, "1.2", {"users": "delta"})
    write_spec_file(delta, "users", [delta_user(bulk, "u000005", givenName="Renata")])

    code, report = run_import(delta)

    assert code == 0, report["errors"]
    assert_report_counts(report, {"users": counts(updated=1)})
    after = person("u000005")
    assert after.given_name == "Renata"
    assert after.roles == roles
    assert list(after.sites.all()) == sites
    assert after.kind == before.kind
    assert after.primary_site == before.primary_site


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"status": ""},
            "users.csv:2: status: required",
        ),
        (
            {"dateLastModified": ""},
            "users.csv:2: dateLastModified: required",
        ),
        (
            {"status": "deleted"},
            "users.csv:2: status: “deleted” is not one of active, tobedeleted",
        ),
        (
            {"primaryOrgSourcedId": "sch-nowhere"},
            "users.csv:2: primaryOrgSourcedId: “sch-nowhere” is not in orgs.csv or in Homeroom",
        ),
    ],
    ids=["status-empty", "dateLastModified-empty", "status-bad", "unknown-org"],
)
def test_12_delta_rejects(tmp_path, change, error):
    bulk, _ = import_bulk_12(tmp_path)
    before = database_state()
    delta = tmp_path / "delta"
    delta.mkdir()
    write_manifest(delta, "1.2", {"users": "delta"})
    write_spec_file(delta, "users", [delta_user(bulk, "u000005", givenName="Renata", **change)])

    code, report = run_import(delta)

    assert code == 1
    assert report["status"] == "rejected"
    assert report["errors"] == [error]
    assert database_state() == before


def test_12_delta_enrollment_of_an_unknown_class(tmp_path):
    import_bulk_12(tmp_path)
    before = database_state()
    delta = tmp_path / "delta"
    delta.mkdir()
    write_manifest(delta, "1.2", {"enrollments": "delta"})
    write_spec_file(
        delta,
        "enrollments",
        [
            {
                "sourcedId": "e-new-1",
                "status": "active",
                "dateLastModified": DELTA_TIME,
                "classSourcedId": "k-RHS-9999",
                "schoolSourcedId": "sch-rhs",
                "userSourcedId": "u000003",
                "role": "student",
            }
        ],
    )

    code, report = run_import(delta)

    assert code == 1
    assert report["errors"] == [
        "enrollments.csv:2: classSourcedId: “k-RHS-9999” is not in classes.csv or in Homeroom"
    ]
    assert database_state() == before


# --- bulk: deactivation, reactivation, year-end rollover ---------------------------------


def test_bulk_deactivates_what_is_missing_and_reactivates_what_returns(tmp_path):
    run_import(SAMPLE)
    gone = person("us0009")
    pks_before = set(Person.objects.values_list("pk", flat=True))
    enrollment_pks_before = set(Enrollment.objects.values_list("pk", flat=True))
    folder = copy_sample(tmp_path)
    drop_rows(folder, "users", sourcedId="us0009")
    removed = drop_rows(folder, "enrollments", userSourcedId="us0009")
    assert [row[0] for row in removed] == ["en0012", "en0019"]
    expected = {
        **{name: unchanged(n) for name, n in SAMPLE_COUNTS.items()},
        "users": counts(unchanged=19, deactivated=1),
        "enrollments": counts(unchanged=28, deactivated=2),
    }

    # The dry run says what will happen and does nothing.
    state = database_state()
    code, dry = run_import(folder, "--dry-run")
    assert code == 0
    assert_report_counts(dry, expected)
    assert database_state() == state

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert_report_counts(report, expected)
    gone.refresh_from_db()
    assert not gone.is_active
    assert gone.given_name == "GN 09"
    assert audit_verbs(gone) == ["created", "deactivated"]
    assert sorted(
        Enrollment.objects.filter(person=gone).values_list("sourced_id", "is_active")
    ) == [("en0012", False), ("en0019", False)]
    assert Person.objects.filter(is_active=True).count() == 19
    assert Enrollment.objects.filter(is_active=True).count() == 28
    # Never deleted.
    assert set(Person.objects.values_list("pk", flat=True)) == pks_before
    assert set(Enrollment.objects.values_list("pk", flat=True)) == enrollment_pks_before

    # The same file again changes nothing: who is already inactive is not counted again.
    state = database_state()
    code, again = run_import(folder)
    assert code == 0
    assert_report_counts(
        again,
        {
            **{name: unchanged(n) for name, n in SAMPLE_COUNTS.items()},
            "users": unchanged(19),
            "enrollments": unchanged(28),
        },
    )
    assert database_state() == state

    # They come back when they reappear in the bulk file.
    code, back = run_import(SAMPLE)

    assert code == 0
    assert_report_counts(
        back,
        {
            **{name: unchanged(n) for name, n in SAMPLE_COUNTS.items()},
            "users": counts(unchanged=19, reactivated=1),
            "enrollments": counts(unchanged=28, reactivated=2),
        },
    )
    gone.refresh_from_db()
    assert gone.is_active
    assert gone.pk in pks_before
    assert audit_verbs(gone) == ["created", "deactivated", "reactivated"]
    assert Enrollment.objects.filter(person=gone, is_active=True).count() == 2
    assert set(Enrollment.objects.values_list("pk", flat=True)) == enrollment_pks_before


def test_bulk_deactivates_a_class_that_disappears(tmp_path):
    run_import(SAMPLE)
    folder = copy_sample(tmp_path)
    drop_rows(folder, "classes", sourcedId="cl0005")
    drop_rows(folder, "enrollments", classSourcedId="cl0005")

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert counts_of(report, "classes") == counts(unchanged=4, deactivated=1)
    assert counts_of(report, "enrollments") == counts(unchanged=23, deactivated=7)
    school_class = SchoolClass.objects.get(sourced_id="cl0005")
    assert not school_class.is_active
    assert school_class.enrollments.count() == 7
    assert SchoolClass.objects.count() == 5


def test_year_end_rollover(tmp_path):
    folder = tmp_path / "set"
    generated_set(folder)
    code, report = run_import(folder)
    assert code == 0, report["errors"]
    users = as_dicts(folder, "users")
    students = [row for row in users if row["role"] == "student"]
    graduates = [row["sourcedId"] for row in students if row["grades"] == "12"]
    moving_up = {
        row["sourcedId"]: (row["grades"], f"{int(row['grades']) + 1:02d}")
        for row in students
        if row["grades"] != "12"
    }
    assert graduates and moving_up
    staff = len(users) - len(students)
    history_before = {sid: audit_verbs(person(sid)) for sid in [*graduates, *moving_up]}
    assert all(verbs == ["created"] for verbs in history_before.values())

    # Next year's bulk file: graduates are gone (with their enrollments), grades move up.
    for sid in graduates:
        drop_rows(folder, "users", sourcedId=sid)
    graduate_enrollments = sum(
        len(drop_rows(folder, "enrollments", userSourcedId=sid)) for sid in graduates
    )
    for sid, (_, new) in moving_up.items():
        set_value(folder, "users", sid, "grades", new)
    enrollments_left = len(as_dicts(folder, "enrollments"))
    # More than a fifth of the school leaves: applying needs that number typed.
    assert len(graduates) * 5 > len(users)
    state = database_state()
    code, refused = run_import(folder)
    assert code == 1
    assert refused["errors"] == [
        f"Applying this makes {len(graduates)} people inactive: {len(graduates)} of the "
        f"{len(users)} at Riverside High School. Nothing was changed."
    ]
    assert database_state() == state

    code, report = run_import(folder, "--confirm-deactivations", str(len(graduates)))

    assert code == 0, report["errors"]
    assert counts_of(report, "users") == counts(
        updated=len(moving_up), unchanged=staff, deactivated=len(graduates)
    )
    assert counts_of(report, "enrollments") == counts(
        unchanged=enrollments_left, deactivated=graduate_enrollments
    )
    for sid, (old, new) in moving_up.items():
        student = person(sid)
        assert (student.grades, student.grade, student.is_active) == (new, new, True)
        assert audit_verbs(student) == ["created", "updated"]
        event = AuditEvent.objects.filter(object_id=student.pk, verb="updated").get(
            content_type=ContentType.objects.get_for_model(Person)
        )
        assert event.changes == {"grades": [old, new], "grade": [old, new]}
        assert event.interface == "import"
    for sid in graduates:
        graduate = person(sid)
        # History stays: the person, their last grade and their enrollments.
        assert not graduate.is_active
        assert graduate.grade == "12"
        assert audit_verbs(graduate) == ["created", "deactivated"]
        assert graduate.enrollments.exists()
        assert not graduate.enrollments.filter(is_active=True).exists()

    code, again = run_import(folder)
    assert code == 0
    assert counts_of(again, "users") == unchanged(len(users) - len(graduates))


# --- the manifest -------------------------------------------------------------------------


def test_a_file_the_manifest_calls_absent_is_read_as_bulk(tmp_path):
    folder = copy_sample(tmp_path)
    set_manifest(folder, "file.courses", "absent")

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["warnings"] == [
        FIEL_WARNING,
        "courses.csv is in the set but the manifest says absent; it was read as a bulk file",
    ]
    assert counts_of(report, "courses") == created(2)
    assert Course.objects.count() == 2
    assert roster_runs().get().details["modes"]["courses"] == "bulk"


def test_a_file_the_manifest_lists_but_the_set_lacks_is_treated_absent(tmp_path):
    run_import(SAMPLE)
    folder = copy_sample(tmp_path)
    (folder / "enrollments.csv").unlink()

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["warnings"] == [
        FIEL_WARNING,
        "the manifest lists enrollments.csv as bulk but the set has no such file; "
        "it was treated as absent",
    ]
    assert "enrollments" not in report
    # Absent is not an empty bulk file: the enrollments stay active.
    assert Enrollment.objects.filter(is_active=True).count() == 30


# --- byte-order mark ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["users", "manifest"])
def test_a_byte_order_mark_is_accepted(tmp_path, name):
    folder = copy_sample(tmp_path)
    path = folder / f"{name}.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert_report_counts(report, {entity: created(n) for entity, n in SAMPLE_COUNTS.items()})
    first = person("us0001")
    assert first.given_name == "GN 01"
    assert first.metadata == {"phoneticGivenName": "PGN 01", "phoneticFamilyName": "PFN 01"}

    code, again = run_import(SAMPLE)
    assert_report_counts(again, {entity: unchanged(n) for entity, n in SAMPLE_COUNTS.items()})


# --- malformed sets -----------------------------------------------------------------------


def _edit_text(folder, name: str, edit) -> None:
    path = folder / f"{name}.csv"
    path.write_bytes(edit(path.read_bytes()))


def _drop_column(folder, name: str, column: str) -> None:
    header, rows = read(folder, name)
    index = header.index(column)
    write(
        folder,
        name,
        header[:index] + header[index + 1 :],
        [row[:index] + row[index + 1 :] for row in rows],
    )


def _rename_column(folder, name: str, old: str, new: str) -> None:
    header, rows = read(folder, name)
    header[header.index(old)] = new
    write(folder, name, header, rows)


def _swap_columns(folder, name: str, a: str, b: str) -> None:
    header, rows = read(folder, name)
    i, j = header.index(a), header.index(b)
    for row in [header, *rows]:
        row[i], row[j] = row[j], row[i]
    write(folder, name, header, rows)


def _add_column(folder, name: str, column: str, value: str) -> None:
    header, rows = read(folder, name)
    write(folder, name, [*header, column], [[*row, value] for row in rows])


def _duplicate_user(folder):
    _, rows = read(folder, "users")
    copy = list(rows[0])
    copy[6] = "user01b"
    append_rows(folder, "users", [copy])


def _latin1_name(folder):
    _edit_text(folder, "users", lambda data: data.replace(b'"GN 07"', b'"Jos\xe9"'))


def _short_row(folder):
    _edit_text(folder, "enrollments", lambda data: data.replace(b'"en0004","",', b'"en0004",'))


def _department_class(folder):
    append_rows(folder, "orgs", [["dep0001", "", "", "Science Department", "department", "", ""]])
    set_value(folder, "classes", "cl0005", "schoolSourcedId", "dep0001")


def _zip_with_folder(folder):
    return zip_set(folder, folder.parent / "roster.zip", inside="roster")


def _no_manifest(folder):
    (folder / "manifest.csv").unlink()


ENROLLMENTS_11 = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate"
)

# Header and format problems are put in enrollments.csv, the file nothing refers to, so each
# case has exactly one error; what a broken users.csv does to references into it is tested
# on its own below.
MALFORMED = {
    "missing-required-column": (
        lambda f: _drop_column(f, "enrollments", "role"),
        ["enrollments.csv:1: role: missing column"],
    ),
    "column-wrong-case": (
        lambda f: _rename_column(f, "enrollments", "classSourcedId", "ClassSourcedID"),
        ["enrollments.csv:1: ClassSourcedID: must be spelled “classSourcedId”"],
    ),
    "columns-out-of-order": (
        lambda f: _swap_columns(f, "enrollments", "beginDate", "endDate"),
        [
            "enrollments.csv:1: header: columns are out of order; the binding's order is "
            + ENROLLMENTS_11
        ],
    ),
    "unknown-column": (
        lambda f: _add_column(f, "enrollments", "section", ""),
        [
            "enrollments.csv:1: section: not a column of this file; extra columns must start "
            "with “metadata.”"
        ],
    ),
    "column-twice": (
        lambda f: _add_column(f, "enrollments", "role", "student"),
        ["enrollments.csv:1: role: appears twice in the header"],
    ),
    "enrollment-unknown-user": (
        lambda f: set_value(f, "enrollments", "en0010", "userSourcedId", "us9999"),
        ["enrollments.csv:11: userSourcedId: “us9999” is not in users.csv"],
    ),
    "class-unknown-course": (
        lambda f: set_value(f, "classes", "cl0003", "courseSourcedId", "co9999"),
        ["classes.csv:4: courseSourcedId: “co9999” is not in courses.csv"],
    ),
    "bad-date": (
        lambda f: set_value(f, "academicSessions", "as0002", "startDate", "2021/02/01"),
        ["academicSessions.csv:3: startDate: “2021/02/01” is not a date like 2025-08-14"],
    ),
    "impossible-date": (
        lambda f: set_value(f, "academicSessions", "as0002", "endDate", "2021-02-30"),
        ["academicSessions.csv:3: endDate: “2021-02-30” is not a date like 2025-08-14"],
    ),
    "end-before-start": (
        lambda f: set_value(f, "academicSessions", "as0001", "endDate", "2020-07-01"),
        ["academicSessions.csv:2: endDate: is before startDate"],
    ),
    "bad-class-type": (
        lambda f: set_value(f, "classes", "cl0002", "classType", "lecture"),
        ["classes.csv:3: classType: “lecture” is not one of homeroom, scheduled"],
    ),
    "bad-boolean": (
        lambda f: set_value(f, "users", "us0005", "enabledUser", "yes"),
        ["users.csv:6: enabledUser: “yes” is not true or false"],
    ),
    "bad-grade": (
        lambda f: set_value(f, "users", "us0003", "grades", "5"),
        ["users.csv:4: grades: “5” is not a CEDS grade such as KG, 01 or 12"],
    ),
    "duplicate-sourcedId": (
        _duplicate_user,
        ["users.csv:22: sourcedId: “us0001” is already used on line 2"],
    ),
    "wrong-encoding": (
        _latin1_name,
        [
            "users.csv:8: encoding: byte 0xe9 is not UTF-8; save the file as UTF-8 "
            "(CSV UTF-8 in spreadsheet programs)"
        ],
    ),
    "empty-file": (
        lambda f: (f / "enrollments.csv").write_bytes(b""),
        ["enrollments.csv:1: header: the file is empty"],
    ),
    "wrong-number-of-fields": (
        _short_row,
        ["enrollments.csv:5: row: has 9 fields, the header has 10"],
    ),
    "unclosed-quote": (
        lambda f: _edit_text(f, "courses", lambda data: data.replace(b'"CC402"', b'"CC402')),
        [
            "courses.csv:3: format: not valid CSV (',' expected after '\"')",
        ],
    ),
    "zip-with-a-folder-inside": (
        _zip_with_folder,
        [
            "roster.zip:0: zip: the CSV files are inside the folder “roster/”; "
            "zip the files themselves, not their folder"
        ],
    ),
    "missing-manifest": (
        _no_manifest,
        ["manifest.csv:0: file: missing; a OneRoster set always has a manifest.csv"],
    ),
    "bad-oneroster-version": (
        lambda f: set_value(f, "manifest", "oneroster.version", "value", "1.0"),
        ["manifest.csv:3: oneroster.version: “1.0” is not 1.1 or 1.2"],
    ),
    "manifest-header": (
        lambda f: _rename_column(f, "manifest", "propertyName", "property"),
        ["manifest.csv:1: header: must be exactly propertyName,value"],
    ),
    "manifest-without-version": (
        lambda f: drop_rows(f, "manifest", propertyName="oneroster.version"),
        ["manifest.csv:1: oneroster.version: missing"],
    ),
    "bad-manifest-mode": (
        lambda f: set_value(f, "manifest", "file.users", "value", "full"),
        ["manifest.csv:16: file.users: “full” is not bulk, delta or absent"],
    ),
    "required-value-empty": (
        lambda f: set_value(f, "users", "us0016", "givenName", ""),
        ["users.csv:17: givenName: required"],
    ),
    "bad-enrollment-role-in-the-last-file": (
        lambda f: set_value(f, "enrollments", "en0030", "role", "learner"),
        [
            "enrollments.csv:31: role: “learner” is not one of administrator, aide, proctor, "
            "student, teacher"
        ],
    ),
    "class-at-a-department": (
        _department_class,
        ["classes.csv:6: schoolSourcedId: “dep0001” is not a school"],
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_set_is_rejected_and_changes_nothing(tmp_path, case):
    make, errors = MALFORMED[case]
    folder = copy_sample(tmp_path)
    made = make(folder)
    path = made if isinstance(made, Path) else folder  # a case that zips the set returns the zip
    audit_before = roster_audit_count()

    code, report = run_import(path)

    assert code == 1
    assert report["status"] == "rejected"
    assert report["errors"] == errors
    assert row_counts() == NOTHING
    assert roster_audit_count() == audit_before
    assert roster_runs().get().status == "rejected"


@pytest.mark.parametrize(
    ("break_users", "error"),
    [
        (
            lambda f: _drop_column(f, "users", "givenName"),
            "users.csv:1: givenName: missing column",
        ),
        (
            lambda f: _rename_column(f, "users", "givenName", "givenname"),
            "users.csv:1: givenname: must be spelled “givenName”",
        ),
        (
            lambda f: (f / "users.csv").write_bytes(b""),
            "users.csv:1: header: the file is empty",
        ),
        (
            lambda f: _edit_text(f, "users", lambda data: data.replace(b',"PFN 04"', b"")),
            "users.csv:5: row: has 19 fields, the header has 20",
        ),
    ],
    ids=["missing-column", "wrong-case", "empty", "short-row"],
)
def test_a_broken_users_file_is_reported_once(tmp_path, break_users, error):
    """When users.csv (or one of its rows) cannot be read, the problem is that file: the
    enrollments that refer to its users must not each be reported as pointing at a user who
    “is not in users.csv” — they are in it."""
    folder = copy_sample(tmp_path)
    break_users(folder)

    code, report = run_import(folder)

    assert code == 1
    assert report["errors"] == [error]
    assert row_counts() == NOTHING


def test_two_errors_in_different_files_are_both_listed(tmp_path):
    folder = copy_sample(tmp_path)
    set_value(folder, "users", "us0016", "givenName", "")
    set_value(folder, "enrollments", "en0010", "userSourcedId", "us9999")

    code, report = run_import(folder)

    assert code == 1
    assert report["errors"] == [
        "users.csv:17: givenName: required",
        "enrollments.csv:11: userSourcedId: “us9999” is not in users.csv",
    ]
    assert row_counts() == NOTHING


def test_an_error_in_the_last_file_leaves_the_earlier_files_unwritten(tmp_path):
    """Changes to orgs, sessions, classes and users are checked fine, but one enrollment is
    bad: none of the changes is written."""
    run_import(SAMPLE)
    before, audit_before = database_state(), roster_audit_count()
    folder = copy_sample(tmp_path)
    set_value(folder, "orgs", "or0001", "name", "Renamed School")
    set_value(folder, "academicSessions", "as0001", "title", "2020 - autumn")
    set_value(folder, "classes", "cl0001", "location", "Room 12")
    set_value(folder, "users", "us0001", "givenName", "Changed")
    drop_rows(folder, "users", sourcedId="us0020")
    append_rows(
        folder,
        "users",
        [
            [
                "us0021",
                "",
                "",
                "true",
                "or0001",
                "student",
                "user21",
                "",
                "GN 21",
                "FN 21",
                *[""] * 10,
            ]
        ],
    )
    set_value(folder, "enrollments", "en0030", "userSourcedId", "us0020")

    code, report = run_import(folder)

    assert code == 1
    assert report["errors"] == ["enrollments.csv:31: userSourcedId: “us0020” is not in users.csv"]
    assert database_state() == before
    assert roster_audit_count() == audit_before


def test_a_path_that_is_not_a_set(tmp_path):
    not_a_zip = tmp_path / "roster.zip"
    not_a_zip.write_text("sourcedId,name\n")

    code, report = run_import(not_a_zip)

    assert code == 1
    assert report["errors"] == [
        "roster.zip:0: file: not a zip file or a folder of OneRoster CSV files"
    ]
    assert row_counts() == NOTHING


def test_a_damaged_zip_is_rejected(tmp_path):
    """A zip whose users.csv is damaged (a flipped byte in its compressed data) is rejected
    with a message, not a traceback that leaves the import “checking” for ever."""
    archive = zip_set(SAMPLE, tmp_path / "roster.zip")
    with zipfile.ZipFile(archive) as readable:
        info = readable.getinfo("users.csv")
    data = bytearray(archive.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + 20] ^= 0xFF
    archive.write_bytes(bytes(data))

    code, report = run_import(archive)

    assert code == 1
    assert report["status"] == "rejected"
    assert len(report["errors"]) == 1
    assert "users.csv" in report["errors"][0]
    assert row_counts() == NOTHING
    assert roster_runs().get().status == "rejected"


def test_two_schools_with_the_same_name(tmp_path):
    """Homeroom's site names are unique; a set with two schools of one name must be rejected
    with a message on the second one, not crash half-way through the write."""
    folder = copy_sample(tmp_path)
    append_rows(folder, "orgs", [["or0002", "", "", "Sample School", "school", "", ""]])

    code, report = run_import(folder)

    assert code == 1
    assert report["status"] == "rejected"
    assert len(report["errors"]) == 1
    assert report["errors"][0].startswith("orgs.csv:3: name: ")
    assert row_counts() == NOTHING


# --- line endings and zips from other systems ----------------------------------------------


def test_windows_line_endings_are_accepted(tmp_path):
    folder = copy_sample(tmp_path)
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert report["warnings"] == [FIEL_WARNING]
    assert_report_counts(report, {name: created(n) for name, n in SAMPLE_COUNTS.items()})
    assert person("us0020").metadata == {
        "phoneticGivenName": "PGN 20",
        "phoneticFamilyName": "PFN 20",
    }
    # The same records with Unix line endings are the same records.
    code, again = run_import(SAMPLE)
    assert_report_counts(again, {name: unchanged(n) for name, n in SAMPLE_COUNTS.items()})


def test_a_zip_made_on_a_mac_is_accepted(tmp_path):
    archive = zip_set(SAMPLE, tmp_path / "roster.zip")
    with zipfile.ZipFile(archive, "a") as extra:
        extra.writestr("__MACOSX/._users.csv", b"\x00\x05\x16\x07")
        extra.writestr(".DS_Store", b"\x00\x00\x00\x01Bud1")

    code, report = run_import(archive)

    assert code == 0, report["errors"]
    assert_report_counts(report, {name: created(n) for name, n in SAMPLE_COUNTS.items()})


# --- metadata.* columns on other files ----------------------------------------------------


@pytest.mark.parametrize(
    ("file", "sourced_id", "model"),
    [
        ("academicSessions", "as0001", AcademicSession),
        ("courses", "co0001", Course),
        ("classes", "cl0001", SchoolClass),
        ("enrollments", "en0001", Enrollment),
    ],
)
def test_metadata_columns_are_kept_on_every_roster_record(tmp_path, file, sourced_id, model):
    """Every roster record has a `metadata` field; a file's metadata.* columns land there."""
    folder = copy_sample(tmp_path)
    _add_column(folder, file, "metadata.localCode", "")
    set_value(folder, file, sourced_id, "metadata.localCode", "X-17")

    code, report = run_import(folder)

    assert code == 0, report["errors"]
    assert model.objects.get(sourced_id=sourced_id).metadata == {"localCode": "X-17"}
    assert model.objects.exclude(sourced_id=sourced_id).filter(metadata={}).count() == (
        model.objects.count() - 1
    )
