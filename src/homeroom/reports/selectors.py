"""Reads of the metrics, limited to the user's sites: rollups for the period's days, plus
the live backlog from the ticket indexes."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from homeroom.core.selectors import sites_for
from homeroom.helpdesk.choices import OPEN_STATUSES, TicketStatus
from homeroom.helpdesk.models import Ticket
from homeroom.reports.models import (
    DeflectionDay,
    FleetCount,
    IssueTypeDay,
    IssueTypeMonth,
    RepairDay,
    RollupState,
    TicketDay,
)
from homeroom.reports.services import BUCKET_COUNT, month_end, quantile, today

PERIODS = {
    "7": "Last 7 days",
    "30": "Last 30 days",
    "90": "Last 90 days",
    "year": "This school year",
}
DEFAULT_PERIOD = "30"
ONE_DAY = datetime.timedelta(days=1)
# How old an open ticket is, by calendar time since it was filed.
AGE_BANDS = [
    ("Under a day", datetime.timedelta(days=1)),
    ("1 to 3 days", datetime.timedelta(days=3)),
    ("3 to 7 days", datetime.timedelta(days=7)),
    ("1 to 4 weeks", datetime.timedelta(days=28)),
    ("Over 4 weeks", None),
]


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: datetime.date
    last: datetime.date


def period_for(key: str, on: datetime.date | None = None) -> Period:
    """The days of a period, ending today; the school year runs July to June."""
    on = on or today()
    if key not in PERIODS:
        key = DEFAULT_PERIOD
    if key == "year":
        first = datetime.date(on.year if on.month >= 7 else on.year - 1, 7, 1)
    else:
        first = on - datetime.timedelta(days=int(key) - 1)
    return Period(key, PERIODS[key], first, on)


def this_week(on: datetime.date | None = None) -> Period:
    on = on or today()
    return Period("week", "This week", on - datetime.timedelta(days=on.weekday()), on)


@dataclass(frozen=True)
class Scope:
    """The sites the metrics cover, as (pk, name) pairs, and the sites the user could pick
    from. `everywhere` when the user sees all sites and picked none, so deflections of
    people without a site count too."""

    sites: list[tuple[int, str]]
    everywhere: bool
    choices: list[tuple[int, str]] = field(default_factory=list)

    @property
    def site_ids(self) -> list[int]:
        return [pk for pk, _ in self.sites]


def scope_for(user, *, current_site=None, site_id: int | None = None) -> Scope:
    """The user's sites, narrowed to the site switcher's pick and then to `site_id`. A
    site the user does not work at narrows to nothing."""
    sites = sites_for(user)
    if current_site is not None:
        sites = sites.filter(pk=current_site.pk)
    choices = list(sites.order_by("name").values_list("pk", "name"))
    picked = [pair for pair in choices if site_id is None or pair[0] == site_id]
    narrowed = current_site is not None or site_id is not None
    return Scope(picked, everywhere=user.sees_all_sites and not narrowed, choices=choices)


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class Backlog:
    total: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_age: list[tuple[str, int]] = field(default_factory=list)


def backlog(scope: Scope, now: datetime.datetime | None = None) -> Backlog:
    """Open tickets by status and by age, live: one grouped count over the (status, site,
    created_at) index."""
    now = now or timezone.now()
    bands = {}
    newer_than = None
    for index, (_, span) in enumerate(AGE_BANDS):
        band = Q()
        if span is not None:
            band &= Q(created_at__gt=now - span)
        if newer_than is not None:
            band &= Q(created_at__lte=now - newer_than)
        bands[f"age_{index}"] = Count("created_at", filter=band)
        newer_than = span
    rows = (
        Ticket.objects.filter(status__in=OPEN_STATUSES, site__in=scope.site_ids)
        .order_by()
        .values("status")
        .annotate(**bands)
    )
    by_status = dict.fromkeys(OPEN_STATUSES, 0)
    by_age = [0] * len(AGE_BANDS)
    for row in rows:
        counts = [row[f"age_{index}"] for index in range(len(AGE_BANDS))]
        by_status[row["status"]] = sum(counts)
        by_age = [a + b for a, b in zip(by_age, counts, strict=True)]
    return Backlog(
        total=sum(by_age),
        by_status=[(TicketStatus(status).label, count) for status, count in by_status.items()],
        by_age=[(label, count) for (label, _), count in zip(AGE_BANDS, by_age, strict=True)],
    )


TICKET_COUNTS = [
    "created",
    "responded",
    "resolved",
    "closed",
    "response_met",
    "response_breached",
    "resolution_met",
    "resolution_breached",
    "first_contact",
    "satisfaction_1",
    "satisfaction_2",
    "satisfaction_3",
]


def ticket_totals(scope: Scope, period: Period) -> dict:
    """The period's ticket counts and summed time histograms, in total and by site."""
    totals = dict.fromkeys(TICKET_COUNTS, 0)
    by_site: dict[int, int] = {}
    response = [0] * BUCKET_COUNT
    resolution = [0] * BUCKET_COUNT
    rows = (
        TicketDay.objects.filter(
            site__in=scope.site_ids, day__gte=period.first, day__lte=period.last
        )
        .order_by()
        .values_list("site_id", "response_minutes", "resolution_minutes", *TICKET_COUNTS)
    )
    for site_id, response_minutes, resolution_minutes, *counts in rows:
        for name, count in zip(TICKET_COUNTS, counts, strict=True):
            totals[name] += count
        by_site[site_id] = by_site.get(site_id, 0) + counts[0]
        for index, count in enumerate(response_minutes):
            response[index] += count
        for index, count in enumerate(resolution_minutes):
            resolution[index] += count
    return {**totals, "by_site": by_site, "response": response, "resolution": resolution}


def _deflections(scope: Scope, period: Period) -> int:
    where = Q(site__in=scope.site_ids)
    if scope.everywhere:
        where |= Q(site__isnull=True)
    return (
        DeflectionDay.objects.filter(where, day__gte=period.first, day__lte=period.last)
        .aggregate(total=Sum("deflections"))
        .get("total")
        or 0
    )


def whole_months(period: Period) -> tuple[datetime.date, datetime.date] | None:
    """The first days of the first and last calendar months wholly inside the period."""
    start = period.first if period.first.day == 1 else month_end(period.first) + ONE_DAY
    last_start = (period.last + ONE_DAY).replace(day=1) - ONE_DAY
    last_start = last_start.replace(day=1) if month_end(last_start) <= period.last else None
    if last_start is None or start > last_start:
        return None
    return start, last_start


def _issue_types(scope: Scope, period: Period) -> list[tuple[str, int]]:
    """Tickets per issue type: whole months from the month rows, the days at either end
    from the day rows."""
    months = whole_months(period)
    days = IssueTypeDay.objects.filter(site__in=scope.site_ids)
    if months is None:
        days = days.filter(day__gte=period.first, day__lte=period.last)
        month_rows = IssueTypeMonth.objects.none()
    else:
        days = days.filter(
            Q(day__gte=period.first, day__lt=months[0])
            | Q(day__gt=month_end(months[1]), day__lte=period.last)
        )
        month_rows = IssueTypeMonth.objects.filter(
            site__in=scope.site_ids, month__gte=months[0], month__lte=months[1]
        )
    fields = ("issue_type_id", "issue_type__name", "issue_type__parent__name")
    found: dict[tuple, int] = {}
    for rows in (days, month_rows):
        for row in rows.order_by().values(*fields).annotate(tickets=Sum("created")):
            key = tuple(row[name] for name in fields)
            found[key] = found.get(key, 0) + row["tickets"]
    labelled = []
    for (type_id, name, parent), tickets in found.items():
        if type_id is None:
            label = "No issue type"
        elif parent:
            label = f"{parent}: {name}"
        else:
            label = name
        labelled.append((label, tickets))
    return sorted(labelled, key=lambda pair: (-pair[1], pair[0]))


def _repairs(scope: Scope, period: Period) -> list[dict]:
    """Per device model: repairs opened in the period, devices in service, repairs per 100
    devices, and the cost of the repairs completed in the period."""
    repairs = (
        RepairDay.objects.filter(
            site__in=scope.site_ids, day__gte=period.first, day__lte=period.last
        )
        .order_by()
        .values("device_model_id")
        .annotate(opened=Sum("opened"), completed=Sum("completed"), cost=Sum("cost"))
    )
    fleet = (
        FleetCount.objects.filter(site__in=scope.site_ids)
        .order_by()
        .values("device_model_id", "device_model__name", "device_model__manufacturer__name")
        .annotate(devices=Sum("devices"))
    )
    by_model = {
        row["device_model_id"]: {
            "model": f"{row['device_model__manufacturer__name']} {row['device_model__name']}",
            "devices": row["devices"],
            "opened": 0,
            "completed": 0,
            "cost": 0,
        }
        for row in fleet
    }
    for row in repairs:
        entry = by_model.get(row["device_model_id"])
        if entry is None:
            # Repairs of a model no device in service has any more.
            continue
        entry.update(opened=row["opened"], completed=row["completed"], cost=row["cost"])
    found = []
    for entry in by_model.values():
        if not entry["opened"] and not entry["completed"]:
            continue
        entry["rate"] = _percent(entry["opened"], entry["devices"])
        entry["cost"] = round(float(entry["cost"]), 2)
        found.append(entry)
    return sorted(found, key=lambda entry: (-entry["opened"], entry["model"]))


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def sla_summary(totals: dict) -> dict:
    return {
        "response_met_percent": _percent(
            totals["response_met"], totals["response_met"] + totals["response_breached"]
        ),
        "resolution_met_percent": _percent(
            totals["resolution_met"], totals["resolution_met"] + totals["resolution_breached"]
        ),
    }


def refreshed_at() -> datetime.datetime | None:
    state = RollupState.objects.filter(pk=1).first()
    return state.refreshed_at if state else None


def helpdesk_metrics(scope: Scope, period: Period) -> dict:
    """Everything the metrics page and its API show, for the scope's sites and the period."""
    totals = ticket_totals(scope, period)
    deflections = _deflections(scope, period)
    ratings = [totals[f"satisfaction_{score}"] for score in (1, 2, 3)]
    rated = sum(ratings)
    names = dict(scope.sites)
    return {
        "period": period,
        "backlog": backlog(scope),
        "created": totals["created"],
        "resolved": totals["resolved"],
        "closed": totals["closed"],
        **sla_summary(totals),
        "response_met": totals["response_met"],
        "response_breached": totals["response_breached"],
        "resolution_met": totals["resolution_met"],
        "resolution_breached": totals["resolution_breached"],
        "response_median_hours": _hours(quantile(totals["response"], 0.5)),
        "response_p90_hours": _hours(quantile(totals["response"], 0.9)),
        "resolution_median_hours": _hours(quantile(totals["resolution"], 0.5)),
        "resolution_p90_hours": _hours(quantile(totals["resolution"], 0.9)),
        "first_contact": totals["first_contact"],
        "first_contact_percent": _percent(totals["first_contact"], totals["resolved"]),
        "deflections": deflections,
        "deflection_percent": _percent(deflections, deflections + totals["created"]),
        "satisfaction_count": rated,
        "satisfaction_average": (
            round(sum(score * count for score, count in enumerate(ratings, start=1)) / rated, 2)
            if rated
            else None
        ),
        "satisfaction_counts": ratings,
        "by_issue_type": _issue_types(scope, period),
        "by_site": sorted(
            ((names[pk], count) for pk, count in totals["by_site"].items() if pk in names),
            key=lambda pair: (-pair[1], pair[0]),
        ),
        "repairs": _repairs(scope, period),
    }


def week_sla(scope: Scope) -> dict:
    """This week's SLA compliance, for the Today card."""
    return sla_summary(ticket_totals(scope, this_week()))
