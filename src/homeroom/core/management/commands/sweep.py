"""`homeroom sweep [--every SECONDS]`: the periodic housekeeping every module registers
(help-desk reminders and auto-close, imports whose worker died, refused uploads past their
retention). `homeroom run` keeps one running with --every."""

import time

from django.db import close_old_connections

from homeroom.core.commands import AuditedCommand
from homeroom.core.sweeps import run_sweeps


class Command(AuditedCommand):
    help = "Run the periodic housekeeping of every module. With --every, repeat until stopped."

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
            for line in run_sweeps():
                self.stdout.write(line)
            if every <= 0:
                return
            close_old_connections()
            time.sleep(every)
