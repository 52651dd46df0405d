"""Background tasks: the metrics page queues a refresh when the rollups are old."""

from django_tasks import task

from homeroom.reports.services import rollups_refresh_recent


@task()
def refresh_recent_rollups() -> None:
    rollups_refresh_recent()
