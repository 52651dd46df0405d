"""Background tasks: the metrics page and the Today card queue a refresh when the rollups
are old."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from homeroom.reports.models import RollupState
from homeroom.reports.services import rollups_refresh_recent


@task()
def refresh_recent_rollups() -> None:
    rollups_refresh_recent()


# Pages queue a refresh when the rollups are older than this, at most once per span.
STALE_AFTER = datetime.timedelta(minutes=10)


def queue_refresh(*, force: bool = False) -> tuple[RollupState, bool]:
    """Queue a rebuild of the recent rollups unless they are fresh or one is already
    queued; the state and whether one was queued. The rebuild runs in the worker, never
    in the request."""
    now = timezone.now()
    state, _ = RollupState.objects.get_or_create(pk=1)
    fresh = state.refreshed_at is not None and now - state.refreshed_at < STALE_AFTER
    pending = (
        state.queued_at is not None
        and now - state.queued_at < STALE_AFTER
        and (state.refreshed_at is None or state.queued_at > state.refreshed_at)
    )
    if pending or (fresh and not force):
        return state, False
    RollupState.objects.filter(pk=1).update(queued_at=now)
    transaction.on_commit(refresh_recent_rollups.enqueue)
    return state, True
