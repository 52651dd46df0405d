"""LMS provisioning files from the roster: Canvas's SIS import CSVs and a OneRoster set that
the roster import reads back unchanged."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from homeroom.core import roles
from homeroom.people.models import AcademicSession, Course, Enrollment, Person, SchoolClass
from homeroom.software import provisioning

SAMPLE = Path(__file__).resolve().parents[5] / "shared/samples/oneroster/roster-hub-1.1-bulk"


def import_roster(path: Path) -> None:
    """`homeroom import oneroster PATH`, which ends with its exit code."""
    try:
        call_command("import", "oneroster", str(path), stdout=io.StringIO())
    except SystemExit as exit_:
        assert exit_.code == 0


@pytest.fixture
def roster(db):
    import_roster(SAMPLE)
    assert Enrollment.objects.exists()


def read(folder: Path, name: str) -> list[dict]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot() -> dict:
    """Every value the roster import keeps, by sourcedId."""
    fields = {
        Person: ["kind", "given_name", "family_name", "middle_name", "username", "email",
                 "identifier", "phone", "grades", "enabled_user", "primary_site__sourced_id",
                 "is_active"],
        SchoolClass: ["title", "class_code", "class_type", "location", "grades", "subjects",
                      "periods", "course__sourced_id", "site__sourced_id", "is_active"],
        Course: ["title", "course_code", "grades", "subjects", "site__sourced_id",
                 "school_year__sourced_id"],
        AcademicSession: ["title", "type", "start_date", "end_date", "school_year"],
        Enrollment: ["person__sourced_id", "school_class__sourced_id", "role", "primary",
                     "begin_date", "end_date", "is_active"],
    }  # fmt: skip
    return {
        model.__name__: sorted(model.objects.values_list("sourced_id", *names))
        for model, names in fields.items()
    }


def test_the_oneroster_export_round_trips_through_the_importer_unchanged(roster, tmp_path):
    before = snapshot()
    first = tmp_path / "first"
    counts = provisioning.write_folder("oneroster", provisioning.Scope(), first)
    assert counts["enrollments.csv"] == Enrollment.objects.filter(is_active=True).count()
    assert read(first, "manifest.csv")[1] == {"propertyName": "oneroster.version", "value": "1.1"}
    import_roster(first)
    assert snapshot() == before
    second = tmp_path / "second"
    provisioning.write_folder("oneroster", provisioning.Scope(), second)
    for name in provisioning.ONEROSTER:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_canvas_files_carry_every_required_column_and_one_row_per_enrollment(roster, tmp_path):
    student = Person.objects.filter(kind="student").order_by("pk").first()
    Person.objects.filter(pk=student.pk).update(username="", email="")
    scope = provisioning.Scope()
    provisioning.write_folder("canvas", scope, tmp_path)
    for name, required in provisioning.CANVAS_REQUIRED.items():
        with open(tmp_path / name, encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert required <= set(header), name
    enrollments = read(tmp_path, "enrollments.csv")
    expected = sorted(
        (e.school_class.sourced_id, e.person.sourced_id, provisioning.CANVAS_ROLES[e.role])
        for e in Enrollment.objects.filter(is_active=True)
        .exclude(person=student)
        .select_related("school_class", "person")
        if e.role in provisioning.CANVAS_ROLES
    )
    assert sorted((r["course_id"], r["user_id"], r["role"]) for r in enrollments) == expected
    assert all(r["section_id"] == r["course_id"] + "-s" for r in enrollments)
    users = {row["user_id"]: row for row in read(tmp_path, "users.csv")}
    assert student.sourced_id not in users
    assert users["us0002"]["login_id"] == "user02" and users["us0002"]["status"] == "active"
    courses = {row["course_id"] for row in read(tmp_path, "courses.csv")}
    assert {row["course_id"] for row in enrollments} <= courses
    assert len(scope.problems) == 1 and student.sourced_id in scope.problems[0]


def test_a_school_export_holds_only_that_school_and_names_are_neutralised(roster, sites):
    other = SchoolClass.objects.create(title="Elsewhere", site=sites[1])
    Person.objects.filter(sourced_id="us0002").update(given_name="=cmd|' /C calc'!A0")
    site = SchoolClass.objects.exclude(pk=other.pk).first().site
    scope = provisioning.Scope(site=site)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(provisioning.stream_zip("canvas", scope))))
    assert sorted(archive.namelist()) == sorted(provisioning.CANVAS)
    courses = archive.read("courses.csv").decode()
    assert "Elsewhere" not in courses
    users = archive.read("users.csv").decode()
    assert "'=cmd" in users
    assert scope.counts["courses.csv"] == SchoolClass.objects.filter(site=site).count()


def test_the_provisioning_page_previews_and_downloads(roster, users, client_as):
    client = client_as(users[roles.DISTRICT_ADMIN])
    page = client.get("/apps/provisioning/?format=canvas")
    assert page.status_code == 200 and "enrollments.csv" in page.text
    got = client.get("/apps/provisioning/download/?format=oneroster")
    assert got["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(got.streaming_content)))
    assert "users.csv" in archive.namelist()
    assert client_as(users[roles.TEACHER]).get("/apps/provisioning/").status_code == 403
    bad = client.get("/apps/provisioning/download/?format=moodle")
    assert bad.status_code == 302


def test_the_command_line_writes_a_folder(roster, tmp_path):
    out = io.StringIO()
    call_command("provisioning", "canvas", "--out", str(tmp_path), stdout=out)
    assert (tmp_path / "enrollments.csv").exists() and "enrollments.csv" in out.getvalue()


def test_the_provisioning_api(roster, users, api_client_as, sites):
    admin = api_client_as(users[roles.DISTRICT_ADMIN])
    preview = admin.get("/api/v1/software/provisioning/canvas/preview")
    assert preview.status_code == 200
    assert preview.json()["counts"]["enrollments.csv"] == Enrollment.objects.count()
    got = admin.get("/api/v1/software/provisioning/oneroster")
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(got.streaming_content)))
    assert "enrollments.csv" in archive.namelist()
    assert admin.get("/api/v1/software/provisioning/moodle").status_code == 404
    # A technician exports their own school only.
    tech = api_client_as(users[roles.TECHNICIAN])
    assert (
        tech.get(f"/api/v1/software/provisioning/canvas?site_id={sites[1].pk}").status_code == 404
    )
    mine = tech.get("/api/v1/software/provisioning/canvas/preview").json()
    assert mine["counts"]["courses.csv"] == 0  # the sample's classes are at another school
    assert (
        api_client_as(users[roles.TEACHER]).get("/api/v1/software/provisioning/canvas").status_code
        == 403
    )


def test_the_schoology_files_carry_their_columns_and_one_row_per_enrollment(roster, tmp_path):
    scope = provisioning.Scope()
    provisioning.write_folder("schoology", scope, tmp_path)
    users = read(tmp_path, "users.csv")
    assert {"First Name", "Last Name", "Username", "User Unique ID", "Role"} <= set(users[0])
    assert len(users) == Person.objects.exclude(kind="guardian").count()
    enrollments = read(tmp_path, "enrollments.csv")
    expected = sorted(
        (e.school_class.sourced_id, e.person.sourced_id, "1" if e.role == "teacher" else "2")
        for e in Enrollment.objects.filter(
            is_active=True, role__in=["teacher", "student"]
        ).select_related("school_class", "person")
    )
    assert (
        sorted((r["Section Code"], r["User Unique ID"], r["Enrollment Type"]) for r in enrollments)
        == expected
    )


def test_a_term_holds_only_its_classes_and_their_people(roster, tmp_path):
    first = AcademicSession.objects.get(sourced_id="as0001")
    in_term = SchoolClass.objects.filter(terms=first)
    assert 0 < in_term.count() < SchoolClass.objects.count()
    scope = provisioning.Scope(term=first)
    provisioning.write_folder("canvas", scope, tmp_path)
    courses = {row["course_id"] for row in read(tmp_path, "courses.csv")}
    assert courses == set(in_term.values_list("sourced_id", flat=True))
    users = {row["user_id"] for row in read(tmp_path, "users.csv")}
    enrolled = set(
        Enrollment.objects.filter(school_class__in=in_term).values_list(
            "person__sourced_id", flat=True
        )
    )
    assert users == enrolled
    out = io.StringIO()
    call_command("provisioning", "oneroster", "--out", str(tmp_path / "or"), "--term", "as0001",
                 stdout=out)  # fmt: skip
    assert f"classes.csv: {in_term.count()} rows" in out.getvalue()
