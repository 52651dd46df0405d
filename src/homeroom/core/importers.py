"""The `homeroom import KIND ...` subcommands: one for every registered import format
(core.import_formats), run through the same lifecycle as the pages and the API, and the
few importers a module still registers by hand here."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an imported file, shown as `file:line: column: message`."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class Importer:
    name: str
    help: str
    add_arguments: Callable  # (argparse parser) -> None
    run: Callable  # (command, options) -> int exit code


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    IMPORTERS[importer.name] = importer


def available() -> dict[str, Importer]:
    """Every `homeroom import` subcommand: the registered formats' and the hand-made ones
    (which win where both name the same kind)."""
    from homeroom.core.import_formats import formats

    generic = {
        kind: Importer(kind, f"Import a {found.label} file", _add_format_arguments, _run_format)
        for kind, found in formats().items()
    }
    return {**generic, **IMPORTERS}


def _add_format_arguments(parser) -> None:
    parser.add_argument("path", help="The file to import")
    parser.add_argument(
        "--dry-run", action="store_true", help="Check the file and say what it would change"
    )
    parser.add_argument("--json", action="store_true", help="Print the result as JSON")
    parser.add_argument(
        "--as",
        dest="username",
        default=None,
        help="Import as this user, with their role and sites; without it, as the server's operator",
    )
    parser.add_argument("--site", default=None, help="The code of the site the import is for")
    parser.add_argument(
        "--option",
        dest="extra",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="One of the format's options (repeat for more)",
    )
    parser.add_argument(
        "--mappings", default=None, help="The format's mapping as a JSON object, if it has one"
    )


def _run_format(command, options) -> int:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from homeroom.core import import_services as services
    from homeroom.core.choices import ImportRunStatus as S
    from homeroom.core.exceptions import Conflict, problem_text
    from homeroom.core.import_formats import format_for
    from homeroom.core.import_views import split_options

    kind = options["kind"]
    found = format_for(kind)
    path = Path(options["path"])
    if not (path.is_file() or (found.accepts_folder and path.is_dir())):
        command.stderr.write(f"{path}: no such file.")
        return 2
    actor = None
    if options["username"]:
        actor = get_user_model().objects.filter(username=options["username"]).first()
        if actor is None:
            command.stderr.write(f"No user named {options['username']!r}.")
            return 2
    chosen = dict(item.partition("=")[::2] for item in options["extra"])
    if options["site"]:
        chosen["site"] = options["site"]
    run_options, site = {}, None
    if found.options_form is not None:
        form = found.options_form(chosen, user=actor)
        if not form.is_valid():
            for name, errors in form.errors.items():
                command.stderr.write(f"--{name}: {' '.join(errors)}")
            return 2
        run_options, site = split_options(form.cleaned_data)
    try:
        mappings = json.loads(options["mappings"]) if options["mappings"] else {}
    except ValueError:
        mappings = None
    if not isinstance(mappings, dict):
        command.stderr.write("--mappings: give a JSON object.")
        return 2
    wrong = path.is_file() and found.read_head(_head(path), path.name)
    if wrong:
        command.stderr.write(f"{path.name}: {wrong}")
        return 1
    try:
        run = services.import_run_upload(
            actor=actor,
            kind=kind,
            path=path,
            site=site,
            options=run_options,
            mappings=mappings,
            queue=False,
        )
        if found.needs_mapping(run):
            command.stderr.write(f"A {found.label} file needs --mappings; nothing was changed.")
            return 2
        run = services.import_run_check_here(run, apply=not options["dry_run"], actor=actor)
    except (PermissionDenied, ValidationError, Conflict) as error:
        command.stderr.write(f"{problem_text(error)} Nothing was changed.")
        return 2
    _report(command, run, as_json=options["json"], dry_run=options["dry_run"])
    return 0 if run.status in {S.CHECKED, S.APPLIED} else 1


def _head(path: Path) -> bytes:
    from homeroom.core.import_formats import HEAD_BYTES

    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


def _report(command, run, *, as_json: bool, dry_run: bool) -> None:
    if as_json:
        result = {
            "id": run.pk,
            "kind": run.kind,
            "status": run.status,
            "dry_run": dry_run,
            "rows": run.rows,
            "counts": run.counts,
            "problems": run.problems,
            "warnings": run.warnings,
            "changes": run.preview,
            "changes_total": run.preview_total,
        }
        command.stdout.write(json.dumps(result, indent=2, default=str))
        return
    for warning in run.warnings:
        command.stderr.write(f"warning: {warning}")
    for problem in run.problems:
        command.stderr.write(problem)
    if run.problems:
        command.stderr.write(f"{len(run.problems)} problems. Nothing was changed.")
        return
    from homeroom.core.import_formats import format_for

    lines = format_for(run.kind).report_lines(run, dry_run=dry_run)
    if lines is not None:
        for line in lines:
            command.stdout.write(line)
        return
    verb = "would change" if dry_run else "changed"
    command.stdout.write(f"{run.kind_label} {run.file_name}: {verb}")
    for label, numbers in run.counts.items():
        summary = ", ".join(f"{value} {key}" for key, value in numbers.items() if value)
        command.stdout.write(f"  {label}: {summary or 'nothing'}")
