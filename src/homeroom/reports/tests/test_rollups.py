import io
import math
import random

import pytest
from django.core.management import call_command

from homeroom.reports.models import (
    DeflectionDay,
    IssueTypeDay,
    IssueTypeMonth,
    RepairDay,
    TicketDay,
)
from homeroom.reports.services import BUCKET_RATIO, bucket_bounds, bucket_of, quantile
from homeroom.reports.tests.conftest import MONDAY, TUESDAY


def refresh(*args) -> str:
    out = io.StringIO()
    call_command("reports-refresh", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    def rows(model, *fields):
        return sorted(model.objects.values_list(*fields), key=repr)

    return {
        "tickets": rows(
            TicketDay,
            "day",
            "site_id",
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
            "response_minutes",
            "resolution_minutes",
        ),
        "types": rows(IssueTypeDay, "day", "site_id", "issue_type_id", "created"),
        "months": rows(IssueTypeMonth, "month", "site_id", "issue_type_id", "created"),
        "deflections": rows(DeflectionDay, "day", "site_id", "deflections"),
        "repairs": rows(
            RepairDay, "day", "site_id", "device_model_id", "opened", "completed", "cost"
        ),
    }


def histogram(*minutes: float) -> list[int]:
    counts = [0] * (max(bucket_of(m) for m in minutes) + 1)
    for m in minutes:
        counts[bucket_of(m)] += 1
    return counts


def test_rollups_match_the_hand_counts(helpdesk, sites):
    north, south = sites
    assert "Rebuilt" in refresh("--all")
    monday = TicketDay.objects.get(day=MONDAY, site=north)
    assert (monday.created, monday.responded, monday.resolved, monday.closed) == (2, 1, 1, 0)
    assert (monday.response_met, monday.response_breached) == (1, 0)
    assert (monday.resolution_met, monday.resolution_breached, monday.first_contact) == (1, 0, 1)
    assert monday.response_minutes == histogram(30)
    assert monday.resolution_minutes == histogram(120)
    tuesday = TicketDay.objects.get(day=TUESDAY, site=north)
    assert (tuesday.created, tuesday.responded, tuesday.resolved, tuesday.closed) == (1, 2, 1, 1)
    assert (tuesday.response_met, tuesday.response_breached) == (1, 1)
    # T2 was reopened and had three public replies: resolved late, not at first contact.
    assert (tuesday.resolution_met, tuesday.resolution_breached, tuesday.first_contact) == (0, 1, 0)
    assert (tuesday.satisfaction_1, tuesday.satisfaction_2, tuesday.satisfaction_3) == (1, 0, 1)
    assert tuesday.response_minutes == histogram(360, 10)
    south_monday = TicketDay.objects.get(day=MONDAY, site=south)
    assert (south_monday.created, south_monday.resolved, south_monday.first_contact) == (1, 1, 1)
    assert TicketDay.objects.count() == 3
    assert sorted(
        IssueTypeDay.objects.values_list("day", "site_id", "issue_type_id", "created")
    ) == sorted(
        [
            (MONDAY, north.pk, helpdesk["screen"].pk, 2),
            (TUESDAY, north.pk, None, 1),
            (MONDAY, south.pk, None, 1),
        ]
    )
    assert sorted(
        IssueTypeMonth.objects.values_list("month", "site_id", "issue_type_id", "created"),
        key=repr,
    ) == sorted(
        [
            (MONDAY.replace(day=1), north.pk, helpdesk["screen"].pk, 2),
            (MONDAY.replace(day=1), north.pk, None, 1),
            (MONDAY.replace(day=1), south.pk, None, 1),
        ],
        key=repr,
    )
    assert sorted(
        DeflectionDay.objects.values_list("day", "site_id", "deflections"), key=repr
    ) == sorted([(MONDAY, north.pk, 2), (TUESDAY, south.pk, 1), (TUESDAY, None, 1)], key=repr)
    repairs = sorted(RepairDay.objects.values_list("day", "opened", "completed", "cost"))
    assert [(day, opened, completed, float(cost)) for day, opened, completed, cost in repairs] == [
        (MONDAY, 1, 0, 0.0),
        (TUESDAY, 0, 1, 85.5),
    ]


def test_refresh_is_idempotent_and_past_days_stay(helpdesk):
    refresh("--all")
    first = snapshot()
    refresh("--all")
    assert snapshot() == first
    # A routine refresh rebuilds the recent days only; the same records give the same rows.
    refresh()
    assert snapshot() == first
    # Rebuilding only today leaves Monday and Tuesday as they were, even after T1 is gone.
    helpdesk["t1"].delete()
    refresh("--days", "1")
    assert snapshot() == first
    refresh("--days", "3")
    assert snapshot() != first


def test_refresh_rejects_a_bad_day_count(helpdesk):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days must be 1 or more"):
        refresh("--days", "0")


def test_buckets_cover_the_minutes_they_claim():
    for minutes in [0, 0.5, 1, 1.2, 1.25, 7, 59.9, 60, 480, 2400, 10_000]:
        lower, upper = bucket_bounds(bucket_of(minutes))
        assert lower <= minutes * (1 + 1e-9)
        assert upper is None or minutes <= upper * (1 + 1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_median_and_p90_from_buckets_are_within_the_bucket_resolution(seed):
    rng = random.Random(seed)
    minutes = [rng.lognormvariate(4, 1.5) for _ in range(rng.randint(1, 400))]
    counts = histogram(*minutes)
    ordered = sorted(minutes)
    for fraction in (0.5, 0.9):
        exact = ordered[max(1, math.ceil(fraction * len(ordered))) - 1]
        estimate = quantile(counts, fraction)
        if exact < 1:
            assert estimate < 1
        else:
            assert exact / BUCKET_RATIO <= estimate <= exact * BUCKET_RATIO


def test_no_times_give_no_quantile():
    assert quantile([], 0.5) is None
    assert quantile([0, 0, 0], 0.9) is None
