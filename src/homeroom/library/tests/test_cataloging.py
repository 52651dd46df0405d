"""Cataloging by scan: an ISBN the catalog holds takes a copy in one step; an unknown one is
catalogued from the short form, or fetched from an SRU server (a real one, started here)."""

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.library import cataloging, marc, services
from homeroom.library.models import CatalogSettings, Copy, Library, Title

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "marc"
CHABON_ISBN = "9780679450047"  # 0679450041 in the record's 020


def chabon_record() -> str:
    text = (SAMPLES / "chabon.xml").read_text(encoding="utf-8")
    start = text.index("<record>")
    return text[start : text.index("</record>", start) + len("</record>")].replace(
        "<record>", '<record xmlns="http://www.loc.gov/MARC21/slim">', 1
    )


def sru_response(records: list[str], version="1.1") -> str:
    namespace = (
        "http://www.loc.gov/zing/srw/"
        if version != "2.0"
        else "http://docs.oasis-open.org/ns/search-ws/sruResponse"
    )
    items = "".join(
        f"<zs:record><zs:recordSchema>marcxml</zs:recordSchema>"
        f"<zs:recordPacking>xml</zs:recordPacking><zs:recordData>{record}</zs:recordData>"
        f"<zs:recordPosition>{n}</zs:recordPosition></zs:record>"
        for n, record in enumerate(records, start=1)
    )
    return (
        f'<?xml version="1.0"?><zs:searchRetrieveResponse xmlns:zs="{namespace}">'
        f"<zs:version>{version}</zs:version><zs:numberOfRecords>{len(records)}"
        f"</zs:numberOfRecords><zs:records>{items}</zs:records></zs:searchRetrieveResponse>"
    )


class SruServer:
    """A small SRU server: answers searchRetrieve for the ISBNs it holds with their
    MARCXML, others with no records; `mode` makes it misbehave."""

    def __init__(self):
        self.requests: list[dict] = []
        self.mode = "ok"
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                server.requests.append(query)
                if server.mode == "slow":
                    server.stop.wait(3)
                if server.mode == "500":
                    self.send_error(500)
                    return
                if server.mode == "html":
                    body = "<html><body>Service unavailable</body></html>"
                elif server.mode == "diagnostic":
                    body = (
                        '<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/">'
                        '<diagnostics><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/">'
                        "<uri>info:srw/diagnostic/1/16</uri><message>Unsupported index</message>"
                        "</diagnostic></diagnostics></searchRetrieveResponse>"
                    )
                else:
                    wanted = query.get("query", [""])[0].split("=", 1)[-1]
                    found = [chabon_record()] if wanted == CHABON_ISBN else []
                    body = sru_response(found, query.get("version", ["1.1"])[0])
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/LCDB"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sru_server():
    server = SruServer()
    yield server
    server.close()


@pytest.fixture
def librarian(users):
    return users[roles.LIBRARIAN]


@pytest.fixture
def library(sites):
    return Library.objects.create(site=sites[0], name="North Library", barcode_prefix="N")


@pytest.fixture
def held(users, library):
    """A title the catalog holds, with a copy whose call number new copies should take."""
    actor = users[roles.DISTRICT_ADMIN]
    title = services.title_create(
        actor=actor,
        data={"title": "Holes", "author": "Sachar, Louis", "isbns": ["9780374332655"]},
    )
    services.copy_create(actor=actor, title=title, library=library, data={"call_number": "FIC SAC"})
    return title


def scan(client, library, isbn, **post):
    if post:
        return client.post(
            "/library/cataloging/", {"library": library.pk, "isbn": isbn, **post}, follow=True
        )
    return client.get("/library/cataloging/", {"library": library.pk, "isbn": isbn})


def test_a_held_title_takes_its_copy_in_one_step(client_as, librarian, library, held):
    client = client_as(librarian)
    page = scan(client, library, "0-374-33265-7").content.decode()  # ISBN-10 of the same book
    assert "In the catalog" in page and "Holes" in page
    assert 'value="FIC SAC"' in page  # suggested from the other copy
    page = scan(client, library, "0374332657", action="copy", barcode=" 3000123 ", call_number="")
    assert "Added copy 3000123 of “Holes”, call number FIC SAC" in page.content.decode()
    copy = Copy.objects.get(barcode="3000123")
    assert (copy.title, copy.library, copy.call_number) == (held, library, "FIC SAC")
    assert AuditEvent.objects.filter(object_id=copy.pk, verb="created").exists()
    # The same barcode again is refused, with the title it belongs to, and nothing changes.
    page = scan(client, library, "0374332657", action="copy", barcode="3000123")
    assert "3000123 is already a copy of “Holes”" in page.content.decode()
    assert held.copies.count() == 2


def test_a_wrong_scan_is_explained(client_as, librarian, library, held):
    client = client_as(librarian)
    page = scan(client, library, "3000123").content.decode()
    assert "is not an ISBN: check its digits" in page
    page = scan(client, library, "9780374332656").content.decode()  # bad check digit
    assert "is not an ISBN" in page
    assert Copy.objects.count() == 1


def test_an_unknown_isbn_is_catalogued_from_the_short_form(client_as, librarian, library):
    client = client_as(librarian)
    page = scan(client, library, "978-0-06-440055-8").content.decode()
    assert "Not in the catalog" in page and "ISBN 9780064400558" in page
    assert "catalog server" not in page  # none is set: nothing was asked
    # A bad year keeps the input and saves nothing.
    response = scan(
        client, library, "9780064400558", action="new", title="Charlotte's web", year="99999"
    )
    assert "Ensure this value is less than or equal to 2100" in response.content.decode()
    assert Title.objects.count() == 0
    response = scan(
        client,
        library,
        "9780064400558",
        action="new",
        title="Charlotte's web",
        author="White, E. B.",
        year="1952",
        call_number="FIC WHI",
        lexile="680",
        ar_level="4.4",
        interest_grade="3-6",
        barcode="3000200",
    )
    assert "Added copy 3000200 of “Charlotte's web”, call number FIC WHI" in html.unescape(
        response.content.decode()
    )
    title = Title.objects.get()
    assert (title.title, title.authors, title.year, title.isbns) == (
        "Charlotte's web",
        "White, E. B",  # ISBD's closing full stop is not kept
        1952,
        "9780064400558",
    )
    assert (title.lexile, str(title.ar_level), title.call_number) == (680, "4.4", "FIC WHI")
    # The record written is valid MARC: it goes out as binary and reads back the same.
    record = marc.record_from_json(title.record)
    again = marc.extract(next(iter(__import__("pymarc").MARCReader(record.as_marc()))))
    assert (again["title"], again["lexile"], again["year"]) == ("Charlotte's web", 680, 1952)
    # Scanning it again finds it.
    assert "In the catalog" in scan(client, library, "0064400557").content.decode()


def test_a_barcode_in_use_leaves_no_title_behind(client_as, librarian, library, held):
    client = client_as(librarian)
    response = scan(
        client,
        library,
        "9780064400558",
        action="new",
        title="Charlotte's web",
        barcode=held.copies.get().barcode,
    )
    assert "is already a copy of “Holes”" in response.content.decode()
    assert not Title.objects.filter(title="Charlotte's web").exists()


def test_only_the_librarians_own_libraries(client_as, users, sites, library, held):
    south = Library.objects.create(site=sites[1], name="South Library", barcode_prefix="S")
    client = client_as(users[roles.LIBRARIAN])
    page = client.get("/library/cataloging/", {"library": south.pk}).content.decode()
    assert "South Library" not in page and "North Library" in page
    scan(client, south, "0374332657", action="copy", barcode="X1")
    assert Copy.objects.get(barcode="X1").library == library  # not South's
    assert client_as(users[roles.TEACHER]).get("/library/cataloging/").status_code == 403
    with pytest.raises(Exception, match="do not work at South"):
        cataloging.catalog_copy(
            actor=users[roles.LIBRARIAN], library=south, barcode="X2", title=held
        )


def test_copy_cataloging_over_sru(client_as, users, librarian, library, sru_server):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    # Only a district admin sets the server; the change is audited.
    assert client_as(librarian).get("/library/settings/").status_code == 403
    response = admin.post(
        "/library/settings/", {"sru_url": sru_server.url, "sru_version": "1.1"}, follow=True
    )
    assert "Saved." in response.content.decode()
    assert CatalogSettings.current().sru_url == sru_server.url
    assert AuditEvent.objects.filter(object_repr="Catalog settings", verb="updated").exists()

    client = client_as(librarian)
    page = scan(client, library, "0679450041").content.decode()
    assert "Found on the catalog server" in page
    assert "The amazing adventures of Kavalier and Clay" in page and "Chabon, Michael" in page
    asked = sru_server.requests[-1]
    assert asked["operation"] == ["searchRetrieve"] and asked["version"] == ["1.1"]
    assert asked["query"] == [f"bath.isbn={CHABON_ISBN}"]
    assert asked["recordSchema"] == ["marcxml"]
    assert Title.objects.count() == 0  # shown, not yet saved

    response = scan(client, library, "0679450041", action="fetched", barcode="3000300")
    assert "Added copy 3000300 of “The amazing adventures of Kavalier and Clay”" in (
        response.content.decode()
    )
    title = Title.objects.get()
    assert title.control_number == "11939876" and title.year == 2000
    assert title.isbns == CHABON_ISBN
    assert title.copies.get().barcode == "3000300"
    # The record kept whole: its 300 (physical description) came with it.
    assert marc.record_from_json(title.record).get_fields("300")

    # An ISBN the server does not know: the short form, with the reason.
    page = scan(client, library, "9780064400558").content.decode()
    assert "The catalog server has no record for ISBN 9780064400558" in page
    assert "Not in the catalog" in page


def test_sru_over_version_2(users, sru_server, db):
    cataloging.settings_update(
        actor=users[roles.DISTRICT_ADMIN], sru_url=sru_server.url, sru_version="2.0"
    )
    record = cataloging.fetch_record(CHABON_ISBN)
    assert record["245"]["a"].startswith("The amazing adventures")
    asked = sru_server.requests[-1]
    assert asked["version"] == ["2.0"] and asked["query"] == [f"dc.identifier={CHABON_ISBN}"]
    assert "operation" not in asked


@pytest.mark.parametrize(
    "mode, message",
    [
        ("500", "answered 500"),
        ("html", "did not answer with an SRU searchRetrieveResponse"),
        ("diagnostic", "refused the search: Unsupported index"),
        ("slow", "did not answer within 1 seconds"),
    ],
)
def test_a_bad_sru_server_changes_nothing(
    client_as, users, librarian, library, sru_server, monkeypatch, mode, message
):
    from homeroom.library import sru

    monkeypatch.setattr(sru, "TIMEOUT", 1)
    cataloging.settings_update(
        actor=users[roles.DISTRICT_ADMIN], sru_url=sru_server.url, sru_version="1.1"
    )
    sru_server.mode = mode
    page = scan(client_as(librarian), library, "0679450041").content.decode()
    assert message in page and "Catalog it by hand below" in page
    assert Title.objects.count() == 0 and Copy.objects.count() == 0


def test_no_server_can_be_reached(client_as, users, librarian, library):
    cataloging.settings_update(
        actor=users[roles.DISTRICT_ADMIN], sru_url="http://127.0.0.1:9/sru", sru_version="1.1"
    )
    page = scan(client_as(librarian), library, "0679450041").content.decode()
    assert "could not be reached" in page and "Not in the catalog" in page


def test_settings_refuse_what_is_not_a_web_address(client_as, users):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    page = admin.post(
        "/library/settings/", {"sru_url": "ftp://example.org/x", "sru_version": "1.1"}
    )
    assert "starts with http:// or https://" in page.content.decode()
    assert CatalogSettings.current().sru_url == ""
    page = admin.post("/library/settings/", {"sru_url": "http://x", "sru_version": "9"})
    assert "Select a valid choice" in page.content.decode()
