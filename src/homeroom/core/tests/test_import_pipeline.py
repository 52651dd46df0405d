"""The one import lifecycle, driven through a format that exists only in this test suite
(tiny_format.TinyRooms): upload, check, preview, apply and history on the pages, the API and
the command line, without a line of core written for it."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from homeroom.core import roles
from homeroom.core.choices import ImportRunStatus
from homeroom.core.import_services import import_runs_recover
from homeroom.core.models import AuditEvent, ImportRun, Room
from homeroom.core.testing import run_queued_tasks
from homeroom.core.tests.tiny_format import KIND, csv_upload, registered

pytestmark = pytest.mark.django_db
ROOMS = "number,name\nT1,Tiny one\nT2,Tiny two\n"


@pytest.fixture(autouse=True)
def tiny_format(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with registered():
        yield


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


def upload(client, text=ROOMS, site="NES", name="rooms.csv"):
    return client.post(
        f"/imports/{KIND}/new/", {"file": csv_upload(text, name), "site": site}, follow=False
    )


def test_upload_check_preview_apply_and_history_on_the_pages(sites, tech, client_as):
    client = client_as(tech)
    assert client.get(f"/imports/{KIND}/new/").status_code == 200
    response = upload(client)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert (run.status, run.site, run.created_by) == (ImportRunStatus.CHECKING, sites[0], tech)
    assert len(run.file_sha256) == 64

    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert run.status == ImportRunStatus.CHECKED
    assert run.counts == {"rooms": {"new": 2, "unchanged": 0}}
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Apply these changes" in page and "Tiny two" in page
    assert not Room.objects.filter(number__startswith="T").exists()  # a check writes nothing

    client.post(f"/imports/{KIND}/{run.pk}/apply/")
    run.refresh_from_db()
    assert run.status == ImportRunStatus.APPLYING
    run_queued_tasks()
    run.refresh_from_db()
    assert (run.status, run.applied_by) == (ImportRunStatus.APPLIED, tech)
    assert set(
        Room.objects.filter(site=sites[0], number__startswith="T").values_list("name", flat=True)
    ) == {
        "Tiny one",
        "Tiny two",
    }
    assert AuditEvent.objects.filter(object_id=str(run.pk), verb="applied").exists()

    history = client.get(f"/imports/?kind={KIND}").content.decode()
    assert "rooms.csv" in history and "Applied" in history
    assert "rooms.csv" not in client.get("/imports/?kind=no-such-kind").content.decode()
    # The run's page for htmx polling is the progress partial alone.
    partial = client.get(run.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="import-progress"')


def test_the_same_file_again_changes_nothing(sites, tech, client_as):
    client = client_as(tech)
    for _ in range(2):
        upload(client)
        run_queued_tasks()
        run = ImportRun.objects.order_by("-pk").first()
        client.post(f"/imports/{KIND}/{run.pk}/apply/")
        run_queued_tasks()
    run.refresh_from_db()
    assert run.status == ImportRunStatus.APPLIED
    assert run.counts == {"rooms": {"new": 0, "unchanged": 2}}
    assert Room.objects.filter(number__startswith="T").count() == 2


def test_problems_are_listed_and_downloaded_with_formulas_neutralised(sites, tech, client_as):
    client = client_as(tech)
    upload(client, "number,name\n,No number\n=HYPERLINK(1),x\n=HYPERLINK(1),y\n")
    run_queued_tasks()
    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.REJECTED
    assert run.problems == [
        "rooms.csv:2: number: no room number",
        "rooms.csv:4: number: =HYPERLINK(1) is listed twice",
    ]
    assert "Apply these changes" not in client.get(run.get_absolute_url()).content.decode()
    response = client.get(f"/imports/{KIND}/{run.pk}/problems.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["kind", "file", "line", "column", "message"]
    assert rows[1] == ["problem", "rooms.csv", "2", "number", "no room number"]
    assert rows[2][4].startswith("'=HYPERLINK")
    # A refused run cannot be applied: a clear message, nothing changes.
    response = client.post(f"/imports/{KIND}/{run.pk}/apply/", follow=True)
    assert response.status_code == 200
    assert "cannot be moved" in response.content.decode()
    assert not Room.objects.filter(number__startswith="T").exists()


def test_the_mapping_step(sites, tech, client_as):
    client = client_as(tech)
    response = upload(client, "Room no.,name\nT9,Nine\n")
    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.UPLOADED
    assert response["Location"] == f"/imports/{KIND}/{run.pk}/mapping/"
    assert "Choose the mapping" in client.get(run.get_absolute_url()).content.decode()
    assert "Room no." in client.get(response["Location"]).content.decode()
    client.post(response["Location"], {"number": "Room no."})
    run.refresh_from_db()
    assert (run.status, run.mappings) == (ImportRunStatus.CHECKING, {"number": "Room no."})
    run_queued_tasks()
    run.refresh_from_db()
    assert run.status == ImportRunStatus.CHECKED
    assert run.preview == [{"line": 2, "number": "T9", "name": "Nine"}]


def test_upload_and_apply_through_the_api(sites, tech, api_client_as):
    api = api_client_as(tech)
    response = api.post(
        "/api/v1/imports",
        {
            "kind": KIND,
            "file": csv_upload(ROOMS),
            "options": json.dumps({"site": "NES"}),
            "dry_run": "false",
        },
    )
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    run_queued_tasks()
    body = api.get(f"/api/v1/imports/{run_id}").json()
    assert (body["kind"], body["status"], body["counts"]) == (
        KIND,
        "applied",
        {"rooms": {"new": 2, "unchanged": 0}},
    )
    listed = api.get(f"/api/v1/imports?kind={KIND}").json()
    assert [item["id"] for item in listed["items"]] == [run_id]
    # Check again, then apply again: nothing new.
    assert api.post(f"/api/v1/imports/{run_id}/check").status_code == 409
    assert Room.objects.filter(number__startswith="T").count() == 2


def test_api_refusals_are_clear_and_change_nothing(sites, users, tech, api_client_as):
    teacher = api_client_as(users[roles.TEACHER])
    refused = teacher.post(
        "/api/v1/imports", {"kind": KIND, "file": csv_upload(ROOMS), "options": '{"site": "NES"}'}
    )
    assert refused.status_code == 403
    api = api_client_as(tech)
    unknown = api.post("/api/v1/imports", {"kind": "nothing", "file": csv_upload(ROOMS)})
    assert unknown.status_code == 400 and "nothing" in unknown.json()["error"]["fields"]["kind"][0]
    other_site = api.post(
        "/api/v1/imports", {"kind": KIND, "file": csv_upload(ROOMS), "options": '{"site": "SHS"}'}
    )
    assert other_site.status_code == 400 and "site" in other_site.json()["error"]["fields"]
    bad_json = api.post(
        "/api/v1/imports", {"kind": KIND, "file": csv_upload(ROOMS), "options": "[1"}
    )
    assert bad_json.status_code == 400
    empty = api.post(
        "/api/v1/imports", {"kind": KIND, "file": csv_upload(" "), "options": '{"site": "NES"}'}
    )
    assert empty.status_code == 400 and "empty" in json.dumps(empty.json())
    assert ImportRun.objects.count() == 0


def make_other_technician(sites):
    from homeroom.people import services as people_services

    return people_services.user_create(
        actor=None,
        username="south_tech",
        role=roles.TECHNICIAN,
        password="x" * 20,
        sites=[sites[1]],
    )


def test_roles_see_only_the_kinds_they_may(sites, users, tech, client_as):
    upload(client_as(tech))
    run = ImportRun.objects.get()
    teacher = client_as(users[roles.TEACHER])
    assert teacher.get("/imports/").status_code == 403
    assert teacher.get(run.get_absolute_url()).status_code == 403
    assert teacher.post(f"/imports/{KIND}/new/", {"file": csv_upload(ROOMS)}).status_code == 403
    assert client_as(tech).get(f"/imports/no-such-kind/{run.pk}/").status_code == 404
    librarian = client_as(users[roles.LIBRARIAN])
    assert librarian.get(run.get_absolute_url()).status_code == 403
    assert librarian.post(f"/imports/{KIND}/{run.pk}/apply/").status_code == 403
    # A technician of another site does not see the run.
    other = make_other_technician(sites)
    assert client_as(other).get(run.get_absolute_url()).status_code == 404


def test_the_command_line(sites, users, tmp_path):
    path = tmp_path / "rooms.csv"
    path.write_text(ROOMS)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", KIND, str(path), "--site", "NES", "--dry-run", "--json", stdout=out)
    assert exited.value.code == 0
    assert json.loads(out.getvalue())["counts"] == {"rooms": {"new": 2, "unchanged": 0}}
    assert not Room.objects.filter(number__startswith="T").exists()

    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", KIND, str(path), "--site", "NES", "--as", "teacher", stderr=err)
    assert exited.value.code == 2 and "Only those who add rooms" in err.getvalue()

    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", KIND, str(path), "--site", "NES", "--as", "technician", stdout=out)
    assert exited.value.code == 0 and "rooms: 2 new" in out.getvalue()
    run = ImportRun.objects.filter(status=ImportRunStatus.APPLIED).get()
    assert (run.created_by, run.interface) == (users[roles.TECHNICIAN], "cli")
    assert Room.objects.filter(number__startswith="T").count() == 2


def test_a_run_whose_worker_died_is_marked_failed_and_checked_again(sites, tech, client_as):
    client = client_as(tech)
    upload(client)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the queued check is gone, as with a dead worker
    assert import_runs_recover() == "1 stopped import runs marked failed"
    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.FAILED and "stopped while checking" in run.problems[0]
    client.post(f"/imports/{KIND}/{run.pk}/check/")
    run_queued_tasks()
    run.refresh_from_db()
    assert run.status == ImportRunStatus.CHECKED and run.problems == []
