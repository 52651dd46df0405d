"""The circulation desk, the loan rules page, "My books" and holds from the catalog, and
circulation in the API, through HTTP as people and programs use them."""

import datetime

import pytest

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.library import circulation
from homeroom.library.choices import CopyStatus, HoldStatus, LoanStatus
from homeroom.library.models import Copy, Hold, Loan, LoanRule

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def desk(client_as, librarian):
    return client_as(librarian)


def scan(client, barcode, **fields):
    return client.post(
        "/library/desk/", {"scan": barcode, **fields}, headers={"HX-Request": "true"}
    )


def test_a_badge_scan_picks_the_reader_and_each_book_scan_lends(desk, copies, readers, library):
    maya = readers["maya"]
    picked = desk.get("/library/desk/", {"who": "S-Maya"}, headers={"HX-Request": "true"})
    assert "Lending to" in picked.text and "Maya Reader" in picked.text
    answer = scan(desk, "T00001", person=maya.pk)
    assert "✓ Holes checked out to Maya Reader — due Mon 16 Nov" in answer.text
    answer = scan(desk, " T00002 ", person=maya.pk)
    assert "✓ Wonder checked out" in answer.text
    assert Loan.objects.filter(person=maya, status=LoanStatus.OUT).count() == 2
    page = desk.get("/library/desk/", {"person": maya.pk})
    assert "Renew all" in page.text
    assert "Holes" in page.text and "Wonder" in page.text


def test_the_desk_refuses_with_the_reason_and_the_override_is_one_click(
    desk, copies, readers, library, librarian
):
    circulation.loan_rule_save(actor=librarian, data={"library": library, "max_items": 1})
    maya = readers["maya"]
    scan(desk, "T00001", person=maya.pk)
    refused = scan(desk, "T00002", person=maya.pk)
    assert "✗ Wonder not checked out: Maya Reader has 1 of 1 books out" in refused.text
    assert "Check out anyway" in refused.text
    lent = scan(desk, "T00002", person=maya.pk, override="yes")
    assert "✓ Wonder checked out" in lent.text
    assert Loan.objects.get(copy=copies[1]).override.endswith("the limit is reached.")
    unknown = scan(desk, "NOPE-1", person=maya.pk)
    assert "✗ No copy has the barcode “NOPE-1”" in unknown.text
    nobody = scan(desk, "T00003")
    assert "Scan the reader&#x27;s badge or pick a reader first" in nobody.text


def test_check_in_mode_needs_no_reader_and_prints_the_hold_slip(
    desk, copies, readers, library, librarian
):
    circulation.check_out(actor=librarian, copy=copies[0], person=readers["ana"])
    circulation.hold_place(
        actor=librarian, person=readers["maya"], title=copies[0].title, library=library
    )
    circulation.check_out(actor=librarian, copy=copies[1], person=readers["ana"])
    back = scan(desk, "T00001", mode="in")
    assert "⚑ Holes: put it on the hold shelf for Maya Reader" in back.text
    assert "Hold for Maya Reader" in back.text and "Kept until" in back.text
    plain = scan(desk, "T00002", mode="in")
    assert "✓ Wonder checked in from Ana Reader" in plain.text
    again = scan(desk, "T00002", mode="in")
    assert "✗ T00002 was not checked out; it stays on the shelf." in again.text


def test_a_book_of_another_library_goes_in_transit(desk, users, copies, readers, other_library):
    Copy.objects.filter(pk=copies[0].pk).update(library=other_library)
    circulation.check_out(actor=users[roles.DISTRICT_ADMIN], copy=copies[0], person=readers["ana"])
    back = scan(desk, "T00001", mode="in")
    assert "↪ Holes belongs to South High Library: put it in the transit bin" in back.text
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.IN_TRANSIT


def test_renew_all_and_claims_returned_from_the_desk(
    client_as, copies, readers, librarian, time_machine, frozen
):
    maya = readers["maya"]
    loans = [circulation.check_out(actor=librarian, copy=copy, person=maya) for copy in copies[:2]]
    time_machine.move_to(frozen + datetime.timedelta(days=2), tick=False)
    desk = client_as(librarian)
    answer = desk.post("/library/desk/renew/", {"person": maya.pk}, follow=True)
    assert "Renewed 2 of 2 books." in answer.text
    desk.post(f"/library/loans/{loans[0].pk}/claim-returned/")
    assert Loan.objects.get(pk=loans[0].pk).status == LoanStatus.CLAIMED_RETURNED


def test_the_loan_rules_page_says_why_this_due_date(client_as, librarian, copies, readers, library):
    circulation.loan_rule_save(
        actor=librarian, data={"library": library, "loan_length": 3, "max_items": 4}
    )
    client = client_as(librarian)
    page = client.get("/library/loan-rules/", {"who": "S-Maya", "barcode": "T00001"})
    assert "is a reader of type <strong>Grades 3-5</strong>" in page.text
    assert "North Elementary Library · any reader · any item" in page.text
    assert "it would be due <strong>Thursday 5 November</strong>" in page.text
    assert "Any library · any reader · any item" in page.text
    with pinned_queries(8):
        client.get("/library/loan-rules/")


def test_a_loan_rule_row_is_added_from_its_form(client_as, librarian, library):
    answer = client_as(librarian).post(
        "/library/loan-rules/new/",
        {
            "library": library.pk,
            "patron_type": "",
            "circulation_type": "equipment",
            "loan_unit": "hours",
            "loan_length": "3",
            "max_items": "1",
            "renewals": "0",
            "max_holds": "0",
            "grace_days": "0",
            "fine_per_day": "0",
            "fine_cap": "0",
            "lost_after_days": "30",
        },
    )
    assert answer.status_code == 302
    rule = LoanRule.objects.get(library=library, circulation_type="equipment")
    assert (rule.loan_unit, rule.loan_length) == ("hours", 3)
    again = client_as(librarian).post(
        "/library/loan-rules/new/",
        {
            "library": library.pk,
            "circulation_type": "equipment",
            "loan_unit": "hours",
            "loan_length": "2",
            "max_items": "1",
            "renewals": "0",
            "max_holds": "0",
            "grace_days": "0",
            "fine_per_day": "0",
            "fine_cap": "0",
            "lost_after_days": "30",
        },
    )
    assert "already has a row" in again.text
    assert LoanRule.objects.filter(library=library).count() == 1


@pytest.fixture
def student(make_user, sites, readers):
    account = make_user("maya", roles.STUDENT, sites=[sites[0]])
    readers["maya"].user = account
    readers["maya"].save()
    return account


def test_a_student_places_a_hold_from_the_catalog_and_sees_it_in_my_books(
    client_as, student, copies, librarian, readers, library
):
    circulation.check_out(actor=librarian, copy=copies[0], person=readers["ana"])
    client = client_as(student)
    page = client.get(f"/library/find/{copies[0].title_id}/")
    assert "Place a hold" in page.text
    answer = client.post(
        f"/library/find/{copies[0].title_id}/hold/", {"library": library.pk}, follow=True
    )
    assert "You are in the queue for Holes at North Elementary Library" in answer.text
    hold = Hold.objects.get(person=readers["maya"])
    assert hold.status == HoldStatus.WAITING
    circulation.check_out(actor=librarian, copy=copies[1], person=readers["maya"])
    books = client.get("/library/my-books/")
    assert "Wonder" in books.text and "due Mon 16 Nov" in books.text
    assert "Holes" in books.text and "Waiting for a copy" in books.text
    renewed = client.post(
        f"/library/my-books/loans/{Loan.objects.get(copy=copies[1]).pk}/renew/", follow=True
    )
    assert "Not renewed: Renewing would not give more time" in renewed.text
    client.post(f"/library/my-books/holds/{hold.pk}/cancel/")
    assert Hold.objects.get(pk=hold.pk).status == HoldStatus.CANCELLED
    # Another reader's loan is not the student's to renew.
    other = Loan.objects.get(copy=copies[0])
    assert client.post(f"/library/my-books/loans/{other.pk}/renew/").status_code == 404


def test_the_person_page_shows_their_loans_to_the_librarian_only(
    client_as, librarian, users, copies, readers
):
    circulation.check_out(actor=librarian, copy=copies[0], person=readers["maya"])
    url = readers["maya"].get_absolute_url()
    assert "Holes" in client_as(librarian).get(url).text
    assert "Books out" not in client_as(users[roles.TECHNICIAN]).get(url).text


def test_check_out_in_the_api_refuses_with_409_and_reasons(
    api_client_as, librarian, copies, readers, library
):
    circulation.loan_rule_save(actor=librarian, data={"library": library, "max_items": 1})
    api = api_client_as(librarian)
    maya = readers["maya"]
    lent = api.post(
        "/api/v1/library/loans",
        {"barcode": "T00001", "person_id": maya.pk},
        content_type="application/json",
    )
    assert lent.status_code == 201 and lent.json()["due_on"] == "2026-11-16"
    refused = api.post(
        "/api/v1/library/loans",
        {"barcode": "T00002", "person_id": maya.pk},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "overridable"
    assert refused.json()["error"]["fields"]["reasons"] == [
        "Maya Reader has 1 of 1 books out: the limit is reached."
    ]
    loans = api.get(f"/api/v1/library/people/{maya.pk}/loans", {"limit": 1})
    assert [item["barcode"] for item in loans.json()["items"]] == ["T00001"]
    back = api.post(
        "/api/v1/library/returns", {"barcode": "T00001"}, content_type="application/json"
    )
    assert back.json()["copy_status"] == "available" and back.json()["loan"]["status"] == "returned"
    rules_out = api.get("/api/v1/library/loan-rules").json()
    assert {row["library_id"] for row in rules_out} == {None, library.site_id}
    bad = api.post("/api/v1/library/returns", {"barcode": "   "}, content_type="application/json")
    assert bad.status_code == 400
    assert not AuditEvent.objects.filter(verb="checked_in", object_id=0).exists()
