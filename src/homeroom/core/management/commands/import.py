import sys

from homeroom.core.commands import AuditedCommand
from homeroom.core.importers import available


class Command(AuditedCommand):
    help = "Import a file: `homeroom import KIND PATH [--dry-run] [--json]`."
    # Django's system checks load every page and API module, a second or so that an import
    # does not need: `homeroom check` and the server run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        for importer in available().values():
            importer.add_arguments(kinds.add_parser(importer.name, help=importer.help))

    def handle(self, *args, kind, **options):
        sys.exit(available()[kind].run(self, {**options, "kind": kind}))
