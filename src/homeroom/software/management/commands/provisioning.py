"""`homeroom provisioning FORMAT --out FOLDER [--site CODE] [--term SOURCEDID] [--diff]`: write LMS
provisioning files (canvas, schoology or oneroster) for the district or one school, for
every class or a term's, and say what each file holds. With `--diff` (Canvas), only the rows
new or changed since the last Canvas export of the same school and term, and those gone as
`deleted`; the first has nothing to compare with and holds every row."""

from django.core.management.base import BaseCommand, CommandError

from homeroom.core.models import Site
from homeroom.software import exports, provisioning


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
        parser.add_argument(
            "--diff",
            action="store_true",
            help="Canvas: only what changed since the last export of this school and term.",
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
        if options["diff"] and options["format"] != "canvas":
            raise CommandError("Only Canvas files can hold only what changed (--diff).")
        scope = provisioning.Scope(site=site, term=term)
        counts = exports.write_folder(
            options["format"], scope, options["out"], diff=options["diff"]
        )
        if options["diff"] and not scope.fingerprints.diffing:
            self.stdout.write("No earlier Canvas export of this scope: every row is written.")
        for name, count in counts.items():
            deleted = scope.deleted.get(name)
            gone = f" ({deleted} deleted)" if deleted else ""
            self.stdout.write(f"{name}: {count} rows{gone}")
        for problem in scope.problems:
            self.stderr.write(f"problem: {problem}")
