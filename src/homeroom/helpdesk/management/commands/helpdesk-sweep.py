"""`homeroom helpdesk-sweep [--every SECONDS]`: remind requesters who have not answered,
close tickets after the configured silence and resolved tickets after the reopen window,
and flag tickets past their SLA due times. `homeroom run` keeps one running with --every."""

import time

from django.db import close_old_connections

from homeroom.core.commands import AuditedCommand
from homeroom.helpdesk.services import helpdesk_sweep


class Command(AuditedCommand):
    help = (
        "Send help-desk reminders, auto-close silent and long-resolved tickets, and flag SLA "
        "breaches. With --every, repeat until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Run again every SECONDS until stopped (0: once)",
        )

    def handle(self, *args, every: int, **options):
        while True:
            report = helpdesk_sweep()
            self.stdout.write(
                f"Reminded {report.reminded}, closed {report.closed_silent} without a reply "
                f"and {report.closed_resolved} resolved, flagged {report.response_breached} "
                f"late responses and {report.resolution_breached} late resolutions."
            )
            if every <= 0:
                return
            close_old_connections()
            time.sleep(every)
