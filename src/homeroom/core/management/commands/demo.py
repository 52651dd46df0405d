import datetime

from django.core.management.base import CommandError

from homeroom.core.commands import AuditedCommand
from homeroom.core.database import refresh_planner_statistics
from homeroom.core.demo import generate
from homeroom.core.models import Site


class Command(AuditedCommand):
    help = (
        "Load the demo district into an empty database (deterministic for a given seed and date)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply everything by N, for benchmarks (default 1).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed; the same seed gives the same district.",
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="The date the district's history leads up to (default: today).",
        )

    def handle(self, *args, scale, seed, today, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if today is not None:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today}: not a date like 2026-12-03.") from None
        if Site.objects.exists():
            raise CommandError(
                "The database already has data; the demo loads only into an "
                "empty one. Point HOMEROOM_DATA_DIR or DATABASE_URL elsewhere."
            )
        context = generate(
            scale=scale, seed=seed, today=today, report=lambda line: self.stdout.write(line)
        )
        refresh_planner_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo district loaded (scale {scale}, seed {seed}, as of {context.today}). "
                "Sign in as admin, tech, "
                "teacher, librarian, coordinator or student with the password 'homeroom'."
            )
        )
