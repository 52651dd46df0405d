import sys

from django.core.management.base import CommandError

from homeroom.core.commands import AuditedCommand
from homeroom.library import export
from homeroom.library.models import Library, Title


class Command(AuditedCommand):
    help = "Write the catalog as MARC: `homeroom export_marc [--library CODE] [--xml] [-o FILE]`."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--library", default=None, help="Only this school's library (its site code)"
        )
        parser.add_argument("--xml", action="store_true", help="MARCXML instead of binary MARC21")
        parser.add_argument(
            "-o", "--output", default="-", help="The file to write (- for standard output)"
        )

    def handle(self, *args, library=None, xml=False, output="-", **options):
        titles = Title.objects.all()
        chosen = None
        if library:
            chosen = Library.objects.filter(site__code=library).first()
            if chosen is None:
                raise CommandError(f"No library at a site with the code {library!r}.")
            titles = titles.filter(copies__library=chosen).distinct()
        write = export.marcxml_bytes if xml else export.marc_bytes
        if output == "-":
            sys.stdout.buffer.writelines(write(titles, library=chosen))
            return
        with open(output, "wb") as target:
            target.writelines(write(titles, library=chosen))
