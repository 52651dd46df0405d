"""Cataloging by hand, copies and their lifecycle, and the librarians' pages."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.library import marc, services
from homeroom.library.importer import library_for
from homeroom.library.models import Copy, Title


@pytest.fixture
def librarian(users):
    return users[roles.LIBRARIAN]


@pytest.fixture
def book(librarian):
    return services.title_create(
        actor=librarian,
        data={
            "title": "Flora & Ulysses",
            "subtitle": "the illuminated adventures",
            "author": "DiCamillo, Kate",
            "responsibility": "Kate DiCamillo",
            "isbns": ["9780763660406"],
            "year": 2013,
            "dewey": "",
            "call_number": "FIC DIC",
            "lexile": 520,
            "ar_level": "4.3",
            "ar_points": "6.0",
            "ar_quiz": "161279",
        },
    )


def test_a_title_catalogued_by_hand_is_a_valid_marc_record(book):
    record = marc.record_from_json(book.record)
    assert record["245"].get_subfields("a", "b", "c") == [
        "Flora & Ulysses :",
        "the illuminated adventures /",
        "Kate DiCamillo",
    ]
    assert str(record["521"]) == "=521  8\\$a520L$bLexile"
    again = marc.extract(pymarc_roundtrip(record))
    assert (again["title"], again["lexile"], str(again["ar_level"]), again["ar_quiz"]) == (
        "Flora & Ulysses",
        520,
        "4.3",
        "161279",
    )
    assert (book.title, book.isbns, book.call_number, book.lexile_label) == (
        "Flora & Ulysses",
        "9780763660406",
        "FIC DIC",
        "520L",
    )
    assert set(book.keys.values_list("key", flat=True)) == {"isbn:9780763660406"}


def pymarc_roundtrip(record):
    """The record written as MARC21 and read back, as another system would."""
    import pymarc

    return pymarc.Record(data=record.as_marc(), to_unicode=True)


def test_an_edit_writes_the_record_and_is_audited(book, librarian):
    services.title_update(
        actor=librarian,
        title=book,
        data={"title": "Flora and Ulysses", "author": "DiCamillo, Kate", "lexile": 600},
    )
    book.refresh_from_db()
    assert book.title == "Flora and Ulysses" and book.lexile == 600
    assert marc.record_from_json(book.record)["245"]["a"].startswith("Flora and Ulysses")
    # The fields the form does not edit are kept in the record.
    assert json.loads(book.record)["leader"][9] == "a"
    event = AuditEvent.objects.filter(object_id=book.pk, verb="updated").get()
    assert event.changes["title"] == ["Flora & Ulysses", "Flora and Ulysses"]


def test_copies_need_a_free_barcode_and_a_library_of_ones_own(book, librarian, sites):
    north, south = library_for(sites[0]), library_for(sites[1])
    copy = services.copy_create(actor=librarian, title=book, library=north, data={"price": "17.99"})
    assert copy.barcode == "NES-000001" and copy.call_number == "FIC DIC"
    assert str(copy.replacement_cost) == "17.99"
    with pytest.raises(ValidationError, match="already a copy of “Flora & Ulysses”"):
        services.copy_create(
            actor=librarian, title=book, library=north, data={"barcode": "NES-000001"}
        )
    with pytest.raises(PermissionDenied, match="South High"):
        services.copy_create(actor=librarian, title=book, library=south, data={})
    assert Copy.objects.count() == 1


def test_the_lifecycle_and_bulk_changes_are_all_or_nothing(book, librarian, users, sites):
    admin = users[roles.DISTRICT_ADMIN]
    north, south = library_for(sites[0]), library_for(sites[1])
    here = services.copy_create(actor=librarian, title=book, library=north, data={})
    there = services.copy_create(actor=admin, title=book, library=south, data={})
    with pytest.raises(PermissionDenied, match="nothing was changed"):
        services.copies_bulk_change(
            actor=librarian, copies=[here, there], changes={"location": "Display"}
        )
    assert not Copy.objects.filter(location="Display").exists()
    assert (
        services.copies_bulk_change(
            actor=librarian, copies=[here], changes={"location": "Display", "status": "damaged"}
        )
        == 1
    )
    here.refresh_from_db()
    assert (here.location, here.status) == ("Display", "damaged")
    with pytest.raises(Conflict, match="cannot become missing"):
        services.copy_set_status(actor=librarian, copy=here, status="missing")

    services.copy_set_status(actor=admin, copy=there, status="checked_out")
    with pytest.raises(Conflict, match="checked out"):
        services.title_set_status(actor=admin, title=book, status="withdrawn")
    services.copy_set_status(actor=admin, copy=there, status="available")
    services.title_set_status(actor=admin, title=book, status="withdrawn")
    assert set(book.copies.values_list("status", flat=True)) == {"withdrawn"}
    assert Title.objects.filter(pk=book.pk).exists()  # never deleted


def test_the_catalog_pages(book, librarian, users, client_as, sites):
    library = library_for(sites[0])
    copy = services.copy_create(actor=librarian, title=book, library=library, data={})
    client = client_as(librarian)
    listing = client.get("/library/titles/?lexile_min=500&lexile_max=550")
    assert "Flora &amp; Ulysses" in listing.text and "520L" in listing.text
    assert "Flora" not in client.get("/library/titles/?lexile_min=600").text
    assert "Flora" in client.get(f"/library/titles/?q={copy.barcode}").text
    assert "Flora" in client.get("/library/titles/?q=0-7636-6040-X").text  # its ISBN-10
    bad = client.get("/library/titles/?lexile_min=lots")
    assert bad.status_code == 200 and "Ignored the filter" in bad.text
    page = client.get(f"/library/titles/{book.pk}/").text
    assert "The MARC record, tag by tag" in page and copy.barcode in page

    moved = client.post(
        "/library/titles/copies/", {"titles": [book.pk], "location": "Display", "status": ""}
    )
    assert moved.status_code == 302
    copy.refresh_from_db()
    assert copy.location == "Display"
    client.post(f"/library/copies/{copy.pk}/status/", {"status": "missing", "note": "Not on shelf"})
    copy.refresh_from_db()
    assert copy.status == "missing"
    assert "Not on shelf" in client.get(f"/library/copies/{copy.pk}/").text
    refused = client_as(users[roles.TEACHER]).get("/library/titles/")
    assert refused.status_code == 403


def test_the_catalog_list_costs_the_same_with_more_titles(book, librarian, client_as, sites):
    client = client_as(librarian)
    client.get("/library/titles/")
    with pinned_queries(10) as first:
        client.get("/library/titles/")
    library = library_for(sites[0])
    for n in range(8):
        title = services.title_create(actor=librarian, data={"title": f"More {n}"})
        services.copy_create(actor=librarian, title=title, library=library, data={})
    with pinned_queries(len(first.captured_queries)):
        client.get("/library/titles/")
