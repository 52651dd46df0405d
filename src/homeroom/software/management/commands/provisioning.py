"""`homeroom provisioning FORMAT --out FOLDER [--site CODE] [--term SOURCEDID]`: write LMS
provisioning files (canvas, schoology or oneroster) for the district or one school, for
every class or a term's, and say what each file holds."""

from django.core.management.base import BaseCommand, CommandError

from homeroom.core.models import Site
from homeroom.software import provisioning


class Command(BaseCommand):
    help = "Write LMS provisioning files (Canvas, Schoology or OneRoster 1.1 CSV) from the roster."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(provisioning.FORMATS))
        parser.add_argument("--out", required=True, help="The folder to write the files in.")
        parser.add_argument("--site", help="A school's code; the whole district without it.")
        parser.add_argument(
            "--term",
            help="A term's sourcedId: only its classes (and its parts'), and their people.",
        )

    def handle(self, *args, **options):
        site = None
        if options["site"]:
            site = Site.objects.filter(code__iexact=options["site"]).first()
            if site is None:
                raise CommandError(f"No site has the code {options['site']}.")
        term = None
        if options["term"]:
            from homeroom.people.models import AcademicSession

            term = AcademicSession.objects.filter(sourced_id=options["term"]).first()
            if term is None:
                raise CommandError(f"No term has the sourcedId {options['term']}.")
        scope = provisioning.Scope(site=site, term=term)
        counts = provisioning.write_folder(options["format"], scope, options["out"])
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} rows")
        for problem in scope.problems:
            self.stderr.write(f"problem: {problem}")
