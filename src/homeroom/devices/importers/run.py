"""Running a device import: read the whole file, check it, plan every change, and unless it is
a dry run apply the plan, all in one transaction with the checks against Homeroom."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from homeroom.devices.importers import google, snipeit
from homeroom.devices.importers.apply import Writer
from homeroom.devices.importers.plan import Incoming, Planner
from homeroom.devices.importers.source import CsvSource, Findings, Layout

IGNORED_SHOWN = 15


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    layout: Layout
    convert: Callable[..., Incoming]
    # Columns that messages about a key name when the file has no column of that key.
    stand_ins: dict[str, str] = field(default_factory=dict)


GOOGLE = Kind(
    "google-devices",
    "Google Admin device list",
    google.LAYOUT,
    google.convert,
    {"manufacturer": "model", "category": "model"},
)
SNIPEIT = Kind("snipeit-assets", "Snipe-IT asset export", snipeit.LAYOUT, snipeit.convert)


@dataclass
class Outcome:
    status: str  # "applied", "checked" (a dry run without problems) or "rejected"
    dry_run: bool
    counts: dict
    errors: list[str]
    warnings: list[str]
    changes: list[dict]
    changes_total: int

    def as_dict(self) -> dict:
        return {
            **self.counts,
            "status": self.status,
            "dry_run": self.dry_run,
            "errors": self.errors,
            "warnings": self.warnings,
            "changes": self.changes,
            "changes_omitted": self.changes_total - len(self.changes),
        }


class _Rejected(Exception):
    pass


def run_import(
    kind: Kind,
    path: Path | str,
    *,
    dry_run: bool = False,
    site_code: str | None = None,
    actor=None,
    **options,
) -> Outcome:
    """Import one file. `options` go to the kind's row converter (e.g. default_category)."""
    findings = Findings()
    source = CsvSource(path, kind.layout, findings)
    rows = [kind.convert(row, **options) for row in source.rows()]
    if source.ignored:
        names = ", ".join(source.ignored[:IGNORED_SHOWN])
        more = len(source.ignored) - IGNORED_SHOWN
        more = f" and {more} more" if more > 0 else ""
        findings.warn(source.file, 1, "header", f"columns not read: {names}{more}")

    def outcome(status: str, planner: Planner | None = None) -> Outcome:
        applied = status != "rejected"
        return Outcome(
            status,
            dry_run,
            planner.counts if planner and applied else {},
            findings.errors(),
            findings.warning_lines(),
            planner.plan.changes if planner and applied else [],
            planner.plan.changes_total if planner and applied else 0,
        )

    planner = Planner(
        file=source.file,
        rows=rows,
        columns=columns_of(kind, source),
        findings=findings,
        site_code=site_code,
        actor=actor,
    )
    planner.check_file()
    if findings.problems:
        return outcome("rejected")
    if dry_run:
        return outcome("checked" if planner.run() is not None else "rejected", planner)
    try:
        with transaction.atomic():
            plan = planner.run()
            if plan is None:
                raise _Rejected
            Writer(plan, actor=actor, message=f"From the {kind.label} {source.file}").run()
    except _Rejected:
        return outcome("rejected", planner)
    except IntegrityError as error:
        findings.problem(
            source.file,
            0,
            "database",
            f"Homeroom changed while the file was applied ({error}); nothing was changed, "
            "import it again",
        )
        return outcome("rejected", planner)
    return outcome("applied", planner)


def columns_of(kind: Kind, source: CsvSource) -> dict[str, str]:
    """The file's name of each column, or the usual name of one it lacks."""
    header = source.header
    names = {
        column.key: header.name(column.key) if header.has(column.key) else column.names[0]
        for column in kind.layout.columns
    }
    for key, stand_in in kind.stand_ins.items():
        names[key] = names[stand_in]
    return names
