"""Reading one device CSV file: any line ending (CR-only files from Excel for Mac included),
UTF-8 checked line by line (a byte-order mark is allowed), exact line numbers, and a header
matched to the importer's columns whatever their spelling or letter case.

Problems are `file:line: column: message`, with the column as the file spells it."""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from homeroom.core import import_limits
from homeroom.core.import_limits import LimitExceeded
from homeroom.core.importers import Problem

MAX_PROBLEMS = 500
MAX_WARNINGS = 200


def normalized(name: str) -> str:
    """A header name reduced to lowercase letters and digits: “Serial Number”, “serialNumber”
    and “SERIAL_NUMBER” are the same column."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


class Findings:
    """Problems (any one stops the import) and warnings (reported, the import goes on), both
    listed by line."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.more_problems = 0
        self.more_warnings = 0

    def problem(self, file: str, line: int, column: str, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
        else:
            self.problems.append(Problem(file, line, column, message))

    def warn(self, file: str, line: int, column: str, message: str) -> None:
        if len(self.warnings) >= MAX_WARNINGS:
            self.more_warnings += 1
        else:
            self.warnings.append(Problem(file, line, column, message))

    @staticmethod
    def _listed(found: list[Problem], more: int, what: str) -> list[str]:
        listed = [str(item) for item in sorted(found, key=lambda item: item.line)]
        if more:
            listed.append(f"… and {more} more {what}")
        return listed

    def errors(self) -> list[str]:
        return self._listed(self.problems, self.more_problems, "problems")

    def warning_lines(self) -> list[str]:
        return self._listed(self.warnings, self.more_warnings, "warnings")


@dataclass(frozen=True)
class Column:
    """One value the importer reads, and the header names it may have (the first is the one
    messages use when the column is missing). Where a file has several of the names, a row's
    value is the first of them that is not blank."""

    key: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    label: str
    columns: tuple[Column, ...]
    required: tuple[tuple[str, ...], ...] = ()  # each: at least one of these keys
    ignored: tuple[str, ...] = ()  # columns known and read for nothing (no warning)
    ignored_prefixes: tuple[str, ...] = ()


@dataclass
class Header:
    """Where each key's columns are: key -> [(index, the file's own column name)]."""

    positions: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    width: int = 0
    unnamed: list[int] = field(default_factory=list)

    def name(self, key: str) -> str:
        found = self.positions.get(key)
        return found[0][1] if found else key

    def has(self, key: str) -> bool:
        return key in self.positions


@dataclass
class Row:
    """One data row: its values by key, and where they came from."""

    file: str
    line: int
    cells: dict[str, tuple[str, str]]  # key -> (value stripped, column name)
    header: Header
    findings: Findings

    def has(self, key: str) -> bool:
        return self.header.has(key)

    def column(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell[1] if cell else self.header.name(key)

    def problem(self, key: str, message: str) -> None:
        self.findings.problem(self.file, self.line, self.column(key), message)

    def warn(self, key: str, message: str) -> None:
        self.findings.warn(self.file, self.line, self.column(key), message)

    def text(self, key: str, *, max_length: int = 255) -> str:
        value = self.cells.get(key, ("", ""))[0]
        if len(value) > max_length:
            self.problem(key, f"longer than {max_length} characters")
            return value[:max_length]
        return value


class CsvSource:
    """One CSV file read against a layout. `rows()` yields the data rows; problems with the
    file itself (encoding, quoting, header) go to `findings`."""

    def __init__(self, path: Path | str, layout: Layout, findings: Findings):
        self.path = Path(path)
        self.file = self.path.name
        self.layout = layout
        self.findings = findings
        self.header = Header()
        self.ignored: list[str] = []
        self.warned_unnamed = False

    def problem(self, line: int, column: str, message: str) -> None:
        self.findings.problem(self.file, line, column, message)

    def rows(self) -> Iterator[Row]:
        if not self.path.is_file():
            self.problem(0, "file", "no such file")
            return
        with open(self.path, "rb") as handle:
            start = handle.read(4)
            handle.seek(0)
            if start.startswith((b"\xff\xfe", b"\xfe\xff")):
                self.problem(1, "encoding", "the file is UTF-16; save it as CSV UTF-8")
                return
            if start.startswith(b"PK\x03\x04"):
                self.problem(
                    1, "file", "a spreadsheet or a zip, not a CSV file; save it as CSV UTF-8"
                )
                return
            yield from self._rows(handle)

    def _rows(self, handle) -> Iterator[Row]:
        reader = csv.reader(self._lines(handle), strict=True)
        line = 0
        max_rows = import_limits.limits().rows
        try:
            header = next(reader, None)
            if header is None:
                self.problem(1, "header", "the file is empty")
                return
            line = reader.line_num
            usable = self.read_header(header)
            rows = 0
            for fields in reader:
                first, line = line + 1, reader.line_num
                if not usable or not any(value.strip() for value in fields):
                    continue
                rows += 1
                if rows > max_rows:
                    self.problem(first, "file", str(import_limits.too_many_rows()))
                    return
                cells = self.cells(first, fields)
                if cells is not None:
                    yield Row(self.file, first, cells, self.header, self.findings)
        except csv.Error as error:
            self.problem(line + 1, "format", f"not valid CSV ({error}); nothing after it was read")
        except LimitExceeded as error:
            self.problem(line + 1, "file", f"{error}; nothing after it was read")

    def _lines(self, handle) -> Iterator[str]:
        """Physical lines as text ending in "\\n", whatever ended them in the file."""
        for number, raw in enumerate(physical_lines(handle), start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                self.problem(
                    number,
                    "encoding",
                    f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8 "
                    "(“CSV UTF-8” in spreadsheet programs)",
                )
                text = raw.decode("utf-8", errors="replace")
            yield text + "\n"

    def read_header(self, names: list[str]) -> bool:
        """Map the header to the layout's keys; False when the rows cannot be read."""
        keys = {
            normalized(name): column.key for column in self.layout.columns for name in column.names
        }
        order = {
            normalized(name): rank
            for column in self.layout.columns
            for rank, name in enumerate(column.names)
        }
        ignored = {normalized(name) for name in self.layout.ignored}
        try:
            import_limits.check_columns(len(names))
        except LimitExceeded as error:
            self.problem(1, "header", str(error))
            return False
        seen: dict[str, int] = {}
        positions: dict[str, list[tuple[int, int, str]]] = {}
        ok = True
        for index, raw_name in enumerate(names):
            name = raw_name.strip()
            simple = normalized(name)
            if not simple:
                self.header.unnamed.append(index)
                continue
            if simple in seen:
                self.problem(
                    1,
                    name,
                    f"appears twice in the header (columns {seen[simple] + 1} and {index + 1}); "
                    "keep one of them",
                )
                ok = False
                continue
            seen[simple] = index
            if simple in keys:
                positions.setdefault(keys[simple], []).append((order[simple], index, name))
            elif simple not in ignored and not simple.startswith(self.layout.ignored_prefixes):
                self.ignored.append(name)
        self.header.positions = {
            key: [(index, name) for _, index, name in sorted(found)]
            for key, found in positions.items()
        }
        self.header.width = len(names)
        for alternatives in self.layout.required:
            if not any(key in self.header.positions for key in alternatives):
                wanted = [
                    f"“{column.names[0]}”"
                    for column in self.layout.columns
                    if column.key in alternatives
                ]
                self.problem(1, "header", f"no {' or '.join(wanted)} column")
                ok = False
        return ok

    def cells(self, line: int, fields: list[str]) -> dict[str, tuple[str, str]] | None:
        width = self.header.width
        if len(fields) != width and not (
            len(fields) > width and not any(value.strip() for value in fields[width:])
        ):
            self.problem(line, "row", f"has {len(fields)} fields, the header has {width}")
            return None
        if not self.warned_unnamed:
            for index in self.header.unnamed:
                if fields[index].strip():
                    self.warned_unnamed = True
                    self.findings.warn(
                        self.file,
                        line,
                        f"column {index + 1}",
                        "has no name in the header; the values of unnamed columns are not read",
                    )
                    break
        cells = {}
        for key, found in self.header.positions.items():
            for index, name in found:
                value = fields[index].strip()
                if value:
                    cells[key] = (value, name)
                    break
        return cells


def physical_lines(handle, size: int = 1 << 20) -> Iterator[bytes]:
    """The lines of a binary file without their endings, which may be CRLF, LF or a lone CR.
    A line longer than the limit (HOMEROOM_IMPORT_MAX_LINE_BYTES) raises LimitExceeded once
    that much of it is read."""
    limit = import_limits.limits().line_bytes
    pending = b""
    number = 0
    while True:
        block = handle.read(size)
        data = pending + block
        lines = data.splitlines()
        pending = b""
        if block and lines and not data.endswith(b"\n"):
            # The last line goes on in the next block, or ends in a CR whose LF may be there.
            pending = lines.pop() + (b"\r" if data.endswith(b"\r") else b"")
        for line in lines:
            number += 1
            if len(line) > limit:
                raise import_limits.line_too_long(number)
            yield line
        if len(pending) > limit:
            raise import_limits.line_too_long(number + 1)
        if not block:
            return
