"""`homeroom import google-devices FILE` and `homeroom import snipeit-assets FILE`, each with
[--dry-run] [--json] [--site CODE] [--as USERNAME]; Snipe-IT also takes [--category KIND].

Exit code 0 when the file was applied (or, in a dry run, would apply) cleanly, 1 when it has
problems and nothing was changed, 2 for a wrong --as."""

import json
from functools import partial

from django.contrib.auth import get_user_model

from homeroom.core.importers import Importer, register
from homeroom.devices.choices import DeviceCategory
from homeroom.devices.importers.run import GOOGLE, SNIPEIT, Kind, Outcome, run_import

CHANGES_PRINTED = 20


def add_arguments(parser, *, snipeit: bool = False) -> None:
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
    if snipeit:
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
    extra = {"default_category": options["category"]} if kind is SNIPEIT else {}
    outcome = run_import(
        kind,
        options["path"],
        dry_run=options["dry_run"],
        site_code=options["site_code"],
        actor=actor,
        **extra,
    )
    report(command, kind, outcome, as_json=options["json"])
    return 1 if outcome.status == "rejected" else 0


def report(command, kind: Kind, outcome: Outcome, *, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(outcome.as_dict(), indent=2, ensure_ascii=False))
        return
    for warning in outcome.warnings:
        command.stderr.write(f"warning: {warning}")
    for error in outcome.errors:
        command.stderr.write(error)
    if outcome.errors:
        problems = len(outcome.errors)
        command.stderr.write(f"{problems} problem{'' if problems == 1 else 's'}; nothing changed.")
        return
    verb = "would change" if outcome.dry_run else "changed"
    command.stdout.write(f"{kind.label}: {verb}")
    for entity, counts in outcome.counts.items():
        summary = ", ".join(f"{value} {key}" for key, value in counts.items() if value)
        command.stdout.write(f"  {entity}: {summary or 'nothing'}")
    for change in outcome.changes[:CHANGES_PRINTED]:
        fields = "; ".join(
            f"{name} {short(old)} → {short(new)}" if old is not None else f"{name} {short(new)}"
            for name, (old, new) in change["fields"].items()
            if name != "asset_tag" or old is not None
        )
        command.stdout.write(
            f"  {change['action']} {change['asset_tag']} (serial {change['serial']}): {fields}"
        )
    if outcome.changes_total > CHANGES_PRINTED:
        command.stdout.write(f"  … and {outcome.changes_total - CHANGES_PRINTED} more devices")


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
