"""Building the daily rollups. `rollups_refresh` rebuilds whole days: it deletes their rows
and inserts them again in one transaction, so running it twice changes nothing.

Rollups are derived data, rebuilt from the audited records; a rebuild records no audit
event of its own (it would add one every few minutes and tell nobody anything)."""

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from homeroom.core.calendar import district_zone
from homeroom.devices.models import Device
from homeroom.helpdesk.models import Deflection, HelpdeskSettings, Ticket
from homeroom.repairs.models import RepairOrder
from homeroom.reports.models import (
    DeflectionDay,
    FleetCount,
    IssueTypeDay,
    IssueTypeMonth,
    RepairDay,
    RollupState,
    TicketDay,
)

# Response and resolution times are counted in log-spaced buckets of business minutes:
# bucket 0 holds [0, 1) minute, bucket k holds [RATIO**(k-1), RATIO**k) minutes and the last
# bucket everything from its lower edge up (about 20 weeks of school hours). A median or p90
# read from the buckets is within a factor RATIO (25 %) of the exact value.
BUCKET_RATIO = 1.25
BUCKET_COUNT = 48
OUT_OF_SERVICE = ["retired", "disposed"]


def bucket_of(minutes: float) -> int:
    if minutes < 1:
        return 0
    return min(1 + int(math.log(minutes) / math.log(BUCKET_RATIO)), BUCKET_COUNT - 1)


def bucket_bounds(index: int) -> tuple[float, float | None]:
    """The lower and upper edge of a bucket in minutes (None: the open last bucket)."""
    if index == 0:
        return 0.0, 1.0
    upper = BUCKET_RATIO**index if index < BUCKET_COUNT - 1 else None
    return BUCKET_RATIO ** (index - 1), upper


def quantile(histogram: list[int], fraction: float) -> float | None:
    """The `fraction` quantile (nearest rank) of a histogram, in minutes: found in its
    bucket, then placed inside the bucket by its rank on a log scale."""
    total = sum(histogram)
    if not total:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for index, count in enumerate(histogram):
        if seen + count >= rank:
            lower, upper = bucket_bounds(index)
            if upper is None:
                return lower
            within = (rank - seen - 0.5) / count
            if index == 0:
                return lower + (upper - lower) * within
            return lower * (upper / lower) ** within
        seen += count
    return None


def _trimmed(histogram: list[int]) -> list[int]:
    """Without its trailing empty buckets, to keep rows small."""
    end = len(histogram)
    while end and not histogram[end - 1]:
        end -= 1
    return histogram[:end]


def _day_bounds(first: datetime.date, last: datetime.date):
    zone = district_zone()
    start = datetime.datetime.combine(first, datetime.time.min, zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, zone)
    return start, end


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(district_zone()).date()


def today() -> datetime.date:
    return local_day(timezone.now())


@dataclass(frozen=True)
class RefreshReport:
    first: datetime.date
    last: datetime.date
    ticket_days: int
    issue_type_days: int
    deflection_days: int
    repair_days: int


class _SiteDay:
    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.response = [0] * BUCKET_COUNT
        self.resolution = [0] * BUCKET_COUNT

    def row(self, day, site_id) -> TicketDay:
        return TicketDay(
            day=day,
            site_id=site_id,
            response_minutes=_trimmed(self.response),
            resolution_minutes=_trimmed(self.resolution),
            **self.counts,
        )


def _ticket_rows(start, end) -> tuple[list[TicketDay], list[IssueTypeDay]]:
    """One pass over the tickets with any event in [start, end)."""

    def within(field: str) -> Q:
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    tickets = (
        Ticket.objects.filter(
            within("created_at")
            | within("first_response_at")
            | within("resolved_at")
            | within("closed_at")
            | within("satisfaction_at")
        )
        .order_by()
        .values_list(
            "site_id",
            "issue_type_id",
            "created_at",
            "first_response_at",
            "response_seconds",
            "response_breached",
            "resolved_at",
            "resolution_seconds",
            "resolution_breached",
            "reopen_count",
            "public_comment_count",
            "closed_at",
            "satisfaction",
            "satisfaction_at",
        )
    )
    days: dict[tuple, _SiteDay] = defaultdict(_SiteDay)
    by_type: Counter = Counter()

    def inside(moment) -> bool:
        return moment is not None and start <= moment < end

    for (
        site_id,
        issue_type_id,
        created_at,
        responded_at,
        response_seconds,
        response_breached,
        resolved_at,
        resolution_seconds,
        resolution_breached,
        reopen_count,
        public_comments,
        closed_at,
        satisfaction,
        satisfaction_at,
    ) in tickets.iterator(chunk_size=5000):
        if inside(created_at):
            day = local_day(created_at)
            days[day, site_id].counts["created"] += 1
            by_type[day, site_id, issue_type_id] += 1
        if inside(responded_at):
            entry = days[local_day(responded_at), site_id]
            entry.counts["responded"] += 1
            entry.counts["response_breached" if response_breached else "response_met"] += 1
            if response_seconds is not None:
                entry.response[bucket_of(response_seconds / 60)] += 1
        if inside(resolved_at):
            entry = days[local_day(resolved_at), site_id]
            entry.counts["resolved"] += 1
            entry.counts["resolution_breached" if resolution_breached else "resolution_met"] += 1
            if resolution_seconds is not None:
                entry.resolution[bucket_of(resolution_seconds / 60)] += 1
            if reopen_count == 0 and public_comments <= 1:
                entry.counts["first_contact"] += 1
        if inside(closed_at):
            days[local_day(closed_at), site_id].counts["closed"] += 1
        if satisfaction is not None and inside(satisfaction_at):
            days[local_day(satisfaction_at), site_id].counts[f"satisfaction_{satisfaction}"] += 1
    ticket_days = [entry.row(day, site_id) for (day, site_id), entry in days.items()]
    type_days = [
        IssueTypeDay(day=day, site_id=site_id, issue_type_id=issue_type_id, created=count)
        for (day, site_id, issue_type_id), count in by_type.items()
    ]
    return ticket_days, type_days


def _deflection_rows(start, end) -> list[DeflectionDay]:
    counts: Counter = Counter()
    for site_id, created_at in (
        Deflection.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("site_id", "created_at")
        .iterator(chunk_size=5000)
    ):
        counts[local_day(created_at), site_id] += 1
    return [
        DeflectionDay(day=day, site_id=site_id, deflections=count)
        for (day, site_id), count in counts.items()
    ]


def _repair_rows(start, end) -> list[RepairDay]:
    opened: Counter = Counter()
    completed: Counter = Counter()
    cost: dict[tuple, Decimal] = defaultdict(Decimal)
    repairs = (
        RepairOrder.objects.filter(
            Q(opened_at__gte=start, opened_at__lt=end)
            | Q(completed_at__gte=start, completed_at__lt=end)
        )
        .order_by()
        .values_list("site_id", "device__model_id", "opened_at", "completed_at", "total_cost")
    )
    for site_id, model_id, opened_at, completed_at, total_cost in repairs.iterator(chunk_size=5000):
        if start <= opened_at < end:
            opened[local_day(opened_at), site_id, model_id] += 1
        if completed_at is not None and start <= completed_at < end:
            key = (local_day(completed_at), site_id, model_id)
            completed[key] += 1
            cost[key] += total_cost
    return [
        RepairDay(
            day=day,
            site_id=site_id,
            device_model_id=model_id,
            opened=opened[day, site_id, model_id],
            completed=completed[day, site_id, model_id],
            cost=cost.get((day, site_id, model_id), Decimal("0")),
        )
        for day, site_id, model_id in opened.keys() | completed.keys()
    ]


def _fleet_rows() -> list[FleetCount]:
    counts = (
        Device.objects.exclude(status__in=OUT_OF_SERVICE)
        .order_by()
        .values_list("site_id", "model_id")
        .annotate(devices=Count("pk"))
    )
    return [
        FleetCount(site_id=site_id, device_model_id=model_id, devices=devices)
        for site_id, model_id, devices in counts
    ]


@transaction.atomic
def rollups_refresh(*, first: datetime.date, last: datetime.date) -> RefreshReport:
    """Rebuild the rollups of the days `first` to `last` (district dates, both included) and
    the fleet counts."""
    if last < first:
        raise ValueError("The last day comes before the first.")
    start, end = _day_bounds(first, last)
    ticket_days, type_days = _ticket_rows(start, end)
    deflection_days = _deflection_rows(start, end)
    repair_days = _repair_rows(start, end)
    for model in (TicketDay, IssueTypeDay, DeflectionDay, RepairDay):
        model.objects.filter(day__gte=first, day__lte=last).delete()
    TicketDay.objects.bulk_create(ticket_days, batch_size=1000)
    IssueTypeDay.objects.bulk_create(type_days, batch_size=1000)
    DeflectionDay.objects.bulk_create(deflection_days, batch_size=1000)
    RepairDay.objects.bulk_create(repair_days, batch_size=1000)
    _rebuild_months(first, last)
    FleetCount.objects.all().delete()
    FleetCount.objects.bulk_create(_fleet_rows(), batch_size=1000)
    RollupState.objects.update_or_create(pk=1, defaults={"refreshed_at": timezone.now()})
    return RefreshReport(
        first, last, len(ticket_days), len(type_days), len(deflection_days), len(repair_days)
    )


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _rebuild_months(first: datetime.date, last: datetime.date) -> None:
    """Sum the issue-type days of every month the rebuilt days touch into its month rows."""
    start, end = first.replace(day=1), month_end(last)
    IssueTypeMonth.objects.filter(month__gte=start, month__lte=end).delete()
    sums = (
        IssueTypeDay.objects.filter(day__gte=start, day__lte=end)
        .order_by()
        .annotate(month=TruncMonth("day"))
        .values_list("month", "site_id", "issue_type_id")
        .annotate(created=Sum("created"))
    )
    IssueTypeMonth.objects.bulk_create(
        (
            IssueTypeMonth(month=month, site_id=site_id, issue_type_id=type_id, created=created)
            for month, site_id, type_id, created in sums
        ),
        batch_size=1000,
    )


def first_recorded_day() -> datetime.date | None:
    """The first day anything the rollups count happened."""
    earliest = [
        Ticket.objects.aggregate(first=Min("created_at"))["first"],
        Deflection.objects.aggregate(first=Min("created_at"))["first"],
        RepairOrder.objects.aggregate(first=Min("opened_at"))["first"],
    ]
    found = [moment for moment in earliest if moment is not None]
    return local_day(min(found)) if found else None


def rollups_refresh_all() -> RefreshReport:
    """Rebuild every day from the first ticket, deflection or repair up to today."""
    last = today()
    return rollups_refresh(first=min(first_recorded_day() or last, last), last=last)


def recent_days() -> int:
    """How many days back (today included) a routine refresh rebuilds: a resolved ticket
    may be reopened within the reopen window, which takes its resolution off the day it
    was resolved, so those days are not final yet."""
    return HelpdeskSettings.current().reopen_window_days + 1


def rollups_refresh_recent() -> RefreshReport:
    """Rebuild the days that may still change, and any day missed since the last refresh."""
    last = today()
    first = last - datetime.timedelta(days=recent_days() - 1)
    state = RollupState.objects.filter(pk=1).first()
    if state is None or state.refreshed_at is None:
        return rollups_refresh_all()
    return rollups_refresh(first=min(first, local_day(state.refreshed_at)), last=last)
