"""The circulation report: loans by month, grade and library, the titles lent most and
the holds waiting, with its CSV, its query count pinned and who may see it."""

import datetime

import pytest

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.library import circulation, reports
from homeroom.library.models import Copy, Loan

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def lending(librarian, library, other_library, copies, readers, titles, users):
    """Five loans at North this month (Holes twice), one in August, one over a year ago,
    one at South; two readers waiting for Holes."""
    lent = [
        circulation.check_out(actor=librarian, copy=copies[n], person=readers[who])
        for n, who in [(0, "maya"), (1, "maya"), (2, "leo"), (3, "ana"), (4, "teacher")]
    ]
    again = Copy.objects.create(barcode="H2", title=titles[0], library=library)
    august = circulation.check_out(actor=librarian, copy=again, person=readers["leo"])
    Loan.objects.filter(pk=august.pk).update(
        checked_out_at=datetime.datetime(2026, 8, 20, 15, tzinfo=datetime.UTC)
    )
    old = Copy.objects.create(barcode="OLD", title=titles[2], library=library)
    long_ago = circulation.check_out(actor=librarian, copy=old, person=readers["ana"])
    Loan.objects.filter(pk=long_ago.pk).update(
        checked_out_at=datetime.datetime(2025, 10, 20, 15, tzinfo=datetime.UTC)
    )
    south = Copy.objects.create(barcode="S-1", title=titles[1], library=other_library)
    circulation.check_out(actor=users[roles.DISTRICT_ADMIN], copy=south, person=readers["ana"])
    for who in ("teacher", "ana"):
        circulation.hold_place(
            actor=librarian, person=readers[who], title=titles[0], library=library
        )
    return lent


def test_the_figures(library, lending):
    since = reports.report_start(datetime.date(2026, 11, 2))
    assert since.date() == datetime.date(2025, 12, 1)
    loans = reports.lent(reports.Library.objects.filter(pk=library.pk), since)
    months = reports.loans_by_month(loans, since)
    assert len(months) == 12 and months[0] == ("2025-12", 0)
    assert months[-1] == ("2026-11", 5) and ("2026-08", 1) in months
    assert reports.loans_by_grade(loans) == [
        ("Grade 1", 2),
        ("Grade 4", 2),
        ("Grade 7", 1),
        ("Staff and readers without a grade", 1),
    ]
    assert reports.top_titles(loans)[0] == ("Holes", 2)
    holds = reports.holds_waiting(reports.Library.objects.filter(pk=library.pk))
    assert reports.holds_by_title(holds) == [("Holes", library.name, 2)]


def test_the_page_and_its_csv(client_as, librarian, library, lending):
    desk = client_as(librarian)
    desk.get("/library/report/circulation/")
    with pinned_queries(14):
        page = desk.get("/library/report/circulation/")
    assert "6 loans since 1 December 2025" in page.text  # South's loan is not hers
    assert "Loans by grade" in page.text and "Grade 4" in page.text
    assert "Holes" in page.text and "2 waiting" in page.text
    answer = desk.get("/library/report/circulation/", {"export": "titles"})
    lines = b"".join(answer.streaming_content).decode().splitlines()
    assert lines[0].endswith("Title,Loans") and lines[1] == "Holes,2"
    holds = desk.get("/library/report/circulation/", {"export": "holds"})
    assert f"Holes,{library.name},2" in b"".join(holds.streaming_content).decode()


def test_the_district_sees_every_library(client_as, users, lending, other_library):
    page = client_as(users[roles.DISTRICT_ADMIN]).get("/library/report/circulation/")
    assert "7 loans since" in page.text
    one = client_as(users[roles.DISTRICT_ADMIN]).get(
        "/library/report/circulation/", {"library": other_library.pk}
    )
    assert "1 loan since" in one.text


def test_only_librarians_see_it(client_as, users):
    for role in (roles.TEACHER, roles.TECHNICIAN, roles.STUDENT):
        assert client_as(users[role]).get("/library/report/circulation/").status_code == 403
