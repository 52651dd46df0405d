"""Limits on imported files, shared by every import (rosters, device lists): how big an
upload may be, how much a zip may expand and by how much, how long a line, how many rows and
columns a file may have. They come from settings (HOMEROOM_IMPORT_MAX_…), so a district with
an unusual file can raise one; a file past a limit is refused early with a message saying
which limit and how to get under it, and no file is ever read into memory whole."""

import zipfile
from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024


class LimitExceeded(ValueError):
    """A file goes past one of the limits; the message says which, in plain words."""


@dataclass(frozen=True)
class Limits:
    upload_bytes: int
    unzipped_bytes: int
    zip_ratio: int
    line_bytes: int
    rows: int
    columns: int


def limits() -> Limits:
    """The limits in force now (read on each call, so changed settings apply)."""
    return Limits(
        upload_bytes=settings.IMPORT_MAX_UPLOAD_MB * MB,
        unzipped_bytes=settings.IMPORT_MAX_UNZIPPED_MB * MB,
        zip_ratio=settings.IMPORT_MAX_ZIP_RATIO,
        line_bytes=settings.IMPORT_MAX_LINE_BYTES,
        rows=settings.IMPORT_MAX_ROWS,
        columns=settings.IMPORT_MAX_COLUMNS,
    )


def size_words(size: int) -> str:
    if size >= MB:
        return f"{size / MB:,.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size:,} bytes"


def check_upload_size(size: int) -> None:
    limit = limits().upload_bytes
    if size > limit:
        raise LimitExceeded(
            f"The file is {size_words(size)}; Homeroom takes files of up to {size_words(limit)} "
            "(HOMEROOM_IMPORT_MAX_UPLOAD_MB). Check that it is the right file, or split it."
        )


def check_zip(archive: zipfile.ZipFile, archive_size: int) -> None:
    """Refuse a zip by what its directory declares, before anything is unpacked: its members
    together, and each of them, must not expand past the limits."""
    found = limits()
    members = [info for info in archive.infolist() if not info.is_dir()]
    total = sum(info.file_size for info in members)
    if total > found.unzipped_bytes:
        raise LimitExceeded(
            f"Unzipped, the files would take {size_words(total)}; Homeroom unzips up to "
            f"{size_words(found.unzipped_bytes)} (HOMEROOM_IMPORT_MAX_UNZIPPED_MB)."
        )
    for info in members:
        if info.file_size > found.zip_ratio * max(info.compress_size, 1):
            raise LimitExceeded(
                f"{info.filename} would expand {info.file_size // max(info.compress_size, 1):,} "
                f"times when unzipped; real CSV files expand up to about 20 times, and Homeroom "
                f"refuses more than {found.zip_ratio} (HOMEROOM_IMPORT_MAX_ZIP_RATIO). Make the "
                "zip again from the CSV files."
            )
    if total > found.zip_ratio * max(archive_size, 1):
        raise LimitExceeded(
            f"The zip would expand {total // max(archive_size, 1):,} times when unzipped; "
            f"Homeroom refuses more than {found.zip_ratio} (HOMEROOM_IMPORT_MAX_ZIP_RATIO)."
        )


class CappedReader:
    """A binary file that refuses to give more than `cap` bytes in all: a zip member whose
    header lies about its size still stops at the limit."""

    def __init__(self, handle, cap: int, name: str):
        self.handle = handle
        self.left = cap
        self.cap = cap
        self.name = name

    def _take(self, data: bytes) -> bytes:
        self.left -= len(data)
        if self.left < 0:
            raise LimitExceeded(
                f"{self.name} holds more than {size_words(self.cap)} unzipped "
                "(HOMEROOM_IMPORT_MAX_UNZIPPED_MB)."
            )
        return data

    def read(self, size: int = -1) -> bytes:
        wanted = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        return self._take(self.handle.read(wanted))

    def readline(self, size: int = -1) -> bytes:
        wanted = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        return self._take(self.handle.readline(wanted))


def line_too_long(number: int) -> LimitExceeded:
    limit = limits().line_bytes
    return LimitExceeded(
        f"line {number} is longer than {size_words(limit)} (HOMEROOM_IMPORT_MAX_LINE_BYTES); "
        "this does not look like a CSV file made by a spreadsheet or an export"
    )


def read_line(handle, number: int) -> bytes:
    """One line of a binary file, at most the line limit long (a file of one endless line is
    refused after reading the limit, not loaded whole)."""
    limit = limits().line_bytes
    raw = handle.readline(limit + 1)
    if len(raw) > limit and not raw.endswith(b"\n"):
        raise line_too_long(number)
    return raw


def too_many_rows() -> LimitExceeded:
    return LimitExceeded(
        f"has more than {limits().rows:,} rows (HOMEROOM_IMPORT_MAX_ROWS); nothing after them "
        "was read. Split the file, or ask your Homeroom administrator to raise the limit"
    )


def check_columns(count: int) -> None:
    limit = limits().columns
    if count > limit:
        raise LimitExceeded(
            f"has {count:,} columns; Homeroom reads files of up to {limit:,} columns "
            "(HOMEROOM_IMPORT_MAX_COLUMNS)"
        )
