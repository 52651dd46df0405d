"""`homeroom import google-devices FILE`, `homeroom import snipeit-assets FILE` and
`homeroom import devices-csv FILE --map FIELD=COLUMN ...`, each with [--dry-run] [--json]
[--site CODE] [--as USERNAME]; Snipe-IT and other CSV files also take [--category KIND].

Org units, locations and categories that match no site or kind of device (nor a mapping saved
on an import's page or through the API) are listed once each with how many rows carry them
(`unmapped` in --json); saved mappings apply here as everywhere, and --site takes the new
devices of rows that still name no site.

Exit code 0 when the file was applied (or, in a dry run, would apply) cleanly, 1 when it has
problems and nothing was changed, 2 for a wrong --as or --map."""

import json
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from homeroom.core.import_services import import_run_check_here, import_run_upload
from homeroom.core.importers import Importer, register
from homeroom.core.models import Site
from homeroom.devices.choices import DeviceCategory, DeviceImportKind
from homeroom.devices.importers import generic
from homeroom.devices.importers.formats import COUNT_LABELS, change_fields
from homeroom.devices.importers.run import GOOGLE, SNIPEIT, Kind
from homeroom.devices.importers.sniff import HEAD_BYTES, NotADeviceFile, preview

CHANGES_PRINTED = 20
ENTITIES = tuple(COUNT_LABELS)  # the order the report names them in


def add_arguments(parser, *, snipeit: bool = False, mapped: bool = False) -> None:
    parser.add_argument("path", help="The CSV file")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="Check the file and report what it would change; change nothing",
    )
    parser.add_argument("--json", action="store_true", help="Print the result as JSON")
    parser.add_argument(
        "--site",
        dest="site_code",
        default=None,
        metavar="CODE",
        help="The site of new devices whose row names no site (never moves a stored device)",
    )
    parser.add_argument(
        "--as", dest="username", default=None, help="Record the import as made by this user"
    )
    if mapped:
        parser.add_argument(
            "--map",
            dest="mapping",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="Which column holds a Homeroom field, e.g. --map serial_number=Serial; "
            f"the fields: {', '.join(generic.FIELD_LABELS)}. Without any, columns are matched "
            "by their names",
        )
    if snipeit or mapped:
        parser.add_argument(
            "--category",
            choices=DeviceCategory.values,
            default="",
            help="The kind of device of new models whose category and name tell none",
        )


def run(kind: Kind, command, options) -> int:
    actor = None
    if options["username"]:
        actor = get_user_model().objects.filter(username=options["username"]).first()
        if actor is None:
            command.stderr.write(f"No user named {options['username']!r}.")
            return 2
    run_options = {"default_category": options["category"]} if "category" in options else {}
    mappings = {}
    if "mapping" in options:
        mappings = csv_mapping(command, options)
        if mappings is None:
            return 2
    site = None
    if options["site_code"]:
        site = Site.objects.filter(code__iexact=options["site_code"]).first()
        if site is None:
            name, code = Path(options["path"]).name, options["site_code"]
            problem = f"{name}:0: --site: no site has the code “{code}”"
            report(
                command,
                kind,
                None,
                as_json=options["json"],
                dry_run=options["dry_run"],
                problems=[problem],
            )
            return 1
    try:
        found = import_run_upload(
            actor=actor,
            kind=kind.name,
            path=options["path"],
            site=site,
            options=run_options,
            mappings=mappings,
            queue=False,
        )
    except PermissionDenied as error:
        command.stderr.write(f"{error} Nothing was changed.")
        return 2
    found = import_run_check_here(found, apply=not options["dry_run"], actor=actor)
    report(command, kind, found, as_json=options["json"], dry_run=options["dry_run"])
    return 1 if found.status == "rejected" else 0


def report(command, kind: Kind, run, *, as_json: bool, dry_run: bool, problems=()) -> None:
    """What the run found, as JSON or in lines; `problems` stand in for a run not made."""
    problems = run.problems if run is not None else list(problems)
    warnings = run.warnings if run is not None else []
    unmapped = run.details.get("unmapped", []) if run is not None else []
    counts = run.counts if run is not None else {}
    changes = [
        {**change, "fields": change_fields(change)} for change in (run.preview if run else [])
    ]
    changes_total = run.preview_total if run is not None else 0
    if as_json:
        result = {
            **counts,
            "status": run.status if run is not None else "rejected",
            "dry_run": dry_run,
            "errors": problems,
            "warnings": warnings,
            "changes": changes,
            "changes_omitted": changes_total - len(changes),
            "unmapped": unmapped,
        }
        command.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        return
    for warning in warnings:
        command.stderr.write(f"warning: {warning}")
    for problem in problems:
        command.stderr.write(problem)
    if unmapped:
        command.stderr.write(
            "Match nothing (map them on an import's page, the API, or use --site/--category):"
        )
        for value in unmapped:
            rows = value["rows"]
            command.stderr.write(
                f"  {value['field'].replace('_', ' ')} “{value['value']}”: "
                f"{rows} row{'' if rows == 1 else 's'} (first on line {value['line']})"
            )
    if problems:
        found = len(problems)
        command.stderr.write(f"{found} problem{'' if found == 1 else 's'}; nothing changed.")
        return
    verb = "would change" if dry_run else "changed"
    command.stdout.write(f"{kind.label}: {verb}")
    for entity, numbers in sorted(counts.items(), key=entity_order):
        summary = ", ".join(f"{value} {key}" for key, value in numbers.items() if value)
        command.stdout.write(f"  {entity}: {summary or 'nothing'}")
    for change in changes[:CHANGES_PRINTED]:
        fields = "; ".join(
            f"{name} {short(old)} → {short(new)}" if old is not None else f"{name} {short(new)}"
            for name, (old, new) in change["fields"].items()
            if name != "asset_tag" or old is not None
        )
        command.stdout.write(
            f"  {change['action']} {change['asset_tag']} (serial {change['serial']}): {fields}"
        )
    if changes_total > CHANGES_PRINTED:
        command.stdout.write(f"  … and {changes_total - CHANGES_PRINTED} more devices")


def entity_order(item) -> int:
    return ENTITIES.index(item[0]) if item[0] in ENTITIES else len(ENTITIES)


def csv_mapping(command, options) -> dict | None:
    """Which column holds which field of an other CSV file, from the --map options (or,
    without any, the columns matched by their names), or None after saying what is wrong."""
    mapping = {}
    for item in options["mapping"]:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            command.stderr.write(f"--map {item!r}: write FIELD=COLUMN, e.g. serial_number=Serial")
            return None
        mapping[field.strip()] = column.strip()
    try:
        with open(options["path"], "rb") as handle:
            found = preview(handle.read(HEAD_BYTES), DeviceImportKind.CSV)
    except OSError as error:
        command.stderr.write(f"{options['path']}: {error.strerror or error}")
        return None
    except NotADeviceFile as error:
        command.stderr.write(f"{options['path']}: {error}")
        return None
    if not mapping:
        mapping = generic.guess_mapping(found.header, found.samples)
        matched = ", ".join(f"{field}={column}" for field, column in mapping.items())
        command.stderr.write(f"Columns matched by their names: {matched or 'none'}")
    problems = generic.mapping_problems(mapping, found.header)
    for problem in problems:
        command.stderr.write(problem)
    return None if problems else mapping


def short(value, length: int = 40) -> str:
    text = str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


register(
    Importer(
        GOOGLE.name,
        "Import a Google Admin ChromeOS device list (Admin console CSV or GAM print cros)",
        add_arguments,
        partial(run, GOOGLE),
    )
)
register(
    Importer(
        SNIPEIT.name,
        "Import a Snipe-IT asset export (CSV)",
        partial(add_arguments, snipeit=True),
        partial(run, SNIPEIT),
    )
)
register(
    Importer(
        "devices-csv",
        "Import any CSV file of devices, saying which column holds which field with --map",
        partial(add_arguments, mapped=True),
        partial(run, generic.kind_for({})),
    )
)
