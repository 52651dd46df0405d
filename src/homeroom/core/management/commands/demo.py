from django.core.management.base import CommandError

from homeroom.core.commands import AuditedCommand
from homeroom.core.database import refresh_planner_statistics
from homeroom.core.demo import generate
from homeroom.core.models import Site


class Command(AuditedCommand):
    help = "Load the demo district into an empty database (deterministic for a given seed)."

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

    def handle(self, *args, scale, seed, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if Site.objects.exists():
            raise CommandError(
                "The database already has data; the demo loads only into an "
                "empty one. Point HOMEROOM_DATA_DIR or DATABASE_URL elsewhere."
            )
        generate(scale=scale, seed=seed, report=lambda line: self.stdout.write(line))
        refresh_planner_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo district loaded (scale {scale}, seed {seed}). Sign in as admin, tech, "
                "teacher, librarian, coordinator or student with the password 'homeroom'."
            )
        )
