"""`homeroom import oneroster PATH [--dry-run] [--json] [--whole-district]
[--confirm-deactivations N] [--as USERNAME]`."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from homeroom.core.importers import Importer, register
from homeroom.people.choices import ImportStatus
from homeroom.people.imports import (
    describe_impact,
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
        "--as",
        dest="username",
        default=None,
        help="Import as this user (a district admin); without it, as the server's operator",
    )
    parser.add_argument(
        "--whole-district",
        action="store_true",
        help="The set is the whole district's roster: people, classes, enrollments, terms and "
        "schools it leaves out become inactive everywhere (otherwise only at its schools)",
    )
    parser.add_argument(
        "--confirm-deactivations",
        type=int,
        default=None,
        metavar="N",
        help="Needed when the set makes more than a fifth of a school's people inactive, or "
        "any school: the number of people it makes inactive (a dry run tells it)",
    )


def run(command, options) -> int:
    path = Path(options["path"])
    actor = None
    if options["username"]:
        actor = get_user_model().objects.filter(username=options["username"]).first()
        if actor is None:
            command.stderr.write(f"No user named {options['username']!r}.")
            return 2
    try:
        record = roster_import_create(
            actor=actor,
            path=path,
            file_name=path.name,
            whole_district=options["whole_district"],
            confirm_deactivations=options["confirm_deactivations"],
        )
    except PermissionDenied as error:
        command.stderr.write(f"{error} {options['username']!r} is not one; nothing was changed.")
        return 2
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
                    "whole_district": record.whole_district,
                    "errors": record.errors,
                    "warnings": record.warnings,
                    "impact": record.impact,
                },
                indent=2,
            )
        )
        return
    for warning in record.warnings:
        command.stderr.write(f"warning: {warning}")
    for error in record.errors:
        command.stderr.write(error)
    needs = record.impact.get("needs_confirmation") and record.status != ImportStatus.APPLIED
    if needs and record.confirmed_deactivations != record.impact["people"]:
        if dry_run:
            command.stderr.write(describe_impact(record.impact))
        command.stderr.write(
            "To apply it, run it with --confirm-deactivations " + str(record.impact["people"])
        )
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
