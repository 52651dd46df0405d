"""The SLA clock: business time across nights, weekends, closed days, DST and pauses.

The district is in America/Chicago; school hours default to Mon-Fri 7:30-16:00.
24 Nov 2026 is a Tuesday; daylight saving time ended on Sun 1 Nov 2026 and starts on
Sun 14 Mar 2027."""

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from homeroom.core.calendar import (
    BusinessCalendar,
    calendar_for,
    calendars_for,
    days_label,
    time_label,
)
from homeroom.core.models import ClosedDay, SchoolHours
from homeroom.core.testing import pinned_queries

CHICAGO = ZoneInfo("America/Chicago")
HOUR = 3600


@pytest.fixture(autouse=True)
def chicago(settings):
    settings.TIME_ZONE = "America/Chicago"


def at(year, month, day, hour=0, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def district(db) -> BusinessCalendar:
    return calendar_for(None)


def test_a_target_inside_one_school_day(district):
    assert district.add(at(2026, 11, 24, 9), 2 * HOUR) == at(2026, 11, 24, 11)
    assert district.elapsed(at(2026, 11, 24, 9), at(2026, 11, 24, 11)) == 2 * HOUR


def test_a_target_reaching_exactly_closing_time_is_due_at_closing(district):
    assert district.add(at(2026, 11, 24, 14), 2 * HOUR) == at(2026, 11, 24, 16)


def test_the_clock_stops_overnight(district):
    due = district.add(at(2026, 11, 24, 15), 2 * HOUR)
    assert due == at(2026, 11, 25, 8, 30)
    assert district.elapsed(at(2026, 11, 24, 15), due) == 2 * HOUR


def test_the_clock_stops_over_the_weekend(district):
    due = district.add(at(2026, 11, 20, 15, 30), HOUR)
    assert due == at(2026, 11, 23, 8)
    assert district.elapsed(at(2026, 11, 20, 12), at(2026, 11, 23, 12)) == 8.5 * HOUR


def test_a_start_outside_hours_waits_for_the_next_opening(district):
    assert district.add(at(2026, 11, 24, 5), 30 * 60) == at(2026, 11, 24, 8)
    assert district.add(at(2026, 11, 24, 19), 30 * 60) == at(2026, 11, 25, 8)
    assert district.add(at(2026, 11, 21, 10), 30 * 60) == at(2026, 11, 23, 8)
    assert district.elapsed(at(2026, 11, 21, 10), at(2026, 11, 22, 10)) == 0


def test_a_closed_day_and_a_holiday_range_are_skipped(db):
    ClosedDay.objects.create(
        starts_on=datetime.date(2026, 11, 23),
        ends_on=datetime.date(2026, 11, 23),
        reason="Snow day",
    )
    ClosedDay.objects.create(
        starts_on=datetime.date(2026, 11, 25),
        ends_on=datetime.date(2026, 11, 27),
        reason="Thanksgiving break",
    )
    calendar = calendar_for(None)
    assert calendar.add(at(2026, 11, 20, 15), 2 * HOUR) == at(2026, 11, 24, 8, 30)
    assert calendar.add(at(2026, 11, 24, 15), 2 * HOUR) == at(2026, 11, 30, 8, 30)
    assert calendar.elapsed(at(2026, 11, 20, 7), at(2026, 12, 1, 7)) == 3 * 8.5 * HOUR
    assert not calendar.is_open(at(2026, 11, 26, 10))


def test_daylight_saving_time_keeps_local_school_hours(district):
    # Fri 30 Oct is on summer time, Mon 2 Nov on standard time: the UTC offset moves an
    # hour, the school day still starts at 7:30 local time.
    due = district.add(at(2026, 10, 30, 15), 2 * HOUR)
    assert due == at(2026, 11, 2, 8, 30)
    assert (due.hour, due.minute, due.utcoffset()) == (8, 30, datetime.timedelta(hours=-6))
    assert district.elapsed(at(2026, 10, 30, 15), at(2026, 11, 2, 8, 30)) == 2 * HOUR
    due = district.add(at(2027, 3, 12, 15), 2 * HOUR)
    assert (due.date(), due.hour, due.minute) == (datetime.date(2027, 3, 15), 8, 30)
    assert due.utcoffset() == datetime.timedelta(hours=-5)


def test_a_pause_inside_hours_moves_the_due_time(district):
    pauses = [(at(2026, 11, 24, 10), at(2026, 11, 24, 10, 30))]
    assert district.add(at(2026, 11, 24, 9), 2 * HOUR, pauses) == at(2026, 11, 24, 11, 30)
    assert district.elapsed(at(2026, 11, 24, 9), at(2026, 11, 24, 12), pauses) == 2.5 * HOUR


def test_pauses_starting_or_ending_outside_hours_count_only_open_time(district):
    # Paused overnight and resumed at 8:00: only the half hour after opening is lost.
    overnight = [(at(2026, 11, 24, 17), at(2026, 11, 25, 8))]
    assert district.add(at(2026, 11, 24, 15), 2 * HOUR, overnight) == at(2026, 11, 25, 9)
    # Paused at 15:00 and resumed before the next opening: the last hour of Tuesday is lost.
    evening = [(at(2026, 11, 24, 15), at(2026, 11, 25, 6))]
    assert district.add(at(2026, 11, 24, 14), 2 * HOUR, evening) == at(2026, 11, 25, 8, 30)
    # A pause from before the start counts only from the start.
    early = [(at(2026, 11, 23, 12), at(2026, 11, 24, 10))]
    assert district.add(at(2026, 11, 24, 9), HOUR, early) == at(2026, 11, 24, 11)
    # Overlapping pauses are not counted twice.
    both = [*overnight, (at(2026, 11, 24, 16, 30), at(2026, 11, 25, 7))]
    assert district.elapsed(at(2026, 11, 24, 15), at(2026, 11, 25, 9), both) == 2 * HOUR


def test_a_still_open_pause_has_no_due_time(district):
    still_paused = [(at(2026, 11, 24, 10), None)]
    assert district.add(at(2026, 11, 24, 9), 2 * HOUR, still_paused) is None
    # ... unless the target was reached before the pause began: that due time stands.
    late_pause = [(at(2026, 11, 24, 12), None)]
    assert district.add(at(2026, 11, 24, 9), 2 * HOUR, late_pause) == at(2026, 11, 24, 11)
    # Elapsed time stops at the pause.
    assert district.elapsed(at(2026, 11, 24, 9), at(2026, 11, 26, 9), still_paused) == HOUR


def test_is_open(district):
    assert district.is_open(at(2026, 11, 24, 7, 30))
    assert district.is_open(at(2026, 11, 24, 15, 59))
    assert not district.is_open(at(2026, 11, 24, 16))
    assert not district.is_open(at(2026, 11, 24, 7, 29))
    assert not district.is_open(at(2026, 11, 28, 10))
    assert district.is_open(datetime.datetime(2026, 11, 24, 15, tzinfo=datetime.UTC))


def test_a_frozen_now_plus_three_weeks_with_two_holidays(db):
    ClosedDay.objects.create(
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2026, 12, 1),
        reason="In-service",
    )
    ClosedDay.objects.create(
        starts_on=datetime.date(2026, 12, 8), ends_on=datetime.date(2026, 12, 8), reason="Holiday"
    )
    calendar = calendar_for(None)
    with time_machine.travel(at(2026, 11, 24, 9), tick=False):
        now = timezone.now()
        due = calendar.add(now, 15 * int(8.5 * HOUR))
        assert due == at(2026, 12, 17, 9)
        assert calendar.elapsed(now, due) == 15 * 8.5 * HOUR


def test_a_site_with_its_own_hours_and_closed_days(sites):
    north, south = sites
    SchoolHours.objects.create(site=None, opens_at=datetime.time(8), closes_at=datetime.time(15))
    SchoolHours.objects.create(
        site=south, opens_at=datetime.time(7), closes_at=datetime.time(14), saturday=True
    )
    ClosedDay.objects.create(
        site=north,
        starts_on=datetime.date(2026, 11, 24),
        ends_on=datetime.date(2026, 11, 24),
        reason="Power outage",
    )
    ClosedDay.objects.create(
        starts_on=datetime.date(2026, 11, 26),
        ends_on=datetime.date(2026, 11, 27),
        reason="Thanksgiving",
    )
    with pinned_queries(2):
        calendars = calendars_for([north.pk, south.pk, None])
    assert calendars[north.pk].opens_at == datetime.time(8)
    assert not calendars[north.pk].is_open(at(2026, 11, 24, 10))
    assert calendars[south.pk].is_open(at(2026, 11, 24, 10))
    assert calendars[None].is_open(at(2026, 11, 24, 10))
    assert calendars[south.pk].add(at(2026, 11, 25, 13), 2 * HOUR) == at(2026, 11, 28, 8)
    assert not calendars[south.pk].is_open(at(2026, 11, 26, 10))
    assert calendar_for(south) == calendars[south.pk]


def test_add_and_elapsed_agree_across_a_whole_year(db):
    """For many starts, targets and pauses: the business time from the start to the due
    time is the target, and one second earlier it is not yet reached."""
    ClosedDay.objects.create(
        starts_on=datetime.date(2026, 11, 25),
        ends_on=datetime.date(2026, 11, 27),
        reason="Thanksgiving break",
    )
    ClosedDay.objects.create(
        starts_on=datetime.date(2026, 12, 21), ends_on=datetime.date(2027, 1, 1), reason="Winter"
    )
    calendar = calendar_for(None)
    rng = random.Random(2026)
    for _ in range(300):
        start = at(2026, 10, 1) + datetime.timedelta(minutes=rng.randrange(200 * 24 * 60))
        seconds = rng.randrange(1, 40 * int(8.5 * HOUR))
        pauses = []
        for _ in range(rng.randrange(3)):
            paused = start + datetime.timedelta(minutes=rng.randrange(30 * 24 * 60))
            pauses.append((paused, paused + datetime.timedelta(minutes=rng.randrange(3 * 24 * 60))))
        due = calendar.add(start, seconds, pauses)
        assert calendar.elapsed(start, due, pauses) == seconds, (start, seconds, pauses)
        earlier = due - datetime.timedelta(seconds=1)
        assert calendar.elapsed(start, earlier, pauses) == seconds - 1, (start, seconds, pauses)


def test_a_calendar_closed_for_years_has_no_due_time_instead_of_searching_forever(db):
    closed_for_years = BusinessCalendar(
        weekdays=frozenset(range(5)),
        opens_at=datetime.time(7, 30),
        closes_at=datetime.time(16),
        closed_dates=frozenset(
            datetime.date(2026, 11, 24) + datetime.timedelta(days=n) for n in range(20 * 366)
        ),
        zone=CHICAGO,
    )
    assert closed_for_years.add(at(2026, 11, 24, 9), HOUR) is None
    assert closed_for_years.elapsed(at(2026, 11, 24, 9), at(2036, 11, 24, 9)) == 0


def test_zero_and_negative_targets_and_naive_times(district):
    assert district.add(at(2026, 11, 21, 10), 0) == at(2026, 11, 21, 10)
    with pytest.raises(ValueError, match="cannot be negative"):
        district.add(at(2026, 11, 24, 9), -1)
    with pytest.raises(ValueError, match="aware"):
        district.is_open(datetime.datetime(2026, 11, 24, 9))
    assert district.elapsed(at(2026, 11, 24, 12), at(2026, 11, 24, 9)) == 0


def test_labels(district):
    assert days_label([0, 1, 2, 3, 4]) == "Mon\u2013Fri"
    assert days_label([0, 2, 4]) == "Mon, Wed, Fri"
    assert days_label([0, 1, 2, 3, 5]) == "Mon\u2013Thu, Sat"
    assert time_label(datetime.time(12, 5)) == "12:05 pm"
    assert time_label(datetime.time(0, 0)) == "12:00 am"
    assert district.hours_label == "Mon\u2013Fri, 7:30 am \u2013 4:00 pm"
