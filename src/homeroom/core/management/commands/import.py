import sys

from homeroom.core.commands import AuditedCommand
from homeroom.core.importers import available


class Command(AuditedCommand):
    help = "Import a file: `homeroom import KIND PATH [--dry-run] [--json]`."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        for importer in available().values():
            importer.add_arguments(kinds.add_parser(importer.name, help=importer.help))

    def handle(self, *args, kind, **options):
        sys.exit(available()[kind].run(self, {**options, "kind": kind}))
