"""Stocktake: start one (the expected copies frozen), scan shelves in sittings by several
people, close it, mark what was not found missing, the report and its CSV, the API, and
who may do it. Through the pages, the API and the services."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.library import circulation, stocktake
from homeroom.library.choices import CopyStatus, LoanStatus, ScanOutcome, StocktakeStatus
from homeroom.library.models import Copy, Loan, Stocktake, StocktakeScan, Title

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def shelf(titles, library, other_library):
    """Six copies on the shelves at 500 to 599, one at 800, one checked-out, one lost and
    one withdrawn, and a copy of the other library."""
    calls = ["500 ABE", "523.2 BOW", "551 CRU", "597.3 DIA", "599.7 OWL", "599 ZED", "811 POE"]
    made = {
        f"S{n}": Copy.objects.create(
            barcode=f"S{n}", title=titles[n % 5], library=library, call_number=call
        )
        for n, call in enumerate(calls)
    }
    for name, status in (("out", "available"), ("lost", "lost"), ("gone", "withdrawn")):
        made[name] = Copy.objects.create(
            barcode=f"X-{name}",
            title=titles[0],
            library=library,
            call_number="530 OUT",
            status=status,
        )
    made["elsewhere"] = Copy.objects.create(
        barcode="OTHER-1", title=titles[1], library=other_library, call_number="520 ELS"
    )
    return made


@pytest.fixture
def lent(shelf, librarian, readers):
    """The 530 copy is out to Maya."""
    circulation.check_out(actor=librarian, copy=shelf["out"], person=readers["maya"])
    return shelf["out"]


def test_starting_freezes_the_copies_on_the_shelves(librarian, library, shelf, lent):
    whole = stocktake.stocktake_start(actor=librarian, library=library)
    assert whole.expected_count == 7  # checked out, lost and withdrawn left out
    expected = set(whole.items.values_list("copy__barcode", flat=True))
    assert expected == {f"S{n}" for n in range(7)}
    # Copies added afterwards are not expected.
    Copy.objects.create(barcode="NEW-1", title=shelf["S0"].title, library=library)
    assert whole.items.count() == 7
    event = AuditEvent.objects.filter(
        content_type__model="stocktake", object_id=str(whole.pk)
    ).get()
    assert event.actor == librarian
    with pytest.raises(Conflict, match="already under way"):
        stocktake.stocktake_start(actor=librarian, library=library)


def test_a_call_number_range_takes_what_starts_with_its_last(
    librarian, library, other_library, shelf
):
    ranged = stocktake.stocktake_start(
        actor=librarian, library=library, call_number_from="500", call_number_to="599"
    )
    assert sorted(ranged.items.values_list("copy__barcode", flat=True)) == [
        "S0",
        "S1",
        "S2",
        "S3",
        "S4",
        "S5",
        "X-out",
    ]
    assert ranged.range_label == "500 to 599"
    with pytest.raises(Exception, match="comes before the first"):
        stocktake.stocktake_start(
            actor=librarian, library=library, call_number_from="800", call_number_to="100"
        )


def test_each_scan_says_what_the_barcode_was(librarian, library, shelf, lent, readers):
    counted = stocktake.stocktake_start(
        actor=librarian, library=library, call_number_from="500", call_number_to="599"
    )

    def scan(barcode):
        return stocktake.stocktake_scan(actor=librarian, stocktake=counted, barcode=barcode)

    found = scan(" S0 ")
    assert found.scan.outcome == ScanOutcome.FOUND and found.ok
    assert found.text == "✓ Holes (S0) found."
    back = scan("X-out")
    assert back.scan.outcome == ScanOutcome.CHECKED_IN
    assert "was checked out: checked in now" in back.text
    loan = Loan.objects.get(copy=lent)
    assert loan.status == LoanStatus.RETURNED
    lent.refresh_from_db()
    assert lent.status == CopyStatus.AVAILABLE
    elsewhere = scan("OTHER-1")
    assert elsewhere.scan.outcome == ScanOutcome.OTHER_LIBRARY
    assert "belongs to" in elsewhere.text and "transit bin" in elsewhere.text
    out_of_range = scan("S6")
    assert out_of_range.scan.outcome == ScanOutcome.NOT_EXPECTED
    with pytest.raises(ValidationError):
        scan("S\x000")
    with pytest.raises(ValidationError):
        stocktake.stocktake_start(actor=librarian, library=library, call_number_to="5\x009")
    unknown = scan("NOPE-9")
    assert unknown.scan.outcome == ScanOutcome.UNKNOWN and unknown.scan.copy is None
    again = scan("S0")
    assert again.repeated and again.text == "✓ Holes (S0) was already counted."
    assert StocktakeScan.objects.filter(stocktake=counted).count() == 5
    counts = stocktake.counts(counted)
    assert counts["expected"] == 6 and counts["found"] == 1  # the lent copy was not expected
    assert counts["checked_in"] == 1 and counts["misplaced"] == 2 and counts["unknown"] == 1


def test_a_missing_copy_found_goes_back_on_the_shelf(librarian, library, shelf):
    Copy.objects.filter(pk=shelf["S1"].pk).update(status=CopyStatus.MISSING)
    counted = stocktake.stocktake_start(actor=librarian, library=library)
    found = stocktake.stocktake_scan(actor=librarian, stocktake=counted, barcode="S1")
    assert found.scan.outcome == ScanOutcome.FOUND
    assert "It was listed as missing: back on the shelf." in found.text
    shelf["S1"].refresh_from_db()
    assert shelf["S1"].status == CopyStatus.AVAILABLE


def test_closing_lists_the_missing_which_are_marked_in_one_action(
    librarian, library, shelf, readers
):
    counted = stocktake.stocktake_start(
        actor=librarian, library=library, call_number_from="500", call_number_to="599"
    )
    for barcode in ("S0", "S1", "S2", "S3", "X-out"):
        stocktake.stocktake_scan(actor=librarian, stocktake=counted, barcode=barcode)
    # Lent during the count: not missing.
    circulation.check_out(actor=librarian, copy=shelf["S4"], person=readers["leo"])
    with pytest.raises(Conflict, match="Close the stocktake first"):
        stocktake.stocktake_mark_missing(actor=librarian, stocktake=counted)
    stocktake.stocktake_close(actor=librarian, stocktake=counted)
    counted.refresh_from_db()
    assert counted.status == StocktakeStatus.CLOSED and counted.closed_by == librarian
    assert [item.copy.barcode for item in stocktake.missing(counted)] == ["S5"]
    with pytest.raises(Conflict, match="closed"):
        stocktake.stocktake_scan(actor=librarian, stocktake=counted, barcode="S5")
    with pytest.raises(Conflict, match="cannot become"):
        stocktake.stocktake_close(actor=librarian, stocktake=counted)
    assert stocktake.stocktake_mark_missing(actor=librarian, stocktake=counted) == 1
    shelf["S5"].refresh_from_db()
    assert shelf["S5"].status == CopyStatus.MISSING
    note = AuditEvent.objects.filter(
        content_type__model="copy", object_id=str(shelf["S5"].pk), verb="status_changed"
    ).get()
    assert note.message.startswith("Not found in the stocktake started")
    # Marking again changes nothing more.
    assert stocktake.stocktake_mark_missing(actor=librarian, stocktake=counted) == 0


def test_others_are_refused_and_nothing_changes(
    users, make_user, sites, library, other_library, shelf
):
    admin = users[roles.DISTRICT_ADMIN]
    counted = stocktake.stocktake_start(actor=admin, library=library)
    elsewhere = make_user("far-librarian", roles.LIBRARIAN, sites=[sites[1]])
    for user in (users[roles.TECHNICIAN], users[roles.TEACHER], elsewhere):
        with pytest.raises(Exception) as refused:
            stocktake.stocktake_scan(actor=user, stocktake=counted, barcode="S0")
        assert refused.type.__name__ == "PermissionDenied"
        with pytest.raises(Exception) as refused:
            stocktake.stocktake_close(actor=user, stocktake=counted)
        assert refused.type.__name__ == "PermissionDenied"
    with pytest.raises(Exception, match="do not work at"):
        stocktake.stocktake_start(actor=elsewhere, library=library)
    assert not StocktakeScan.objects.exists()
    counted.refresh_from_db()
    assert counted.status == StocktakeStatus.OPEN
    assert Stocktake.objects.count() == 1
    # The district admin scans anywhere.
    done = stocktake.stocktake_scan(actor=admin, stocktake=counted, barcode="S0")
    assert done.scan.outcome == ScanOutcome.FOUND


def test_the_pages_start_scan_close_and_report(client_as, librarian, library, shelf, lent):
    desk = client_as(librarian)
    listing = desk.get("/library/stocktakes/")
    assert "Start the stocktake" in listing.text and "No stocktakes yet" in listing.text
    started = desk.post(
        "/library/stocktakes/start/",
        {"library": library.pk, "call_number_from": "500", "call_number_to": "599"},
    )
    counted = Stocktake.objects.get()
    assert started.url == f"/library/stocktakes/{counted.pk}/"
    page = desk.get(started.url)
    assert "Scan each book on the shelf" in page.text and 'id="camera-scan"' in page.text
    answer = desk.post(started.url, {"scan": "S0"}, headers={"HX-Request": "true"})
    assert "✓ Holes (S0) found." in answer.text and "<html" not in answer.text
    assert "1</strong> of 6 found" in answer.text
    answer = desk.post(started.url, {"scan": "X-out"}, headers={"HX-Request": "true"})
    assert "checked in now" in answer.text
    answer = desk.post(started.url, {"scan": "OTHER-1"}, headers={"HX-Request": "true"})
    assert "scan-result--warning" in answer.text
    answer = desk.post(started.url, {"scan": ""}, headers={"HX-Request": "true"})
    assert "✗" in answer.text
    closed = desk.post(f"/library/stocktakes/{counted.pk}/close/")
    assert closed.url == f"/library/stocktakes/{counted.pk}/report/"
    report = desk.get(closed.url)
    assert "Missing: not found (5)" in report.text and "Mark 5 copies missing" in report.text
    assert "Misplaced (1)" in report.text and "OTHER-1" in report.text
    # A closed stocktake's scanning page sends to its report.
    assert desk.get(started.url).url == closed.url
    marked = desk.post(f"/library/stocktakes/{counted.pk}/mark-missing/")
    assert marked.status_code == 302
    assert Copy.objects.filter(status=CopyStatus.MISSING).count() == 5
    assert "5 copies marked missing" in desk.get(closed.url).text


def test_the_csv_neutralises_formulas(client_as, librarian, library, titles):
    sneaky = Title.objects.create(title="=HYPERLINK(1)", record="{}", fingerprint="x")
    Copy.objects.create(barcode="F1", title=sneaky, library=library, call_number="@SUM(A1)")
    counted = stocktake.stocktake_start(actor=librarian, library=library)
    stocktake.stocktake_close(actor=librarian, stocktake=counted)
    answer = client_as(librarian).get(
        f"/library/stocktakes/{counted.pk}/report/", {"export": "missing"}
    )
    text = b"".join(answer.streaming_content).decode()
    assert "'=HYPERLINK(1)" in text and "'@SUM(A1)" in text
    assert text.splitlines()[0].endswith("Barcode,Title,Call number,Location,Status")


def test_pinned_queries_of_the_pages(client_as, librarian, library, shelf):
    desk = client_as(librarian)
    counted = stocktake.stocktake_start(actor=librarian, library=library)
    for barcode in ("S0", "S1", "OTHER-1", "NOPE"):
        stocktake.stocktake_scan(actor=librarian, stocktake=counted, barcode=barcode)
    desk.get("/library/stocktakes/")  # the session and permissions, once
    with pinned_queries(9):
        desk.get("/library/stocktakes/")
    with pinned_queries(11):
        desk.get(f"/library/stocktakes/{counted.pk}/")
    with pinned_queries(14):
        desk.get(f"/library/stocktakes/{counted.pk}/report/")


def test_other_roles_and_schools_get_no_stocktake_pages(
    client_as, users, make_user, sites, librarian, library, shelf
):
    counted = stocktake.stocktake_start(actor=librarian, library=library)
    for role in (roles.TEACHER, roles.TECHNICIAN, roles.STUDENT):
        client = client_as(users[role])
        assert client.get("/library/stocktakes/").status_code == 403
        assert client.post(f"/library/stocktakes/{counted.pk}/", {"scan": "S0"}).status_code == 403
    far = client_as(make_user("far-away", roles.LIBRARIAN, sites=[sites[1]]))
    assert far.get(f"/library/stocktakes/{counted.pk}/report/").status_code == 404
    assert far.post(f"/library/stocktakes/{counted.pk}/close/").status_code == 404
    assert not StocktakeScan.objects.exists()


def test_the_api_starts_scans_and_closes(api_client_as, librarian, library, shelf, users):
    api = api_client_as(librarian)
    started = api.post(
        "/api/v1/library/stocktakes",
        {"library_id": library.site_id, "call_number_to": "599"},
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["expected"] == 7 and body["status"] == "open"
    url = f"/api/v1/library/stocktakes/{body['id']}"
    scanned = api.post(f"{url}/scans", {"barcode": "S0"}, content_type="application/json")
    assert scanned.json()["outcome"] == "found" and not scanned.json()["repeated"]
    again = api.post(f"{url}/scans", {"barcode": "S0"}, content_type="application/json")
    assert again.json()["repeated"]
    assert api.get(url).json()["found"] == 1
    closed = api.post(f"{url}/close?mark_missing=true", content_type="application/json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["not_found"] == 6
    assert Copy.objects.filter(status=CopyStatus.MISSING).count() == 6
    late = api.post(f"{url}/scans", {"barcode": "S1"}, content_type="application/json")
    assert late.status_code == 409
    teacher = api_client_as(users[roles.TEACHER])
    assert teacher.get(url).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_people_scanning_one_barcode_at_once_count_it_once(librarian, library, shelf):
    """On PostgreSQL the two really race (the stocktake's row lock); SQLite's in-memory
    test database cannot be shared between threads, so there they scan one after the
    other."""
    counted = stocktake.stocktake_start(actor=librarian, library=library)
    racers = 2 if connection.vendor == "postgresql" else 1
    start = threading.Barrier(racers) if racers > 1 else None
    outcomes = []

    def run():
        try:
            if start:
                start.wait()
            done = stocktake.stocktake_scan(actor=librarian, stocktake=counted, barcode="S2")
            outcomes.append("repeated" if done.repeated else done.scan.outcome)
        finally:
            if start:
                close_old_connections()
                connection.close()

    if start:
        threads = [threading.Thread(target=run) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        run()
        run()
    assert sorted(outcomes) == ["found", "repeated"]
    assert StocktakeScan.objects.filter(stocktake=counted).count() == 1
    assert stocktake.counts(counted)["found"] == 1
