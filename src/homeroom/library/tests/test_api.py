"""The library in the API: search with the catalog's filter and a cursor, a title with its
copies, a copy by barcode, MARC export streamed, and MARC import through core's imports."""

import base64
import io
import json
from pathlib import Path

import pymarc
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core import roles
from homeroom.core.testing import run_queued_tasks
from homeroom.library.models import Copy, Title
from homeroom.library.tests import catalog_data

catalog = catalog_data.catalog
SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "marc"
TITLES = "/api/v1/library/titles"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def student(users, api_client_as):
    return api_client_as(users[roles.STUDENT])


@pytest.fixture
def librarian(users, api_client_as):
    return api_client_as(users[roles.LIBRARIAN])


def names(body) -> list[str]:
    return [item["title"] for item in body["items"]]


def test_search_with_the_catalogs_filter_best_first(catalog, student):
    body = student.get(TITLES, {"q": "drag"}).json()
    assert names(body) == ["The Sleepy Dragon", "Under the Silver Moon"]
    assert body["next_cursor"] is None
    dragon = body["items"][0]
    assert dragon["lexile"] == 520 and dragon["lexile_label"] == "520L"
    assert dragon["ar_level"] == "3.1" or float(dragon["ar_level"]) == 3.1
    assert (dragon["copies"], dragon["available"], dragon["isbns"]) == (1, 1, ["9780306406157"])
    assert dragon["authors"] == ["Okafor, Imani"]
    body = student.get(TITLES, {"lexile_min": 250, "lexile_max": 600, "available": True}).json()
    assert names(body) == ["The Sleepy Dragon"]
    assert names(student.get(TITLES, {"q": "0-306-40615-2"}).json()) == ["The Sleepy Dragon"]
    assert names(student.get(TITLES, {"q": "S-0001"}).json()) == ["Sharks"]
    assert names(student.get(TITLES, {"q": '"*:-'}).json()) == []


def test_the_cursor_walks_every_title_once(catalog, student):
    for number in range(7):
        Title.objects.create(record={}, fingerprint=str(number), title=f"Kites {number % 3}")
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = student.get(TITLES, query).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    everything = list(Title.objects.order_by("title", "pk").values_list("pk", flat=True))
    assert seen == everything and pages == 4  # 11 titles, 3 a page
    # A ranked search pages too.
    first = student.get(TITLES, {"q": "kites", "limit": 4}).json()
    rest = student.get(TITLES, {"q": "kites", "limit": 4, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 4 and len(rest["items"]) == 3 and rest["next_cursor"] is None
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in rest["items"]}


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "not a cursor"},
        {"cursor": base64.urlsafe_b64encode(b'{"offset": -1}').decode()},
        {"cursor": base64.urlsafe_b64encode(b'{"title": 1, "id": "x"}').decode()},
        {"cursor": base64.urlsafe_b64encode(b"[1]").decode()},
        {"limit": 0},
        {"limit": 1000},
        {"lexile_min": "abc"},
        {"library": 0},
    ],
)
def test_bad_input_is_answered_plainly(catalog, student, query):
    response = student.get(TITLES, query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_a_cursor_of_a_list_is_refused_by_a_search(catalog, student):
    cursor = student.get(TITLES, {"limit": 1}).json()["next_cursor"]
    response = student.get(TITLES, {"q": "the", "cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()["error"]["fields"]


def test_a_title_with_its_copies(catalog, student, librarian):
    Copy.objects.create(
        barcode="N-0009", title=catalog.dragon, library=catalog.north, status="withdrawn"
    )
    body = student.get(f"{TITLES}/{catalog.dragon.pk}").json()
    assert body["summary"] == "A dragon who cannot stay awake."
    assert [(c["barcode"], c["library"], c["status"]) for c in body["copy_list"]] == [
        ("N-0001", "North Library", "available")
    ]
    assert body["copy_list"][0]["library_id"] == catalog.north.site_id
    seen = librarian.get(f"{TITLES}/{catalog.dragon.pk}").json()
    assert [c["barcode"] for c in seen["copy_list"]] == ["N-0001", "N-0009"]
    assert student.get(f"{TITLES}/999999").status_code == 404
    Title.objects.filter(pk=catalog.moon.pk).update(status="withdrawn")
    assert student.get(f"{TITLES}/{catalog.moon.pk}").status_code == 404
    assert librarian.get(f"{TITLES}/{catalog.moon.pk}").status_code == 200


def test_a_copy_by_its_barcode(catalog, student, librarian):
    body = librarian.get("/api/v1/library/copies/by-barcode/S-0002").json()
    assert (body["barcode"], body["status"], body["title"]["title"]) == (
        "S-0002",
        "missing",
        "The Curious Fox",
    )
    assert librarian.get("/api/v1/library/copies/by-barcode/S-9999").status_code == 404
    assert student.get("/api/v1/library/copies/by-barcode/S-0002").status_code == 403


def test_marc_export_streams_what_the_filter_finds(catalog, librarian, student):
    response = librarian.get(f"{TITLES}/export", {"format": "mrc", "lexile_max": 600})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/marc"
    records = list(pymarc.MARCReader(io.BytesIO(b"".join(response.streaming_content))))
    assert sorted(record.title for record in records) == [
        "The Curious Fox",
        "The Sleepy Dragon",
    ]
    dragon = next(record for record in records if "Dragon" in record.title)
    assert [field["p"] for field in dragon.get_fields("852")] == ["N-0001"]
    xml = librarian.get(f"{TITLES}/export", {"format": "xml", "q": "sharks"})
    assert xml["Content-Type"] == "application/marcxml+xml"
    records = pymarc.parse_xml_to_array(io.BytesIO(b"".join(xml.streaming_content)))
    assert [record.title for record in records] == ["Sharks : Hunters of the Deep"] or [
        record["245"]["a"].rstrip(" :/") for record in records
    ] == ["Sharks"]
    assert librarian.get(f"{TITLES}/export", {"format": "pdf"}).status_code == 400
    assert student.get(f"{TITLES}/export").status_code == 403


def test_marc_import_through_the_imports_api(sites, users, librarian):
    upload = SimpleUploadedFile("chabon.xml", (SAMPLES / "chabon.xml").read_bytes(), "text/xml")
    response = librarian.post(
        "/api/v1/imports",
        {
            "kind": "marc",
            "file": upload,
            "options": json.dumps({"site": "NES"}),
            "dry_run": "false",
        },
    )
    assert response.status_code == 202, response.content
    run_queued_tasks()
    run = librarian.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert (run["kind"], run["status"]) == ("marc", "applied")
    assert run["counts"]["titles"]["new"] == 2
    found = librarian.get(TITLES, {"q": "kavalier"}).json()
    assert names(found) == ["The amazing adventures of Kavalier and Clay"]
