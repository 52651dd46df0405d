"""`homeroom import oneroster PATH [--dry-run] [--json] [--whole-district]
[--confirm-deactivations N] [--as USERNAME]`."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from homeroom.core.choices import ImportRunStatus as S
from homeroom.core.import_services import import_run_check_here, import_run_upload
from homeroom.core.importers import Importer, register
from homeroom.people.oneroster.format import KIND, describe_impact


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
    run_options = {"whole_district": options["whole_district"]}
    if options["confirm_deactivations"] is not None:
        run_options["confirmed_deactivations"] = options["confirm_deactivations"]
    try:
        run = import_run_upload(actor=actor, kind=KIND, path=path, options=run_options, queue=False)
    except PermissionDenied as error:
        command.stderr.write(f"{error} {options['username']!r} is not one; nothing was changed.")
        return 2
    run = import_run_check_here(run, apply=not options["dry_run"], actor=actor)
    report(command, run, as_json=options["json"], dry_run=options["dry_run"])
    return 0 if run.status in {S.CHECKED, S.APPLIED} else 1


def report(command, run, *, as_json: bool, dry_run: bool) -> None:
    impact = run.details.get("impact") or {}
    if as_json:
        command.stdout.write(
            json.dumps(
                {
                    **run.counts,
                    "id": run.pk,
                    "status": run.status,
                    "dry_run": dry_run,
                    "whole_district": run.options.get("whole_district", False),
                    "errors": run.problems,
                    "warnings": run.warnings,
                    "impact": impact,
                },
                indent=2,
            )
        )
        return
    for warning in run.warnings:
        command.stderr.write(f"warning: {warning}")
    for problem in run.problems:
        command.stderr.write(problem)
    needs = impact.get("needs_confirmation") and run.status != S.APPLIED
    if needs and run.options.get("confirmed_deactivations") != impact["people"]:
        if dry_run:
            command.stderr.write(describe_impact(impact))
        command.stderr.write(
            "To apply it, run it with --confirm-deactivations " + str(impact["people"])
        )
    if run.problems:
        command.stderr.write(f"{len(run.problems)} problems; nothing was changed.")
        return
    verb = "would change" if dry_run else "changed"
    command.stdout.write(f"OneRoster {run.details.get('version')} set {run.file_name}: {verb}")
    for entity, counts in run.counts.items():
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
