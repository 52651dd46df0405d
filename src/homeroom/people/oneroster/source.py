"""Opening a OneRoster CSV set from a folder or a zip, and reading its files row by row with
exact line numbers, UTF-8 checked line by line (a byte-order mark is allowed)."""

import csv
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from homeroom.core import import_limits
from homeroom.core.import_limits import LimitExceeded
from homeroom.core.importers import Problem
from homeroom.people.oneroster import spec

# The binding's file names, by their lower-case spelling.
KNOWN_FILES = {
    name.lower(): name for name in [*spec.COLUMNS[spec.V12], *spec.SKIPPED_FILES, "manifest"]
}


class SetError(Exception):
    """The set cannot be read at all (not a folder or zip, files inside a folder, …)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)


def damaged(file_name: str, line: int, error: Exception) -> Problem:
    return Problem(
        file_name,
        line,
        "zip",
        f"damaged inside the zip ({error}); make the zip again and re-upload it",
    )


class RosterSource:
    """The CSV files of one set, by name without `.csv` (e.g. "users"). A file named in
    another case than the binding's ("userprofiles.csv") is read under the binding's name;
    `renamed` lists those, binding's name to the name in the set."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.label = self.path.name
        self.renamed: dict[str, str] = {}
        if self.path.is_dir():
            self._zip = None
            self.files = self._by_binding_name(
                p.name for p in self.path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"
            )
        elif zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            try:
                import_limits.check_zip(self._zip, self.path.stat().st_size)
            except LimitExceeded as error:
                self._zip.close()
                raise SetError(Problem(self.label, 0, "zip", str(error))) from None
            self.files = self._by_binding_name(self._zip_members())
        elif self.path.exists():
            raise SetError(
                Problem(self.label, 0, "file", "not a zip file or a folder of OneRoster CSV files")
            )
        else:
            raise SetError(Problem(self.label, 0, "file", "no such file or folder"))

    def _by_binding_name(self, names) -> dict[str, str]:
        files: dict[str, str] = {}
        for name in sorted(names):
            stem = Path(name).stem
            known = KNOWN_FILES.get(stem.lower(), stem)
            if known in files:
                raise SetError(
                    Problem(
                        self.label,
                        0,
                        "file",
                        f"both {files[known]} and {name} are in the set; keep only one",
                    )
                )
            files[known] = name
            if known != stem:
                self.renamed[known] = name
        return files

    def _zip_members(self) -> list[str]:
        members = []
        for info in self._zip.infolist():
            name = info.filename
            if info.is_dir() or name.startswith("__MACOSX/") or Path(name).name.startswith("."):
                continue
            if "/" in name.strip("/"):
                folder = name.split("/")[0]
                raise SetError(
                    Problem(
                        self.label,
                        0,
                        "zip",
                        f"the CSV files are inside the folder “{folder}/”; "
                        "zip the files themselves, not their folder",
                    )
                )
            if name.lower().endswith(".csv"):
                members.append(name)
        return members

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    @contextmanager
    def open_binary(self, name: str):
        if self._zip is not None:
            with self._zip.open(self.files[name]) as handle:
                cap = import_limits.limits().unzipped_bytes
                yield import_limits.CappedReader(handle, cap, self.files[name])
        else:
            with open(self.path / self.files[name], "rb") as handle:
                yield handle

    def rows(self, name: str) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields) for every record, header included; a record spanning lines
        has the number of its last line. Raises SetError at the first byte that is not UTF-8,
        the first malformed CSV record, or a damaged zip member."""
        file_name = self.files[name]
        line = 0
        limits = import_limits.limits()
        try:
            with self.open_binary(name) as handle:
                physical = _Lines(handle, file_name)
                reader = csv.reader(physical, strict=True)
                for fields in reader:
                    line = reader.line_num
                    import_limits.check_columns(len(fields))
                    if line - 1 > limits.rows:  # lines, not records: a cheap bound on both
                        raise import_limits.too_many_rows()
                    yield line, fields
        except LimitExceeded as error:
            raise SetError(Problem(file_name, line + 1, "file", str(error))) from None
        except csv.Error as error:
            raise SetError(
                Problem(file_name, line + 1, "format", f"not valid CSV ({error})")
            ) from error
        except DAMAGED as error:
            raise SetError(damaged(file_name, line + 1, error)) from error


class _Lines:
    """Decodes a binary file line by line, so a bad byte is reported on its own line."""

    def __init__(self, handle, file_name: str):
        self.handle = handle
        self.file_name = file_name
        self.number = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = import_limits.read_line(self.handle, self.number + 1)
        if not raw:
            raise StopIteration
        self.number += 1
        if self.number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SetError(
                Problem(
                    self.file_name,
                    self.number,
                    "encoding",
                    f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file "
                    "as UTF-8 (CSV UTF-8 in spreadsheet programs)",
                )
            ) from error
        return text
