"""`homeroom provisioning FORMAT --out FOLDER [--site CODE]`: write LMS provisioning files
(canvas, schoology or oneroster) for the district or one school, and say what each file holds."""

from django.core.management.base import BaseCommand, CommandError

from homeroom.core.models import Site
from homeroom.software import provisioning


class Command(BaseCommand):
    help = "Write LMS provisioning files (Canvas, Schoology or OneRoster 1.1 CSV) from the roster."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(provisioning.FORMATS))
        parser.add_argument("--out", required=True, help="The folder to write the files in.")
        parser.add_argument("--site", help="A school's code; the whole district without it.")

    def handle(self, *args, **options):
        site = None
        if options["site"]:
            site = Site.objects.filter(code__iexact=options["site"]).first()
            if site is None:
                raise CommandError(f"No site has the code {options['site']}.")
        scope = provisioning.Scope(site=site)
        counts = provisioning.write_folder(options["format"], scope, options["out"])
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} rows")
        for problem in scope.problems:
            self.stderr.write(f"problem: {problem}")
