"""MARC import and export with the real files in ../shared/samples/marc, through the command
line, the pages and core's import lifecycle."""

import json
from io import StringIO
from pathlib import Path

import pymarc
import pytest
from django.core.management import call_command

from homeroom.core import roles
from homeroom.core.choices import ImportRunStatus
from homeroom.core.models import AuditEvent, ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.library import search
from homeroom.library.models import Copy, Title, TitleKey

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "marc"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def librarian(users):
    return users[roles.LIBRARIAN]


def homeroom_import(path, *flags, user=None):
    """`homeroom import marc PATH --site NES --json …`: its exit code and JSON report."""
    out, err = StringIO(), StringIO()
    args = ["import", "marc", str(path), "--json", "--site", "NES", *flags]
    if user is not None:
        args += ["--as", user.username]
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, (json.loads(out.getvalue()) if out.getvalue() else {"stderr": err.getvalue()})


def test_a_marc8_file_with_949_holdings(sites, librarian):
    code, report = homeroom_import(SAMPLES / "jazz_1k.mrc", user=librarian)
    assert code == 0 and report["status"] == "applied"
    assert report["counts"]["titles"] == {
        "new": 1000,
        "record replaced": 0,
        "unchanged": 0,
        "same as an earlier record": 0,
    }
    assert report["counts"]["copies"]["new"] == 1238
    assert Title.objects.count() == 1000 and Copy.objects.count() == 1238
    # MARC-8 (leader/09 blank) read into Unicode: the diacritic is one character.
    koln = Title.objects.get(title="The Köln concert")
    assert json.loads(koln.record)["leader"][9] == "a"
    first = Title.objects.get(control_number="03-0018137")
    assert (first.title, first.authors.split("; ")[0], first.year) == (
        "Friendly fire",
        "Lovano, Joe",
        1999,
    )
    assert first.material_type == "music" and first.system_numbers == "(Sirsi)a353305"
    copy = first.copies.get()
    assert (copy.barcode, copy.call_number, copy.location, copy.circulation_type) == (
        "30007007467409",
        "5490",
        "HUNT-AUDIO",
        "media",
    )
    assert copy.library.site == sites[0]
    # The holdings field lives in the copies, not in the record kept.
    assert not any("949" in field for field in json.loads(first.record)["fields"])

    again_code, again = homeroom_import(SAMPLES / "jazz_1k.mrc", user=librarian)
    assert again_code == 0
    assert again["counts"]["titles"]["unchanged"] == 1000
    assert again["counts"]["copies"] == {
        "new": 0,
        "new, with the library's barcodes": 0,
        "already here": 1238,
        "left out, without a barcode": 0,
    }
    assert Title.objects.count() == 1000 and Copy.objects.count() == 1238


def test_broken_records_are_reported_by_position_and_nothing_is_written(sites, librarian):
    code, report = homeroom_import(SAMPLES / "bad_records.mrc", user=librarian)
    assert code == 1 and report["status"] == "rejected"
    assert report["problems"] == [
        "record 2 (byte 127): directory: base address exceeds size of record",
        "record 3 (byte 254): directory: unable to locate base address of record",
        "record 4 (byte 381): directory: invalid directory",
        "record 5 (byte 509): leader: characters that are not ASCII",
        "record 6 (byte 637): directory: a field's length or position is not a number",
        "record 7 (byte 764): directory: unable to locate fields in record data",
        "record 9 (byte 917): leader: the record is shorter than its leader says",
    ]
    assert not Title.objects.exists() and not TitleKey.objects.exists()

    code, skipped = homeroom_import(
        SAMPLES / "bad_records.mrc", "--option", "skip_bad=on", user=librarian
    )
    assert code == 0 and skipped["status"] == "applied"
    assert skipped["counts"]["records"] == {"skipped": 7}
    assert skipped["warnings"][0] == f"Skipped {report['problems'][0]}"
    assert Title.objects.count() == 1  # its two good records are one edition


def test_a_file_of_many_systems_holdings_and_unimarc_records(sites, librarian, client_as):
    path = SAMPLES / "pride-and-prejudice-fixed.mrc"
    code, report = homeroom_import(path, user=librarian)
    assert code == 1 and len(report["problems"]) == 17
    assert report["problems"][0] == (
        "record 133 (byte 125,880): 245: missing (a UNIMARC record? Its title is in 200)"
    )
    assert not Title.objects.exists()

    code, report = homeroom_import(path, "--option", "skip_bad=on", user=librarian)
    assert code == 0
    run = ImportRun.objects.get(pk=report["id"])
    # The work-it-out preset chose Destiny's 852, the field with the most barcodes.
    assert run.details["preset"] == "destiny"
    # 105 records have an 852, but in 13 it only names the libraries that hold the book.
    assert run.details["presets"]["destiny"] == {"records": 92, "holdings": 128, "barcodes": 68}
    assert run.details["presets"]["evergreen"]["holdings"] == 14
    assert report["counts"]["titles"] == {
        "new": 337,
        "record replaced": 0,
        "unchanged": 0,
        "same as an earlier record": 29,
    }
    # Editions several libraries hold are one title with every library's copies.
    assert Title.objects.count() == 337 and Copy.objects.count() == 66
    assert report["counts"]["copies"]["left out, without a barcode"] == 60  # 852s without a barcode
    shared = Title.objects.filter(isbns__contains="9780192547033").get()
    assert shared.keys.filter(key="isbn:9780192547033").exists()

    # The skipped records are on the run's page and in its CSV.
    client = client_as(librarian)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "852, as Follett Destiny writes it" in page and "Used for this import" in page
    csv = b"".join(client.get(f"/imports/marc/{run.pk}/problems.csv").streaming_content).decode()
    assert "record 133 (byte 125,880)" in csv


def test_marcxml_with_and_without_a_namespace_prefix(sites, librarian):
    for name in ("chabon.xml", "batch.xml"):
        code, report = homeroom_import(SAMPLES / name, user=librarian)
        assert code == 0 and report["counts"]["titles"]["new"] == 2, name
    chabon = Title.objects.get(isbns="9780679450047")
    assert (chabon.title, chabon.subtitle, chabon.responsibility) == (
        "The amazing adventures of Kavalier and Clay",
        "a novel",
        "Michael Chabon",
    )
    assert Title.objects.filter(title="The Great Ray Charles").exists()


def _file(tmp_path, records, name="more.mrc") -> Path:
    path = tmp_path / name
    with open(path, "wb") as handle:
        for record in records:
            handle.write(record.as_marc())
    return path


def _record(title, isbn, *holdings, tag="852"):
    record = pymarc.Record(force_utf8=True)
    record.add_field(
        pymarc.Field(tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", isbn)])
    )
    record.add_field(
        pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", title)])
    )
    for subfields in holdings:
        record.add_field(
            pymarc.Field(
                tag=tag,
                indicators=[" ", " "],
                subfields=[pymarc.Subfield(code, value) for code, value in subfields],
            )
        )
    return record


def test_an_overlay_adds_copies_to_the_title_instead_of_a_duplicate(sites, librarian, tmp_path):
    homeroom_import(SAMPLES / "chabon.xml", user=librarian)
    chabon = Title.objects.get(isbns="9780679450047")
    better = _record(
        "The amazing adventures of Kavalier & Clay",
        "978-0-679-45004-7",
        [("p", "T0001"), ("h", "FIC CHA"), ("9", "$27.95"), ("t", "1")],
    )
    code, report = homeroom_import(_file(tmp_path, [better]), user=librarian)
    assert code == 0
    assert report["counts"]["titles"] == {
        "new": 0,
        "record replaced": 1,
        "unchanged": 0,
        "same as an earlier record": 0,
    }
    assert Title.objects.count() == 2
    chabon.refresh_from_db()
    assert chabon.title == "The amazing adventures of Kavalier & Clay"
    copy = chabon.copies.get()
    assert (copy.barcode, copy.call_number, str(copy.price), copy.copy_number) == (
        "T0001",
        "FIC CHA",
        "27.95",
        1,
    )
    event = AuditEvent.objects.get(object_id=chabon.pk, content_type__model="title")
    assert event.changes["title"][1] == "The amazing adventures of Kavalier & Clay"


def test_imported_titles_are_found_by_their_words_once(sites, librarian, tmp_path):
    def found(text):
        return list(search.search(Title.objects.all(), text).values_list("title", flat=True))

    homeroom_import(SAMPLES / "chabon.xml", user=librarian)
    (chabon,) = found("kavalier")
    wonder = _record("Wonderstruck", "978-0-545-02789-2", [("p", "T0002")])
    homeroom_import(_file(tmp_path, [wonder]), user=librarian)
    assert found("wonderstr") == ["Wonderstruck"] and found("kavalier") == [chabon]
    # Replaced by a later file, a title is found by its new words only.
    renamed = _record("The amazing adventures of Sammy Clay", "978-0-545-02789-2")
    homeroom_import(_file(tmp_path, [renamed], name="renamed.mrc"), user=librarian)
    assert found("sammy") == ["The amazing adventures of Sammy Clay"]
    assert found("wonderstruck") == []


def test_a_barcode_of_another_title_is_a_problem(sites, librarian, tmp_path):
    homeroom_import(
        _file(tmp_path, [_record("First", "9780306406157", [("p", "B1")])], "a.mrc"),
        user=librarian,
    )
    code, report = homeroom_import(
        _file(tmp_path, [_record("Second", "9780140328721", [("p", "B1")])], "b.mrc"),
        user=librarian,
    )
    assert code == 1
    assert report["problems"] == [
        "record 1 (byte 0): 852 $p: barcode B1 is already a copy of “First”"
    ]
    assert Title.objects.count() == 1


def test_copies_without_barcodes_get_the_librarys_next_ones_once(sites, librarian, tmp_path):
    path = _file(
        tmp_path, [_record("No barcodes", "9780306406157", [("h", "599 LIO")], [("h", "599 LIO")])]
    )
    options = ("--option", "without_barcode=new_barcode")
    code, report = homeroom_import(path, *options, user=librarian)
    assert code == 0 and report["counts"]["copies"]["new, with the library's barcodes"] == 2
    assert sorted(Copy.objects.values_list("barcode", flat=True)) == ["NES-000001", "NES-000002"]
    code, report = homeroom_import(path, *options, user=librarian)
    assert report["counts"]["copies"] == {
        "new": 0,
        "new, with the library's barcodes": 0,
        "already here": 2,
        "left out, without a barcode": 0,
    }
    assert Copy.objects.count() == 2


def test_import_is_refused_outside_the_role_or_the_sites(sites, users, librarian):
    code, report = homeroom_import(SAMPLES / "chabon.xml", user=users[roles.TEACHER])
    assert code == 2 and "librarians" in report["stderr"]
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import",
            "marc",
            str(SAMPLES / "chabon.xml"),
            "--site",
            "SHS",
            "--as",
            librarian.username,
            stdout=out,
            stderr=err,
        )
    assert "--site" in err.getvalue()
    assert not Title.objects.exists()


def _catalog():
    return {
        "titles": sorted(
            Title.objects.values_list("title", "authors", "isbns", "year", "material_type")
        ),
        "copies": sorted(
            Copy.objects.values_list(
                "barcode", "title__title", "call_number", "location", "copy_number", "price"
            )
        ),
    }


@pytest.mark.parametrize("kind", ["mrc", "xml"])
def test_export_and_import_into_an_empty_catalog_give_the_same_catalog(
    sites, librarian, client_as, tmp_path, kind
):
    homeroom_import(SAMPLES / "jazz_1k.mrc", user=librarian)
    before = _catalog()
    response = client_as(librarian).get(f"/library/titles/?export={kind}")
    assert response.status_code == 200
    exported = tmp_path / f"catalog.{kind}"
    exported.write_bytes(b"".join(response.streaming_content))

    Copy.objects.all().delete()
    Title.objects.all().delete()
    code, report = homeroom_import(exported, "--option", "holdings=destiny", user=librarian)
    assert code == 0 and report["counts"]["titles"]["new"] == 1000
    assert _catalog() == before


def test_the_upload_page_checks_in_the_background_and_applies(sites, librarian, client_as):
    client = client_as(librarian)
    assert client.get("/imports/marc/new/").status_code == 200
    with open(SAMPLES / "chabon.xml", "rb") as handle:
        response = client.post(
            "/imports/marc/new/",
            {"file": handle, "site": "NES", "holdings": "auto", "without_barcode": "title_only"},
        )
    run = ImportRun.objects.get(kind="marc")
    assert response.status_code == 302 and run.status == ImportRunStatus.CHECKING
    run_queued_tasks()
    run.refresh_from_db()
    assert run.status == ImportRunStatus.CHECKED and not Title.objects.exists()
    client.post(f"/imports/marc/{run.pk}/apply/")
    run_queued_tasks()
    run.refresh_from_db()
    assert run.status == ImportRunStatus.APPLIED and Title.objects.count() == 2
    history = client.get("/library/imports/").content.decode()
    assert "chabon.xml" in history


def test_a_file_that_is_not_marc_is_refused_at_once(sites, librarian, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(librarian)
    response = client.post(
        "/imports/marc/new/",
        {"file": SimpleUploadedFile("books.csv", b"title,author\nA,B\n"), "site": "NES"},
    )
    assert "This is not a MARC file" in response.content.decode()
    assert not ImportRun.objects.exists()
