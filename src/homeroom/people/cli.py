"""`homeroom import oneroster PATH [--dry-run] [--json]`."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model

from homeroom.core.importers import Importer, register
from homeroom.people.choices import ImportStatus
from homeroom.people.imports import (
    roster_import_check,
    roster_import_create,
    roster_import_run,
)


def add_arguments(parser) -> None:
    parser.add_argument("path", help="A folder of OneRoster CSV files, or a zip of them")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="Check the set and report what it would change; change nothing",
    )
    parser.add_argument("--json", action="store_true", help="Print the result as JSON")
    parser.add_argument(
        "--as", dest="username", default=None, help="Record the import as made by this user"
    )


def run(command, options) -> int:
    path = Path(options["path"])
    actor = None
    if options["username"]:
        actor = get_user_model().objects.filter(username=options["username"]).first()
        if actor is None:
            command.stderr.write(f"No user named {options['username']!r}.")
            return 2
    record = roster_import_create(actor=actor, path=path, file_name=path.name)
    if options["dry_run"]:
        record = roster_import_check(record)
    else:
        record = roster_import_run(record, actor=actor)
    report(command, record, as_json=options["json"], dry_run=options["dry_run"])
    return 0 if record.status in {ImportStatus.CHECKED, ImportStatus.APPLIED} else 1


def report(command, record, *, as_json: bool, dry_run: bool) -> None:
    if as_json:
        command.stdout.write(
            json.dumps(
                {
                    **record.counts,
                    "status": record.status,
                    "dry_run": dry_run,
                    "errors": record.errors,
                    "warnings": record.warnings,
                },
                indent=2,
            )
        )
        return
    for warning in record.warnings:
        command.stderr.write(f"warning: {warning}")
    for error in record.errors:
        command.stderr.write(error)
    if record.errors:
        command.stderr.write(f"{len(record.errors)} problems; nothing was changed.")
        return
    verb = "would change" if dry_run else "changed"
    command.stdout.write(f"OneRoster {record.version} set {record.file_name}: {verb}")
    for entity, counts in record.counts.items():
        if isinstance(counts, dict):
            summary = ", ".join(f"{value} {key}" for key, value in counts.items() if value)
            command.stdout.write(f"  {entity}: {summary or 'nothing'}")
        else:
            command.stdout.write(f"  {entity}: {counts}")


register(
    Importer(
        "oneroster", "Import a OneRoster 1.1 or 1.2 CSV set (folder or zip)", add_arguments, run
    )
)
