import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homeroom.core import roles
from homeroom.core.testing import pinned_queries, run_queued_tasks
from homeroom.people.models import Enrollment, Person, SchoolClass
from homeroom.people.oneroster.generate import School, generate
from homeroom.people.tests.oneroster_sets import roster_runs

SAMPLE = Path(__file__).resolve().parents[5] / "shared/samples/oneroster/roster-hub-1.1-bulk"


@pytest.fixture
def roster(sites, users, tmp_path):
    """A generated roster for the two test schools (linked to them by name), with the
    teacher account linked to one teacher who teaches at North Elementary."""
    folder = tmp_path / "roster"
    generate(
        folder,
        schools=[
            School("org-n", "North Elementary", "NES", "elementary"),
            School("org-s", "South High", "SHS", "high"),
        ],
        students=120,
        staff=10,
        classes=12,
        classes_per_student=3,
        seed=7,
    )
    with pytest.raises(SystemExit) as exited:
        call_command("import", "oneroster", str(folder), stdout=io.StringIO())
    assert exited.value.code == 0
    teacher = Enrollment.objects.filter(role="teacher", site=sites[0]).first().person
    teacher.user = users[roles.TEACHER]
    teacher.save()
    return teacher


def rows(response) -> list[str]:
    return response.content.decode().split('data-label="Name">')[1:]


def test_people_list_filters(roster, users, client_as, sites):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    everyone = Person.objects.count()
    assert admin.get("/people/").context["page"].paginator.count == everyone
    students = admin.get("/people/", {"kind": "student"}).context["page"].paginator.count
    assert students == Person.objects.filter(kind="student").count() == 120
    north = admin.get("/people/", {"site": sites[0].pk, "kind": "student"})
    assert north.context["page"].paginator.count == 60
    grade = admin.get("/people/", {"grade": "KG"}).context["page"]
    assert {person.grade for person in grade.object_list} == {"KG"}
    someone = Person.objects.filter(kind="student").first()
    found = admin.get("/people/", {"q": f"{someone.given_name} {someone.family_name}"})
    assert someone in found.context["page"].object_list
    homeroom = admin.get("/people/", {"homeroom": someone.homeroom_id}).context["page"]
    assert all(person.homeroom_id == someone.homeroom_id for person in homeroom.object_list)


def test_csv_export_follows_the_filters_and_the_role(roster, users, client_as, sites):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    response = admin.get("/people/", {"kind": "student", "site": sites[1].pk, "export": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert table[0][-2:] == ["local id", "state id"]
    assert len(table) == 61 and {row[2] for row in table[1:]} == {"Student"}
    teacher = client_as(users[roles.TEACHER])
    response = teacher.get("/people/", {"export": "csv"})
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert "local id" not in header and "state id" not in header


def test_a_teacher_sees_their_own_students_and_classes_only(roster, users, client_as):
    teacher = client_as(users[roles.TEACHER])
    taught = SchoolClass.objects.filter(enrollments__person=roster, enrollments__role="teacher")
    their_students = set(
        Person.objects.filter(enrollments__school_class__in=taught, enrollments__role="student")
    )
    listed = teacher.get("/people/", {"kind": "student"}).context["page"].paginator.object_list
    assert set(listed) == their_students and their_students
    stranger = (
        Person.objects.filter(kind="student")
        .exclude(pk__in=[person.pk for person in their_students])
        .first()
    )
    assert teacher.get(f"/people/{stranger.pk}/").status_code == 404
    classes = teacher.get("/classes/").context["page"].paginator.object_list
    assert set(classes) == set(taught)
    other_class = SchoolClass.objects.exclude(pk__in=taught).first()
    assert teacher.get(f"/classes/{other_class.pk}/").status_code == 404
    page = teacher.get(f"/people/{next(iter(their_students)).pk}/").content.decode()
    assert "State id" not in page and "Local id" not in page


def test_a_limited_technician_sees_people_at_their_site_only(roster, users, client_as, sites):
    tech = client_as(users[roles.TECHNICIAN])
    listed = tech.get("/people/").context["page"].paginator.object_list
    assert {person.primary_site_id for person in listed} == {sites[0].pk}
    south = Person.objects.filter(primary_site=sites[1]).first()
    assert tech.get(f"/people/{south.pk}/").status_code == 404


def test_person_and_class_pages(roster, users, client_as):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    student = Person.objects.filter(kind="student", homeroom__isnull=False).first()
    page = admin.get(f"/people/{student.pk}/").content.decode()
    assert student.homeroom.title in page and "Classes now" in page
    assert student.identifier in page and "History" in page
    school_class = student.homeroom
    page = admin.get(f"/classes/{school_class.pk}/").content.decode()
    assert str(student.family_name) in page and "Roster" in page


@pytest.mark.parametrize("extra", [0, 40])
def test_people_and_class_lists_run_a_fixed_number_of_queries(
    roster, users, client_as, sites, extra
):
    Person.objects.bulk_create(
        Person(given_name="Extra", family_name=f"Person {n}", primary_site=sites[0])
        for n in range(extra)
    )
    admin = client_as(users[roles.DISTRICT_ADMIN])
    admin.get("/")
    for url, expected in [("/people/", 9), ("/classes/", 11)]:
        with pinned_queries(expected):
            assert admin.get(url).status_code == 200


def test_api_lists_people_with_ids_only_for_roles_that_need_them(roster, users, api_client_as):
    body = (
        api_client_as(users[roles.DISTRICT_ADMIN])
        .get("/api/v1/people", {"kind": "student", "page_size": 5})
        .json()
    )
    assert body["count"] == 120 and all(item["identifier"] for item in body["items"])
    body = api_client_as(users[roles.TEACHER]).get("/api/v1/people", {"kind": "student"}).json()
    assert body["count"] > 0 and all(item["identifier"] is None for item in body["items"])
    enrollments = api_client_as(users[roles.TEACHER]).get("/api/v1/enrollments").json()
    taught = set(
        SchoolClass.objects.filter(enrollments__person=roster).values_list("pk", flat=True)
    )
    assert {item["school_class_id"] for item in enrollments["items"]} <= taught


def sample_zip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            archive.write(path, path.name)
    return SimpleUploadedFile("sis-export.zip", buffer.getvalue(), "application/zip")


def run_worker() -> None:
    assert run_queued_tasks() > 0


def test_upload_check_then_apply_in_the_background(
    users, client_as, sites, django_capture_on_commit_callbacks
):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/imports/oneroster/new/", {"file": sample_zip()})
    record = roster_runs().get()
    assert response["Location"] == f"/imports/oneroster/{record.pk}/"
    waiting = admin.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<progress" in waiting and 'hx-trigger="every 1s"' in waiting
    run_worker()
    page = admin.get(response["Location"]).content.decode()
    assert "Apply these changes" in page and "People (users.csv)" in page
    assert Person.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/imports/oneroster/{record.pk}/apply/")
    run_worker()
    record.refresh_from_db()
    assert record.status == "applied" and record.counts["users"]["created"] == 20
    assert Person.objects.count() == 20
    again = admin.post(f"/imports/oneroster/{record.pk}/apply/", follow=True).content.decode()
    assert "cannot be moved" in again
    history = admin.get("/roster/imports/", follow=True).content.decode()  # the old address
    assert "sis-export.zip" in history and record.file_sha256[:12] in history


def test_a_file_that_is_not_a_zip_is_refused_and_nothing_is_recorded(users, client_as):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    upload = SimpleUploadedFile("users.csv", (SAMPLE / "users.csv").read_bytes(), "text/csv")
    page = admin.post("/imports/oneroster/new/", {"file": upload}).content.decode()
    assert "This is not a zip file" in page and "There is a problem" in page
    assert not roster_runs().exists()


def test_a_set_with_problems_lists_them_and_offers_a_download(
    users, client_as, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            data = path.read_bytes()
            if path.name == "users.csv":
                data = data.replace(b'"GN 03"', b'""')
            archive.writestr(path.name, data)
    admin = client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/imports/oneroster/new/", {"file": SimpleUploadedFile("bad.zip", buffer.getvalue())}
        )
    run_worker()
    record = roster_runs().get()
    assert record.status == "rejected"
    page = admin.get(f"/imports/oneroster/{record.pk}/").content.decode()
    assert "users.csv:4: givenName: required" in page and "Apply these changes" not in page
    response = admin.get(f"/imports/oneroster/{record.pk}/problems.csv")
    download = b"".join(response.streaming_content).decode()
    assert "problem,users.csv,4,givenName,required" in download
    assert Person.objects.count() == 0


def test_the_api_uploads_and_applies_when_asked(
    users, api_client_as, django_capture_on_commit_callbacks
):
    client = api_client_as(users[roles.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/oneroster", {"file": sample_zip(), "dry_run": "false"}
        )
    assert response.status_code == 202 and response.json()["status"] == "checking"
    run_worker()
    body = client.get(f"/api/v1/imports/oneroster/{response.json()['id']}").json()
    assert body["status"] == "applied" and body["counts"]["enrollments"]["created"] == 30
    refused = client.post(
        "/api/v1/imports/oneroster", {"file": SimpleUploadedFile("x.txt", b"hello")}
    )
    assert refused.status_code == 400 and "file" in refused.json()["error"]["fields"]


def test_name_search_matches_word_starts_without_accents_or_case(users, client_as, sites):
    def person(given, family, **fields):
        return Person.objects.create(
            given_name=given, family_name=family, primary_site=sites[0], **fields
        )

    jose = person("José", "Núñez-Ortiz", username="jnunez")
    maya = person("Maya", "Ortiz", preferred_given_name="May")
    salina = person("Salina", "Brook", identifier="40021")
    admin = client_as(users[roles.DISTRICT_ADMIN])

    def found(query):
        return set(admin.get("/people/", {"q": query}).context["page"].paginator.object_list)

    assert found("jose nunez") == {jose}
    assert found("ORT") == {maya}
    assert found("may ortiz") == {maya}
    assert found("ali") == set()
    assert found("sal") == {salina}
    assert found("40021") == {salina}
    assert found("jnu") == {jose}


def test_applying_an_import_that_is_not_checked_is_a_conflict(users, api_client_as):
    record = roster_runs().create(
        kind="oneroster",
        file_name="x.zip",
        file_sha256="0" * 64,
        status="rejected",
        problems=["users.csv:2: x: y"],
    )
    response = api_client_as(users[roles.DISTRICT_ADMIN]).post(
        f"/api/v1/imports/oneroster/{record.pk}/apply"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "has problems, nothing changed" in response.json()["error"]["message"]
    record.refresh_from_db()
    assert record.status == "rejected"


def test_today_shows_a_roster_import_once_not_per_person(roster, users, client_as):
    page = client_as(users[roles.DISTRICT_ADMIN]).get("/").content.decode()
    recent = page.split("Recent changes")[1]
    assert "applied Import" in recent and "(roster)" in recent
    assert str(roster) not in recent  # imported people have their own created events
    assert "Active students per site" in page
