"""`homeroom reports-refresh [--days N] [--all]`: rebuild the daily rollups behind the
metrics pages: the last N days (today included), every day since the first ticket, or by
default the days that may still change."""

import datetime

from django.core.management.base import CommandError

from homeroom.core.commands import AuditedCommand
from homeroom.reports import services


class Command(AuditedCommand):
    help = (
        "Rebuild the help-desk and repair rollups: by default the days a reopened ticket may "
        "still change; --days N for the last N days; --all for every day."
    )

    def add_arguments(self, parser):
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--days", type=int, default=None, metavar="N", help="The last N days, today included"
        )
        choice.add_argument("--all", action="store_true", help="Every day since the first ticket")

    def handle(self, *args, days: int | None, all: bool, **options):
        if all:
            report = services.rollups_refresh_all()
        elif days is not None:
            if days < 1:
                raise CommandError("--days must be 1 or more.")
            last = services.today()
            report = services.rollups_refresh(
                first=last - datetime.timedelta(days=days - 1), last=last
            )
        else:
            report = services.rollups_refresh_recent()
        self.stdout.write(
            f"Rebuilt {report.first:%Y-%m-%d} to {report.last:%Y-%m-%d}: "
            f"{report.ticket_days} site-days of tickets, {report.issue_type_days} of issue types, "
            f"{report.deflection_days} of deflections, {report.repair_days} of repairs."
        )
