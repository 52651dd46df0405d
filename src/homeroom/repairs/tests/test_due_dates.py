"""A repair's expected date and a loaner's due date never fall on a weekend or a closed day
of the school calendar (the district's or the school's own): they move to the next school
day. The clock stands on a school Monday (10 March 2025)."""

import datetime

import pytest

from homeroom.core.models import ClosedDay
from homeroom.devices.models import Assignment
from homeroom.helpdesk.models import Ticket
from homeroom.repairs.models import RepairOrder
from homeroom.repairs.services import end_of_day

pytestmark = pytest.mark.usefixtures("school_monday")


def day(n: int) -> datetime.date:
    """The nth of March 2025 (the 10th is a Monday)."""
    return datetime.date(2025, 3, n)


@pytest.fixture
def client(tech, client_as):
    return client_as(tech)


def test_a_depot_repair_due_on_a_monday_holiday_comes_back_on_tuesday(
    client, checked_out, sites, loaners
):
    # 14 days from Monday the 10th is Monday the 24th, a day this school is closed.
    ClosedDay.objects.create(
        site=sites[0], starts_on=day(24), ends_on=day(24), reason="Teacher workday"
    )
    client.post("/repairs/new/", {"scan": "NES-0001", "problem": "Board", "kind": "vendor_depot"})
    repair = RepairOrder.objects.get()
    assert repair.expected_back == day(25)
    given = client.post(f"/repairs/{repair.pk}/loaner/", {"scan": ""}, follow=True)
    assert "due back Tue 25 Mar" in given.content.decode()
    assert Assignment.objects.get(kind="loaner").due_at == end_of_day(day(25))


def test_an_expected_date_given_on_a_weekend_moves_to_monday(client, checked_out, sites):
    page = client.post(
        "/repairs/new/",
        {
            "scan": "NES-0001",
            "problem": "Keys",
            "kind": "in_house",
            "expected_back": "2025-03-15",
        },
        follow=True,
    ).content.decode()
    repair = RepairOrder.objects.get()
    assert repair.expected_back == day(17)
    assert "Mon 17 Mar" in page
    # Another school's closed day changes nothing here; the district's does.
    ClosedDay.objects.create(site=sites[1], starts_on=day(22), ends_on=day(24), reason="Break")
    ClosedDay.objects.create(starts_on=day(29), ends_on=day(31), reason="Spring break")
    details = {"kind": "in_house", "coverage": "paid", "labor_minutes": "0"}
    details |= {"labor_rate": "45.00", "vendor_cost": "0"}
    client.post(f"/repairs/{repair.pk}/details/", {**details, "expected_back": "2025-03-22"})
    assert RepairOrder.objects.get().expected_back == day(24)
    client.post(f"/repairs/{repair.pk}/details/", {**details, "expected_back": "2025-03-29"})
    assert RepairOrder.objects.get().expected_back == datetime.date(2025, 4, 1)


def test_a_loaner_from_a_ticket_is_due_after_the_weekend_and_the_closed_day(
    school_monday, tech, client_as, sites, students, loaners
):
    # A week from Saturday the 15th is Saturday the 22nd; Monday the 24th is a snow day.
    school_monday.move_to(datetime.datetime(2025, 3, 15, 17, 0, tzinfo=datetime.UTC))
    client = client_as(tech)
    ClosedDay.objects.create(starts_on=day(24), ends_on=day(24), reason="Snow day")
    ticket = Ticket.objects.create(
        site=sites[0], subject="Left the Chromebook at home", affected_person=students[1]
    )
    given = client.post(f"/repairs/tickets/{ticket.pk}/loaner/", follow=True).content.decode()
    assert "✓ Loaner LOAN-1 checked out to Student2 Test, due back Tue 25 Mar" in given
    assert Assignment.objects.get(kind="loaner").due_at == end_of_day(day(25))


def test_completing_a_repair_on_a_saturday_makes_the_loaner_due_on_monday(
    school_monday, tech, client_as, checked_out, loaners
):
    client = client_as(tech)
    client.post("/repairs/new/", {"scan": "NES-0001", "problem": "Screen", "kind": "in_house"})
    repair = RepairOrder.objects.get()
    client.post(f"/repairs/{repair.pk}/loaner/", {"scan": ""})
    school_monday.move_to(datetime.datetime(2025, 3, 15, 17, 0, tzinfo=datetime.UTC))
    client = client_as(tech)
    done = client.post(
        f"/repairs/{repair.pk}/status/", {"status": "completed", "outcome": "repaired"}, follow=True
    ).content.decode()
    assert "The loaner is due back Mon 17 Mar." in done
    assert Assignment.objects.get(kind="loaner").due_at == end_of_day(day(17))
