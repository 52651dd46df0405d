"""The overdue list per homeroom teacher and its CSV, the holds to pull, damaged at the desk
and the librarian's Today card, through HTTP."""

import csv
import datetime
import io

import pytest

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.fees.models import Charge
from homeroom.library import circulation, overdues
from homeroom.library.choices import CopyStatus, HoldStatus, LoanStatus
from homeroom.library.models import Copy, Hold, Loan
from homeroom.library.tests import circulation_data as data
from homeroom.people.models import Enrollment, Person, SchoolClass

MONDAY = data.MONDAY

pytestmark = pytest.mark.usefixtures("frozen")


def lent(librarian, copy, person, *, due_days_ago: int | None = None) -> Loan:
    loan = circulation.check_out(actor=librarian, copy=copy, person=person)
    if due_days_ago is not None:
        Loan.objects.filter(pk=loan.pk).update(
            due_on=MONDAY - datetime.timedelta(days=due_days_ago)
        )
    return loan


@pytest.fixture
def homerooms(sites, readers):
    """Maya in Ms Okafor's homeroom, Ana in Mr Bell's; Leo in none."""
    rooms = {}
    for code, teacher in (("4B", "Okafor"), ("7A", "Bell")):
        room = SchoolClass.objects.create(title=f"Homeroom {code}", site=sites[0])
        person = Person.objects.create(
            given_name="Pat", family_name=teacher, kind="teacher", primary_site=sites[0]
        )
        Enrollment.objects.create(
            person=person, school_class=room, site=sites[0], role="teacher", primary=True
        )
        rooms[code] = room
    Person.objects.filter(pk=readers["maya"].pk).update(homeroom=rooms["4B"])
    Person.objects.filter(pk=readers["ana"].pk).update(homeroom=rooms["7A"])
    return rooms


@pytest.fixture
def overdue(librarian, copies, readers, homerooms):
    """Five overdue books: two of Maya's (4B), one of Ana's (7A), one of Leo's (no
    homeroom), one of a teacher's; and one not yet due."""
    extra = Copy.objects.create(barcode="T00006", title=copies[0].title, library=copies[0].library)
    loans = [
        lent(librarian, copies[0], readers["maya"], due_days_ago=3),
        lent(librarian, copies[1], readers["maya"], due_days_ago=10),
        lent(librarian, copies[2], readers["ana"], due_days_ago=1),
        lent(librarian, copies[3], readers["leo"], due_days_ago=5),
        lent(librarian, copies[4], readers["teacher"], due_days_ago=2),
    ]
    lent(librarian, extra, readers["ana"])
    return loans


def test_the_overdue_list_groups_by_homeroom_teacher(client_as, librarian, overdue):
    page = client_as(librarian).get("/library/overdue/")
    assert page.status_code == 200
    text = page.text
    # Mr Bell's homeroom before Ms Okafor's, then no homeroom, then staff.
    order = [
        text.index("Homeroom 7A"),
        text.index("Homeroom 4B"),
        text.index("No homeroom on the roster"),
        text.index("Staff"),
    ]
    assert order == sorted(order)
    assert "Pat Bell" in text and "Pat Okafor" in text
    assert "10 days" in text and "1 day<" in text
    assert "5 books past due" in text and "given up as lost" not in text
    assert "T00006" not in text
    assert 'class="print-page"' in text
    assert "Print for the teachers" in text


def test_a_lost_book_stays_on_the_overdue_list(client_as, librarian, copies, readers):
    lent(librarian, copies[0], readers["maya"], due_days_ago=70)
    overdues.lost_sweep()
    text = client_as(librarian).get("/library/overdue/").text
    assert "70 days" in text and "lost" in text
    assert "1 book past due on" in text and "(1 of them given up as lost)" in text


def test_the_overdue_list_query_count_does_not_grow_with_its_rows(
    client_as, librarian, overdue, readers, titles, library, homerooms
):
    client = client_as(librarian)
    with pinned_queries(11):
        client.get("/library/overdue/")
    for n in range(6):
        title = titles[n % len(titles)]
        copy = Copy.objects.create(barcode=f"X{n}", title=title, library=library)
        reader = Person.objects.create(
            given_name=f"Extra{n}", family_name="Reader", grade="04", homeroom=homerooms["4B"]
        )
        lent(librarian, copy, reader, due_days_ago=4)
    with pinned_queries(11):
        page = client.get("/library/overdue/")
    assert "11 books past due" in page.text


def test_the_overdue_csv_neutralises_formulas(client_as, librarian, overdue, readers):
    Person.objects.filter(pk=readers["leo"].pk).update(given_name="=HYPERLINK(1)")
    answer = client_as(librarian).get("/library/overdue/export/")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Homeroom", "Teacher", "Reader"]
    assert len(rows) == 6
    assert rows[1][:3] == ["Homeroom 7A", "Pat Bell", "Ana Reader"]
    leo = next(row for row in rows if "T00004" in row)
    assert leo[2] == "'=HYPERLINK(1) Reader"
    assert leo[0] == "No homeroom on the roster"
    assert leo[8] == "5"


@pytest.mark.parametrize("path", ["/library/overdue/", "/library/overdue/export/"])
def test_the_overdue_list_is_refused_to_teachers(client_as, users, overdue, path):
    assert client_as(users[roles.TEACHER]).get(path).status_code == 403


def test_another_schools_librarian_sees_none_of_this_librarys_overdues(
    client_as, make_user, sites, overdue, other_library
):
    south = make_user("south_librarian", roles.LIBRARIAN, sites=[sites[1]])
    page = client_as(south).get("/library/overdue/", {"library": overdue[0].library.pk})
    assert "Maya" not in page.text
    assert "Nothing is overdue at South High Library" in page.text


@pytest.fixture
def waiting(librarian, copies, readers, library, titles):
    """Holds waiting: Wonder has a copy on the shelf (two readers, one copy); Holes is
    out; Frindle's copy sits on the shelf with nobody waiting."""
    Copy.objects.filter(pk=copies[1].pk).update(call_number="FIC PAL")
    second = Copy.objects.create(
        barcode="T00007", title=titles[2], library=library, call_number="FIC PAU"
    )
    Copy.objects.filter(pk=copies[2].pk).update(call_number="796 PAU", location="Nonfiction")
    circulation.check_out(actor=librarian, copy=copies[0], person=readers["ana"])
    holds = [
        circulation.hold_place(
            actor=librarian, person=readers[who], title=titles[n], library=library
        )
        for who, n in (("maya", 1), ("leo", 1), ("maya", 0), ("maya", 2), ("leo", 2))
    ]
    return holds, second


def test_holds_to_pull_lists_copies_on_the_shelf_in_call_number_order(
    client_as, librarian, waiting
):
    page = client_as(librarian).get("/library/holds/pull/")
    text = page.text
    assert page.status_code == 200
    # Hatchet's two copies for Maya and Leo, then Wonder's one copy for Maya (first).
    order = [text.index("796 PAU"), text.index("FIC PAL"), text.index("FIC PAU")]
    assert order == sorted(order)
    assert text.count("<tr>") == 4  # the heading and three copies
    assert "Holes" not in text and "Frindle" not in text
    assert "Nonfiction" in text


def test_a_pulled_copy_checked_in_is_set_aside_for_its_reader(
    client_as, librarian, waiting, copies, readers
):
    circulation.check_in(actor=librarian, copy=copies[1])
    hold = Hold.objects.get(person=readers["maya"], title=copies[1].title)
    assert hold.status == HoldStatus.READY
    assert "FIC PAL" not in client_as(librarian).get("/library/holds/pull/").text


def test_holds_to_pull_query_count_is_pinned(client_as, librarian, waiting, titles, library):
    client = client_as(librarian)
    with pinned_queries(11):
        client.get("/library/holds/pull/")
    Copy.objects.create(barcode="T00009", title=titles[1], library=library)
    with pinned_queries(11):
        page = client.get("/library/holds/pull/")
    assert page.text.count("<tr>") == 5


def test_holds_to_pull_is_refused_to_teachers(client_as, users, waiting):
    assert client_as(users[roles.TEACHER]).get("/library/holds/pull/").status_code == 403


def test_damaged_at_the_desk_in_one_action(client_as, librarian, copies, readers):
    loan = lent(librarian, copies[0], readers["maya"])
    desk = client_as(librarian)
    assert "A book came back damaged" in desk.get("/library/desk/", {"mode": "in"}).text
    answer = desk.post(
        "/library/desk/damaged/", {"scan": "T00001", "note": "Torn cover"}, follow=True
    )
    assert "Holes (T00001) is damaged. Maya Reader is charged $18.50." in answer.text
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.DAMAGED
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.RETURNED
    charge = Charge.objects.get()
    assert (charge.person, charge.source) == (readers["maya"], Loan.objects.get(pk=loan.pk))


def test_damaged_without_charging(client_as, librarian, copies, readers):
    lent(librarian, copies[0], readers["maya"])
    client_as(librarian).post("/library/desk/damaged/", {"scan": "T00001", "charge": "no"})
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.DAMAGED
    assert not Charge.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "south librarian"])
def test_damaged_at_the_desk_is_refused_and_changes_nothing(
    who, client_as, users, make_user, sites, librarian, copies, readers
):
    loan = lent(librarian, copies[0], readers["maya"])
    actor = (
        users[roles.TEACHER]
        if who == "teacher"
        else make_user("south_librarian", roles.LIBRARIAN, sites=[sites[1]])
    )
    answer = client_as(actor).post("/library/desk/damaged/", {"scan": "T00001"})
    assert answer.status_code in (302, 403)
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.OUT
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.CHECKED_OUT
    assert not Charge.objects.exists()


def test_the_librarians_today_card(client_as, librarian, copies, readers, waiting):
    lent(librarian, copies[3], readers["leo"], due_days_ago=2)
    due_today = circulation.check_out(actor=librarian, copy=copies[4], person=readers["maya"])
    Loan.objects.filter(pk=due_today.pk).update(due_on=MONDAY)
    page = client_as(librarian).get("/")
    text = page.text
    assert "Library today" in text
    card = text[text.index("Library today") :]
    assert "<dt>Due back today</dt><dd>1</dd>" in card
    assert ">1</a></dd>" in card.split("Holds to pull")[0]  # one overdue
    assert "Holds to pull</dt><dd><a" in card and ">3</a>" in card


def test_teachers_have_no_library_card(client_as, users):
    assert "Library today" not in client_as(users[roles.TEACHER]).get("/").text


def test_the_api_lists_a_librarys_overdue_books_by_homeroom(
    api_client_as, librarian, overdue, library
):
    answer = api_client_as(librarian).get(f"/api/v1/library/libraries/{library.site_id}/overdue")
    assert answer.status_code == 200
    rows = answer.json()
    assert [(row["homeroom"], row["barcode"]) for row in rows] == [
        ("Homeroom 7A", "T00003"),
        ("Homeroom 4B", "T00002"),
        ("Homeroom 4B", "T00001"),
        ("No homeroom on the roster", "T00004"),
        ("Staff", "T00005"),
    ]
    assert rows[0]["teachers"] == ["Pat Bell"]
    assert (rows[1]["days_overdue"], rows[1]["reader"], rows[1]["grade"]) == (
        10,
        "Maya Reader",
        "04",
    )


def test_the_api_overdue_list_is_refused_to_teachers_and_empty_for_other_schools(
    api_client_as, users, make_user, sites, overdue, library
):
    path = f"/api/v1/library/libraries/{library.site_id}/overdue"
    assert api_client_as(users[roles.TEACHER]).get(path).status_code == 403
    south = make_user("south_librarian", roles.LIBRARIAN, sites=[sites[1]])
    assert api_client_as(south).get(path).json() == []


def test_the_api_marks_a_copy_damaged_and_charges(api_client_as, librarian, copies, readers):
    lent(librarian, copies[0], readers["maya"])
    answer = api_client_as(librarian).post(
        "/api/v1/library/damaged",
        {"barcode": "T00001", "note": "Spilled juice"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["copy_status"], body["amount"]) == ("damaged", "18.50")
    assert Charge.objects.get().pk == body["charge_id"]
    again = api_client_as(librarian).post(
        "/api/v1/library/damaged", {"barcode": "T00001"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_the_api_refuses_damaged_to_a_teacher(api_client_as, users, librarian, copies, readers):
    lent(librarian, copies[0], readers["maya"])
    answer = api_client_as(users[roles.TEACHER]).post(
        "/api/v1/library/damaged", {"barcode": "T00001"}, content_type="application/json"
    )
    assert answer.status_code == 403
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.CHECKED_OUT
    assert not Charge.objects.exists()


def test_the_api_cancels_a_hold_for_its_reader_or_a_librarian(
    api_client_as, users, librarian, readers, titles, copies, library, make_user, sites
):
    student = users[roles.STUDENT]
    Person.objects.filter(pk=readers["maya"].pk).update(user=student)
    own = circulation.hold_place(
        actor=librarian, person=readers["maya"], title=titles[0], library=library
    )
    others = circulation.hold_place(
        actor=librarian, person=readers["leo"], title=titles[0], library=library
    )
    api = api_client_as(student)
    assert api.post(f"/api/v1/library/holds/{others.pk}/cancel").status_code == 404
    answer = api.post(f"/api/v1/library/holds/{own.pk}/cancel")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    assert api.post(f"/api/v1/library/holds/{own.pk}/cancel").status_code == 409
    south = make_user("south_librarian", roles.LIBRARIAN, sites=[sites[1]])
    assert api_client_as(south).post(f"/api/v1/library/holds/{others.pk}/cancel").status_code == 404
    assert Hold.objects.get(pk=others.pk).status == HoldStatus.WAITING
    answer = api_client_as(librarian).post(f"/api/v1/library/holds/{others.pk}/cancel")
    assert answer.json()["status"] == "cancelled"
