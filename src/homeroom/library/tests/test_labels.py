"""Spine and barcode labels: the PDFs read back with pypdf, through the labels page."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from pypdf import PdfReader

from homeroom.core import roles
from homeroom.library import labels, services
from homeroom.library.models import Copy, Library

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytest.fixture
def librarian(users):
    return users[roles.LIBRARIAN]


@pytest.fixture
def shelf(sites, librarian):
    """A fiction title and a nonfiction one, with copies at North (the librarian's school)
    and one at South."""
    north = Library.objects.create(site=sites[0], name="North Library", barcode_prefix="N")
    south = Library.objects.create(site=sites[1], name="South Library", barcode_prefix="S")
    admin = librarian  # the librarian works at North only; South's copy is made directly
    with time_machine.travel(dt.datetime(2026, 8, 3, 9, tzinfo=LOCAL), tick=False):
        novel = services.title_create(
            actor=admin,
            data={"title": "The Secret Garden", "author": "Burnett, Frances", "year": 1911},
        )
        old = services.copy_create(
            actor=admin, title=novel, library=north, data={"call_number": "FIC BUR"}
        )
    with time_machine.travel(dt.datetime(2026, 9, 14, 9, tzinfo=LOCAL), tick=False):
        sharks = services.title_create(
            actor=admin,
            data={"title": "Sharks of the world", "author": "Brown, Ada", "year": 2019},
        )
        new = [
            services.copy_create(
                actor=admin,
                title=sharks,
                library=north,
                data={"barcode": f"3000100{n}", "call_number": "597.3 BRO 2019"},
            )
            for n in range(1, 3)
        ]
    far = Copy.objects.create(barcode="S-9", title=sharks, library=south, call_number="597.3 BRO")
    return {"old": old, "new": new, "far": far, "north": north, "novel": novel, "sharks": sharks}


@pytest.mark.parametrize(
    "call_number, lines",
    [
        ("FIC ALV", ["FIC", "ALV"]),
        ("597.3 BRO 2019", ["597.3", "BRO", "2019"]),
        ("REF 031 WOR", ["REF", "031", "WOR"]),
        ("E SEU", ["E", "SEU"]),
        ("  597.3BRO ", ["597.3", "BRO"]),
        ("FIC/ALV", ["FIC", "ALV"]),
        ("A B C D E F G H", ["A", "B", "C", "D", "E", "F G H"]),
        ("", []),
    ],
)
def test_spine_lines(call_number, lines):
    assert labels.spine_lines(call_number) == lines


def test_spine_labels_of_ticked_copies(client_as, librarian, shelf):
    ids = [shelf["old"].pk, shelf["new"][0].pk, shelf["far"].pk]
    response = client_as(librarian).post(
        "/library/labels/", {"copy": ids, "kind": "spine", "sheet": "avery-5160"}
    )
    (text,) = pdf_pages(response)
    lines = [line.strip() for line in text.split("\n")]
    # Shelf order: 597.3 before FIC; each part of the call number on its own line.
    assert lines[:3] == ["597.3", "BRO", "2019"]
    assert "FIC" in lines and lines[lines.index("FIC") + 1] == "BUR"
    # South's copy is not the librarian's to label.
    assert "S-9" not in text and text.count("597.3") == 1


def test_barcode_labels_added_since_a_day(client_as, librarian, shelf):
    response = client_as(librarian).get(
        "/library/labels/",
        {
            "kind": "barcode",
            "sheet": "avery-5160",
            "library": shelf["north"].pk,
            "since": "2026-09-01",
        },
    )
    (text,) = pdf_pages(response)
    # The two copies added in September, not August's novel; each with the library's name
    # and the title without its article.
    assert text.count("North Library") == 2
    assert text.count("Sharks of the world") == 2
    assert "30001001" in text and "30001002" in text
    assert "Secret Garden" not in text


def test_labels_of_a_ticked_title_on_a_small_sheet_from_a_later_position(
    client_as, librarian, shelf
):
    response = client_as(librarian).post(
        "/library/labels/",
        {"titles": [shelf["novel"].pk], "kind": "barcode", "sheet": "avery-5167", "start": "80"},
    )
    (text,) = pdf_pages(response)
    assert "Secret Garden" in text and "North Library" in text
    # On the roll, one label a page.
    response = client_as(librarian).post(
        "/library/labels/",
        {"titles": [shelf["sharks"].pk], "kind": "spine", "sheet": "roll-1x1.5"},
    )
    assert [page.split() for page in pdf_pages(response)] == [["597.3", "BRO", "2019"]] * 2


@pytest.mark.parametrize(
    "options, message",
    [
        ({"kind": "spine", "sheet": "roll-2.25x1.25"}, "is not one of them"),
        ({"kind": "spine", "start": "31"}, "between 1 and 30"),
        ({"kind": "sticker"}, "Select a valid choice"),
        ({"start": "ten"}, "Enter a whole number"),
    ],
)
def test_bad_choices_are_explained(client_as, librarian, shelf, options, message):
    response = client_as(librarian).post("/library/labels/", {"copy": [shelf["old"].pk], **options})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_since_needs_a_library_and_a_real_day(client_as, librarian, shelf):
    client = client_as(librarian)
    response = client.get("/library/labels/", {"since": "2026-09-01"})
    assert "Choose a library" in response.content.decode()
    response = client.get("/library/labels/", {"since": "2026-13-45", "library": shelf["north"].pk})
    assert "Enter a valid date" in response.content.decode()
    # Another school's library is not a choice.
    south = Library.objects.get(name="South Library")
    response = client.get("/library/labels/", {"since": "2026-01-01", "library": south.pk})
    assert "Select a valid choice" in response.content.decode()
    # Nothing added since then.
    response = client.get("/library/labels/", {"since": "2026-10-01", "library": shelf["north"].pk})
    assert "no copies to print labels for" in response.content.decode()


def test_too_many_labels_at_once(client_as, librarian, shelf, monkeypatch):
    from homeroom.library import desk_views

    monkeypatch.setattr(desk_views, "LABELS_AT_ONCE", 2)
    response = client_as(librarian).post(
        "/library/labels/", {"titles": [shelf["novel"].pk, shelf["sharks"].pk]}
    )
    assert "That would be 3 labels; print up to 2 at a time" in response.content.decode()


def test_the_form_and_who_may_print(client_as, users, shelf):
    page = client_as(users[roles.LIBRARIAN]).get("/library/labels/")
    assert page.status_code == 200 and "North Library" in page.content.decode()
    assert "South Library" not in page.content.decode()
    assert client_as(users[roles.TEACHER]).get("/library/labels/").status_code == 403
    assert (
        client_as(users[roles.STUDENT])
        .post("/library/labels/", {"copy": [shelf["old"].pk]})
        .status_code
        == 403
    )
