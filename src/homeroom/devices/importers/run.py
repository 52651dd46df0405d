"""Running a device import: read the whole file, check it, plan every change, and unless it is
a dry run apply the plan, all in one transaction with the checks against Homeroom."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from homeroom.devices.choices import DeviceImportKind
from homeroom.devices.importers import google, snipeit
from homeroom.devices.importers.apply import Writer
from homeroom.devices.importers.plan import PROGRESS_EVERY, Incoming, Planner
from homeroom.devices.importers.source import CsvSource, Findings, Layout

IGNORED_SHOWN = 15
Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what is happening)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    layout: Layout
    convert: Callable[..., Incoming]
    # Columns that messages about a key name when the file has no column of that key.
    stand_ins: dict[str, str] = field(default_factory=dict)
    source: str = ""  # whose saved value mappings apply (ImportValueMapping.source)


GOOGLE = Kind(
    "google-devices",
    "Google Admin device list",
    google.LAYOUT,
    google.convert,
    {"manufacturer": "model", "category": "model"},
    DeviceImportKind.GOOGLE,
)
SNIPEIT = Kind(
    "snipeit-assets",
    "Snipe-IT asset export",
    snipeit.LAYOUT,
    snipeit.convert,
    source=DeviceImportKind.SNIPEIT,
)


@dataclass
class Outcome:
    status: str  # "applied", "checked" (a dry run without problems) or "rejected"
    dry_run: bool
    counts: dict
    errors: list[str]
    warnings: list[str]
    changes: list[dict]
    changes_total: int
    # Org units, locations and categories that matched nothing: field, value, rows, line
    unmapped: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            **self.counts,
            "status": self.status,
            "dry_run": self.dry_run,
            "errors": self.errors,
            "warnings": self.warnings,
            "changes": self.changes,
            "changes_omitted": self.changes_total - len(self.changes),
            "unmapped": self.unmapped,
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
    progress: Progress | None = None,
    on_applied: Callable[[Outcome], None] | None = None,
    **options,
) -> Outcome:
    """Import one file. `options` go to the kind's row converter (e.g. default_category).

    `progress(done, total, note)` is told how far the import has got every PROGRESS_EVERY
    rows: reading the rows, checking them, and (unless a dry run) writing the plan, each
    counting as many steps as the file has rows. `on_applied(outcome)` runs inside the
    transaction that wrote the plan, so what it writes commits or rolls back with the plan."""
    findings = Findings()
    source = CsvSource(path, kind.layout, findings)
    report = progress or (lambda done, total, note: None)
    expected = data_lines(source.path)
    steps = expected * (2 if dry_run else 3)
    rows = []
    for row in source.rows():
        rows.append(kind.convert(row, **options))
        if len(rows) % PROGRESS_EVERY == 0:
            report(len(rows), steps, f"Reading row {len(rows):,} of about {expected:,}")
    if len(rows) != expected:  # blank lines, or rows spread over several lines
        expected = max(len(rows), 1)
        steps = expected * (2 if dry_run else 3)
    # Applying checks and writes in one transaction: what it reports on the way is seen by
    # others only once it is done, so this note has to stand for the whole of it.
    then = "checking them" if dry_run else "checking them and writing the changes in one step"
    report(expected, steps, f"Read {len(rows):,} rows; {then}")
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
            planner.unmapped_values() if planner else [],
        )

    planner = Planner(
        file=source.file,
        rows=rows,
        columns=columns_of(kind, source),
        findings=findings,
        site_code=site_code,
        actor=actor,
        source=kind.source,
        progress=lambda done: report(
            expected + done, steps, f"Checking row {done:,} of {len(rows):,}"
        ),
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
            report(2 * expected, steps, f"Writing {plan.changes_total:,} changed devices")
            Writer(plan, actor=actor, message=f"From the {kind.label} {source.file}").run()
            applied = outcome("applied", planner)
            if on_applied is not None:
                on_applied(applied)
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
    report(steps, steps, "Done")
    return applied


def data_lines(path: Path) -> int:
    """About how many data rows a file has, for the progress bar: its lines less the header,
    whatever ends them (Excel for Mac ends lines with a lone CR)."""
    newlines = returns = 0
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                newlines += block.count(b"\n")
                returns += block.count(b"\r")
    except OSError:
        return 1
    return max((newlines or returns) - 1, 1)


def columns_of(kind: Kind, source: CsvSource) -> dict[str, str]:
    """The file's name of each column, or the usual name of one it lacks."""
    header = source.header
    names = {
        column.key: header.name(column.key) if header.has(column.key) else column.names[0]
        for column in kind.layout.columns
    }
    for key, stand_in in kind.stand_ins.items():
        names[key] = names.get(stand_in, key)
    return names
