"""Running a device import: read the whole file, check it, plan every change, and unless it is
a dry run apply the plan, all in one transaction with the checks against Homeroom."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import F

from homeroom.core.selectors import sites_for
from homeroom.devices.choices import DeviceImportKind
from homeroom.devices.importers import google, snipeit
from homeroom.devices.importers.apply import Writer
from homeroom.devices.importers.plan import PROGRESS_EVERY, Incoming, Plan, Planner
from homeroom.devices.importers.source import CsvSource, Findings, Layout, Row
from homeroom.devices.models import Device, ImportValueMapping

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
    serial_key: str = "serial"  # the key of the serial number's column


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


@dataclass
class Checked:
    """A file read and checked: what is reported (`outcome`, a dry run's) and, when it has no
    problems, the plan to write (`plan`)."""

    outcome: Outcome
    plan: Plan | None
    file: str
    rows: int = 0
    report: Progress | None = None


@dataclass
class Read:
    """A file's rows as `Incoming` devices, with what reading them found. A row whose
    fingerprint a device still has (`kept`: fingerprint -> the device's site) is left
    unconverted: only its serial and tag are read, its cells kept in `unread` by line."""

    findings: Findings
    source: CsvSource
    rows: list[Incoming]
    expected: int
    steps: int
    report: Progress
    kept: dict[str, int] = field(default_factory=dict)
    unread: dict[int, Row] = field(default_factory=dict)


def read_file(
    kind: Kind,
    path: Path | str,
    *,
    site_code: str | None = None,
    progress: Progress | None = None,
    applying: bool = False,
    **options,
) -> Read:
    """Read a whole file into rows. `options` go to the kind's row converter (e.g.
    default_category).

    Rows exactly as they were when they last set their device, which nothing has changed
    since, are left unconverted (and later counted unchanged without a lookup): their
    fingerprint, of the row's cells and of what besides the row decides what it does
    (`context_of`), is the one the device keeps from that import.

    `progress(done, total, note)` is told how far it has got every PROGRESS_EVERY rows:
    reading the rows, then (in `check_file`) checking them, each counting as many steps as
    the file has rows, and a third share for writing them when `applying`."""
    findings = Findings()
    source = CsvSource(path, kind.layout, findings)
    report = progress or (lambda done, total, note: None)
    share = 3 if applying else 2
    expected = data_lines(source.path)
    steps = expected * share
    salt = context_of(kind, site_code, options)
    kept = kept_fingerprints()
    rows: list[Incoming] = []
    unread: dict[int, Row] = {}
    for row in source.rows():
        print_ = fingerprint(salt, row.cells)
        if print_ in kept:
            serial = row.cells.get(kind.serial_key, ("", ""))[0]
            tag = row.cells.get("asset_tag", ("", ""))[0]
            rows.append(Incoming(line=row.line, serial=serial, asset_tag=tag, fingerprint=print_))
            unread[row.line] = row
        else:
            incoming = kind.convert(row, **options)
            incoming.fingerprint = print_
            rows.append(incoming)
        if len(rows) % PROGRESS_EVERY == 0:
            report(len(rows), steps, f"Reading row {len(rows):,} of about {expected:,}")
    if len(rows) != expected:  # blank lines, or rows spread over several lines
        expected = max(len(rows), 1)
        steps = expected * share
    # Applying checks and writes in one transaction: what it reports on the way is seen by
    # others only once it is done, so this note has to stand for the whole of it.
    then = "checking them and writing the changes in one step" if applying else "checking them"
    report(expected, steps, f"Read {len(rows):,} rows; {then}")
    if source.ignored:
        names = ", ".join(source.ignored[:IGNORED_SHOWN])
        more = len(source.ignored) - IGNORED_SHOWN
        more = f" and {more} more" if more > 0 else ""
        findings.warn(source.file, 1, "header", f"columns not read: {names}{more}")
    return Read(findings, source, rows, expected, steps, report, kept, unread)


def check_file(
    kind: Kind,
    path: Path | str,
    *,
    site_code: str | None = None,
    actor=None,
    progress: Progress | None = None,
    applying: bool = False,
    read: Read | None = None,
    **options,
) -> Checked:
    """Check a file's rows against Homeroom and plan every change, writing nothing; the file
    is read first unless `read` holds its rows already."""
    kept = None  # what `read` found kept is still so: it was read in this transaction
    if read is None:
        read = read_file(
            kind, path, site_code=site_code, progress=progress, applying=applying, **options
        )
    elif read.unread:
        kept = kept_fingerprints()  # read before the transaction: look again
    findings, source, rows, expected = read.findings, read.source, read.rows, read.expected

    def outcome(status: str, planner: Planner | None = None) -> Outcome:
        kept = status != "rejected"
        return Outcome(
            status,
            True,
            planner.counts if planner and kept else {},
            findings.errors(),
            findings.warning_lines(),
            planner.plan.changes if planner and kept else [],
            planner.plan.changes_total if planner and kept else 0,
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
        progress=lambda done: read.report(
            expected + done, read.steps, f"Checking row {done:,} of {len(rows):,}"
        ),
    )
    planner.check_file()
    if not findings.problems and read.unread:
        planner.rows = changed = left_in(kind, read, actor, kept, options)
        planner.counts["devices"]["unchanged"] = len(rows) - len(changed)
    if findings.problems:
        return Checked(outcome("rejected"), None, source.file, expected, read.report)
    plan = planner.run()
    if plan is None:
        return Checked(outcome("rejected", planner), None, source.file, expected, read.report)
    return Checked(outcome("checked", planner), plan, source.file, expected, read.report)


def fingerprint(salt: str, cells: dict[str, tuple[str, str]]) -> str:
    """A row's cells (each key, its column's name and the value) and `salt` as one digest."""
    text = "\x1e".join(f"{key}\x1f{column}\x1f{value}" for key, (value, column) in cells.items())
    return hashlib.blake2b(f"{salt}\x1d{text}".encode(), digest_size=16).hexdigest()


def context_of(kind: Kind, site_code: str | None, options: dict) -> str:
    """What besides the row decides what a row does: the kind of file, its options and the
    saved value mappings of its source. A change to any of them reads every row again."""
    parts = [kind.name, site_code or "", repr(sorted(options.items()))]
    if kind.source:
        parts += map(
            repr,
            ImportValueMapping.objects.filter(source=kind.source)
            .order_by("pk")
            .values_list("pk", "field", "value", "site_id", "room_id", "category", "updated_at"),
        )
    return "\x1e".join(parts)


def kept_fingerprints() -> dict[str, int]:
    """The fingerprint of each device's row that nothing has changed since, and its site."""
    return dict(
        Device.objects.filter(import_fingerprint_at=F("updated_at"))
        .exclude(import_fingerprint="")
        .values_list("import_fingerprint", "site_id")
        .iterator(chunk_size=10000)
    )


def left_in(kind: Kind, read: Read, actor, kept: dict[str, int] | None, options) -> list:
    """The rows to check: all but the unread ones whose device still keeps their fingerprint
    (`kept`, when it was looked at again) and, for an actor limited to some sites, is at one
    of theirs. An unread row that is checked after all is converted now."""
    kept = read.kept if kept is None else kept
    allowed = None
    if actor is not None and not actor.sees_all_sites:
        allowed = set(sites_for(actor).values_list("pk", flat=True))
    changed = []
    for row in read.rows:
        cells = read.unread.get(row.line)
        if cells is None:
            changed.append(row)
            continue
        site = kept.get(row.fingerprint)
        if site is None or (allowed is not None and site not in allowed):
            converted = kind.convert(cells, **options)
            converted.fingerprint = row.fingerprint
            changed.append(converted)
    return changed


def write_plan(kind: Kind, checked: Checked, *, actor) -> None:
    """Write a checked file's plan, in the caller's transaction."""
    if checked.report is not None:
        steps = 3 * checked.rows
        changed = checked.plan.changes_total
        checked.report(2 * checked.rows, steps, f"Writing {changed:,} changed devices")
    message = f"From the {kind.label} {checked.file}"
    Writer(checked.plan, actor=actor, message=message).run()


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
