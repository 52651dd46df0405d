"""The collection report: Dewey hundreds with average years, reading-level bands, copies
added per month; charts, CSV and a pinned number of queries."""

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.library import services
from homeroom.library.models import Copy, Library

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def collection(sites, users):
    """North: two 500s copies (1990 and 2010), one 900s (2000), one fiction, one withdrawn
    500s; South: one 500s copy of 1950 the North librarian does not see."""
    actor = users[roles.DISTRICT_ADMIN]
    north = Library.objects.create(site=sites[0], name="North Library", barcode_prefix="N")
    south = Library.objects.create(site=sites[1], name="South Library", barcode_prefix="S")

    def title(name, year, dewey="", lexile=None, ar=None):
        return services.title_create(
            actor=actor,
            data={"title": name, "year": year, "dewey": dewey, "lexile": lexile, "ar_level": ar},
        )

    def copy(at, title, library, **data):
        with time_machine.travel(dt.datetime.fromisoformat(at).replace(tzinfo=LOCAL), tick=False):
            return services.copy_create(actor=actor, title=title, library=library, data=data)

    frogs = title("Frogs", 1990, "597.8", lexile=-100, ar=Decimal("1.5"))
    stars = title("Stars", 2010, "523.8", lexile=850, ar=Decimal("5.2"))
    rome = title("Rome", 2000, "937", lexile=1250)
    novel = title("Smile", 2015, lexile=420, ar=Decimal("3.0"))
    copy("2026-08-03T09:00", frogs, north)
    copy("2026-08-20T09:00", stars, north)
    copy("2026-09-02T09:00", rome, north)
    copy("2026-09-02T10:00", novel, north, call_number="FIC SMI")
    gone = copy("2026-09-03T10:00", frogs, north)
    services.copy_set_status(actor=actor, copy=gone, status="withdrawn")
    copy("2026-09-04T10:00", title("Old rocks", 1950, "552"), south)
    return {"north": north, "south": south}


def test_the_report_of_the_librarians_library(client_as, users, collection):
    client = client_as(users[roles.LIBRARIAN])
    with pinned_queries(12):
        page = client.get("/library/report/").content.decode()
    science = page.split("500s Science")[1].split("</tr>")[0]
    # 1990 and 2010: two copies, two titles, average 2000; South's 1950 book left out.
    assert "> 2</span>" in science and '"Titles">2<' in science and ">2000<" in science
    history = page.split("900s History and geography")[1].split("</tr>")[0]
    assert '"Titles">1<' in history and ">2000<" in history
    assert "4 copies on the shelves" in page
    assert '<span class="bar-label">BR (beginning reader)</span>' in page

    rows = read_csv(client.get("/library/report/", {"export": "dewey"}))
    assert rows[0] == ["Dewey class", "Copies", "Titles", "Average publication year"]
    assert ["500s Science", "2", "2", "2000"] in rows
    assert ["900s History and geography", "1", "1", "2000"] in rows
    assert ["No Dewey number (fiction, easy, reference…)", "1", "1", "2015"] in rows
    assert ["200s Religion", "0", "0", ""] in rows

    lexile = dict(read_csv(client.get("/library/report/", {"export": "lexile"}))[1:])
    assert lexile["BR (beginning reader)"] == "1"
    assert lexile["400L to 599L"] == "1"
    assert lexile["800L to 999L"] == "1"
    assert lexile["1200L and above"] == "1"
    assert lexile["0L to 199L"] == "0"
    ar = dict(read_csv(client.get("/library/report/", {"export": "ar"}))[1:])
    assert (ar["1.0 to 1.9"], ar["3.0 to 3.9"], ar["5.0 to 5.9"], ar["0.0 to 0.9"]) == (
        "1",
        "1",
        "1",
        "0",
    )
    months = read_csv(client.get("/library/report/", {"export": "months"}))
    assert months == [["Month", "Copies added"], ["2026-08", "2"], ["2026-09", "2"]]


def test_all_libraries_or_one_for_the_district_admin(client_as, users, collection):
    client = client_as(users[roles.DISTRICT_ADMIN])
    rows = read_csv(client.get("/library/report/", {"export": "dewey"}))
    assert ["500s Science", "3", "3", "1983"] in rows  # 1990, 2010, 1950
    south = collection["south"].pk
    rows = read_csv(client.get("/library/report/", {"export": "dewey", "library": south}))
    assert ["500s Science", "1", "1", "1950"] in rows
    assert ["900s History and geography", "0", "0", ""] in rows
    page = client.get("/library/report/", {"library": south}).content.decode()
    assert "Collection report: South Library" in page
    # The chooser of libraries, with the one shown selected.
    assert 'action="/library/report/"' in page and "All your libraries" in page
    assert f'<option value="{south}" selected>South Library</option>' in page


def test_another_schools_library_is_not_reported(client_as, users, collection):
    client = client_as(users[roles.LIBRARIAN])
    south = collection["south"].pk
    page = client.get("/library/report/", {"library": south}).content.decode()
    assert "Collection report: South Library" not in page
    rows = read_csv(client.get("/library/report/", {"export": "dewey", "library": south}))
    assert ["500s Science", "2", "2", "2000"] in rows  # still the librarian's own
    assert client.get("/library/report/", {"library": "9" * 30}).status_code == 200
    assert client_as(users[roles.TEACHER]).get("/library/report/").status_code == 403


def test_the_query_count_does_not_grow_with_copies(client_as, users, collection):
    north = collection["north"]
    title = Copy.objects.filter(library=north).first().title
    Copy.objects.bulk_create(
        [Copy(barcode=f"BULK{n}", title=title, library=north) for n in range(200)]
    )
    client = client_as(users[roles.LIBRARIAN])
    with pinned_queries(12):
        page = client.get("/library/report/").content.decode()
    assert "204 copies on the shelves" in page
