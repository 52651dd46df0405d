"""Business-hours calendars and the SLA clock.

A site's calendar is its school days and hours (or the district default) minus its closed
days and the district's. The clock counts only the time a site is open, minus pauses.

Hours are wall-clock times in the district's time zone. Each day's opening and closing are
built from that day's date and the wall times, then compared in UTC, so a day on which
daylight saving time starts or ends still opens at 7:30 and closes at 16:00 local time.
Loops go per day at most, with the closed dates in a set.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from homeroom.core.models import ClosedDay, SchoolHours, Site

UTC = datetime.UTC
FOREVER = datetime.datetime.max.replace(tzinfo=UTC)
# A calendar closed for longer than this (closed days stacked year after year) has no due
# time rather than an endless search for one.
SEARCH_DAYS = 3660

EN_DASH = "\u2013"

DEFAULT_WEEKDAYS = frozenset(range(5))
DEFAULT_OPENS = datetime.time(7, 30)
DEFAULT_CLOSES = datetime.time(16, 0)

Pauses = Iterable[tuple[datetime.datetime, datetime.datetime | None]]


def district_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class BusinessCalendar:
    """School days (Python weekday numbers, Monday 0), opening and closing wall times, and
    the set of closed dates."""

    weekdays: frozenset[int]
    opens_at: datetime.time
    closes_at: datetime.time
    closed_dates: frozenset[datetime.date]
    zone: ZoneInfo
    uses_district_hours: bool = True

    @property
    def hours_label(self) -> str:
        """e.g. "Mon-Fri, 7:30 am - 4:00 pm", with en dashes."""
        opens, closes = time_label(self.opens_at), time_label(self.closes_at)
        return f"{days_label(self.weekdays)}, {opens} {EN_DASH} {closes}"

    def is_school_day(self, day: datetime.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.closed_dates

    def hours_on(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The opening and closing moments (UTC) of `day`, or None when closed all day."""
        if not self.is_school_day(day):
            return None
        opens = datetime.datetime.combine(day, self.opens_at, tzinfo=self.zone)
        closes = datetime.datetime.combine(day, self.closes_at, tzinfo=self.zone)
        return opens.astimezone(UTC), closes.astimezone(UTC)

    def next_school_day(self, day: datetime.date) -> datetime.date:
        """`day` when it is a school day, else the first school day after it (or `day`
        itself when the calendar has no school day within the search window)."""
        for offset in range(SEARCH_DAYS):
            candidate = day + datetime.timedelta(days=offset)
            if self.is_school_day(candidate):
                return candidate
        return day

    def school_day_count(self, first: datetime.date, last: datetime.date) -> int:
        """School days from `first` to `last`, both included."""
        days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        return sum(1 for day in days if self.is_school_day(day))

    def is_open(self, at: datetime.datetime) -> bool:
        at = _aware(at).astimezone(UTC)
        hours = self.hours_on(self._local_date(at))
        return hours is not None and hours[0] <= at < hours[1]

    def add(
        self, start: datetime.datetime, seconds: int, pauses: Pauses = ()
    ) -> datetime.datetime | None:
        """The moment `seconds` of open, unpaused time have passed since `start`.

        None when the clock is paused (a pause with no end) before that moment comes."""
        if seconds < 0:
            raise ValueError("Business seconds to add cannot be negative.")
        start = _aware(start).astimezone(UTC)
        paused = _merged(pauses)
        if seconds == 0:
            return start.astimezone(self.zone)
        still_paused_from = paused[-1][0] if paused and paused[-1][1] == FOREVER else None
        remaining = datetime.timedelta(seconds=seconds)
        for day in self._days_from(start):
            hours = self.hours_on(day)
            if hours is None:
                continue
            if still_paused_from is not None and hours[0] >= still_paused_from:
                return None
            for begin, end in _subtract(max(hours[0], start), hours[1], paused):
                if end - begin >= remaining:
                    return (begin + remaining).astimezone(self.zone)
                remaining -= end - begin
        return None

    def elapsed(self, start: datetime.datetime, end: datetime.datetime, pauses: Pauses = ()) -> int:
        """Whole seconds of open, unpaused time between `start` and `end` (0 if end <= start).
        A pause with no end counts as paused until `end`."""
        start = _aware(start).astimezone(UTC)
        end = _aware(end).astimezone(UTC)
        if end <= start:
            return 0
        paused = _merged(pauses)
        total = datetime.timedelta()
        last_day = self._local_date(end)
        for day in self._days_from(start):
            if day > last_day:
                break
            hours = self.hours_on(day)
            if hours is None:
                continue
            for begin, finish in _subtract(max(hours[0], start), min(hours[1], end), paused):
                total += finish - begin
        return int(total.total_seconds())

    def _local_date(self, at: datetime.datetime) -> datetime.date:
        return at.astimezone(self.zone).date()

    def _days_from(self, start: datetime.datetime) -> Iterator[datetime.date]:
        day = self._local_date(start)
        for offset in range(SEARCH_DAYS):
            yield day + datetime.timedelta(days=offset)


def _aware(at: datetime.datetime) -> datetime.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("The SLA clock needs aware datetimes.")
    return at


def _merged(pauses: Pauses) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Pauses as sorted, non-overlapping UTC intervals; a pause with no end runs forever."""
    intervals = sorted(
        (
            _aware(paused_at).astimezone(UTC),
            FOREVER if resumed_at is None else _aware(resumed_at).astimezone(UTC),
        )
        for paused_at, resumed_at in pauses
    )
    merged: list[tuple[datetime.datetime, datetime.datetime]] = []
    for begin, end in intervals:
        if end <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _subtract(
    begin: datetime.datetime,
    end: datetime.datetime,
    paused: list[tuple[datetime.datetime, datetime.datetime]],
) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
    """The parts of [begin, end) outside the paused intervals, in order."""
    for pause_begin, pause_end in paused:
        if begin >= end:
            return
        if pause_end <= begin:
            continue
        if pause_begin >= end:
            break
        if pause_begin > begin:
            yield begin, pause_begin
        begin = max(begin, pause_end)
    if begin < end:
        yield begin, end


def _expand(closed: Iterable[ClosedDay]) -> set[datetime.date]:
    dates = set()
    for period in closed:
        for offset in range(period.day_count):
            dates.add(period.starts_on + datetime.timedelta(days=offset))
    return dates


def days_label(weekdays: Iterable[int]) -> str:
    """Runs of consecutive school days: "Mon-Fri", "Mon, Wed, Fri", "Mon-Thu, Sat"."""
    runs: list[list[int]] = []
    for day in sorted(set(weekdays)):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return ", ".join(
        names[run[0]] if len(run) == 1 else f"{names[run[0]]}{EN_DASH}{names[run[-1]]}"
        for run in runs
    )


def time_label(time: datetime.time) -> str:
    return f"{time.hour % 12 or 12}:{time.minute:02d} {'am' if time.hour < 12 else 'pm'}"


def _build(
    hours: SchoolHours | None, closed_dates: set[datetime.date], *, own: bool = False
) -> BusinessCalendar:
    if hours is None:
        weekdays, opens, closes = DEFAULT_WEEKDAYS, DEFAULT_OPENS, DEFAULT_CLOSES
    else:
        weekdays, opens, closes = hours.weekdays, hours.opens_at, hours.closes_at
    return BusinessCalendar(
        weekdays=weekdays,
        opens_at=opens,
        closes_at=closes,
        closed_dates=frozenset(closed_dates),
        zone=district_zone(),
        uses_district_hours=not own,
    )


def calendars_for(site_ids: Iterable[int | None]) -> dict[int | None, BusinessCalendar]:
    """The calendar of each site id (None: the district default), in two queries."""
    site_ids = set(site_ids)
    real_ids = {pk for pk in site_ids if pk is not None}
    for_these = Q(site__isnull=True) | Q(site_id__in=real_ids)
    hours_by_site = {hours.site_id: hours for hours in SchoolHours.objects.filter(for_these)}
    closed_by_site: dict[int | None, list[ClosedDay]] = {}
    for period in ClosedDay.objects.filter(for_these).only("site", "starts_on", "ends_on"):
        closed_by_site.setdefault(period.site_id, []).append(period)
    district_closed = _expand(closed_by_site.get(None, ()))
    calendars = {}
    for pk in site_ids:
        own = pk is not None and pk in hours_by_site
        hours = hours_by_site.get(pk) if own else hours_by_site.get(None)
        closed = district_closed
        if pk is not None and pk in closed_by_site:
            closed = district_closed | _expand(closed_by_site[pk])
        calendars[pk] = _build(hours, closed, own=own)
    return calendars


def calendar_for(site: Site | int | None) -> BusinessCalendar:
    """The calendar of one site (its own hours or the district default, its closed days and
    the district's); with None, the district default calendar."""
    site_id = site.pk if isinstance(site, Site) else site
    return calendars_for([site_id])[site_id]
