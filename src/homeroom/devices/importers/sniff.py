"""A first look at a device file before anything is recorded: is it a CSV file at all, does it
have rows, and does its header have the columns its kind needs. The full check (every row,
every value) runs in the background afterwards."""

import csv
import io
from dataclasses import dataclass, field

from homeroom.devices.choices import DeviceImportKind
from homeroom.devices.importers.run import GOOGLE, SNIPEIT, Kind
from homeroom.devices.importers.source import normalized

HEAD_BYTES = 256 * 1024
SAMPLE_ROWS = 50
SAMPLES_SHOWN = 3
KINDS: dict[str, Kind] = {DeviceImportKind.GOOGLE: GOOGLE, DeviceImportKind.SNIPEIT: SNIPEIT}
CSV = "devices-csv"  # an other CSV file, its columns matched by hand
SAVE_AS_CSV = (
    "In your spreadsheet program choose Save as (or Download) → CSV UTF-8, and upload that."
)


class NotADeviceFile(ValueError):
    """The file cannot be imported as the kind chosen; the message says why in plain words."""


@dataclass
class Preview:
    header: list[str]
    samples: dict[str, list[str]] = field(default_factory=dict)  # column -> a few values


def preview(head: bytes, kind: str) -> Preview:
    """Look at the start of a file (HEAD_BYTES of it) as a file of `kind`."""
    if not head.strip():
        raise NotADeviceFile("The file is empty.")
    if head.startswith(b"PK\x03\x04"):
        raise NotADeviceFile(f"This is a spreadsheet (.xlsx) or a zip file, not CSV. {SAVE_AS_CSV}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotADeviceFile(f"The file is saved as UTF-16 text. {SAVE_AS_CSV}")
    if head.startswith(b"%PDF") or b"\x00" in head[:4096]:
        raise NotADeviceFile(f"This is not a CSV file. {SAVE_AS_CSV}")
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    if len(head) >= HEAD_BYTES:
        text = text[: max(text.rfind("\n"), text.rfind("\r"), 0)]  # whole lines only
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise NotADeviceFile(f"The file is not readable as CSV ({error}). {SAVE_AS_CSV}") from None
    lines = [line for line in lines if any(value.strip() for value in line)]
    header = [name.strip() for name in lines[0]] if lines else []
    if not any(header):
        raise NotADeviceFile("The first line of the file should name the columns; it is blank.")
    if len(lines) < 2:
        raise NotADeviceFile("The file names its columns but has no rows of devices.")
    samples: dict[str, list[str]] = {name: [] for name in header if name}
    for line in lines[1 : SAMPLE_ROWS + 1]:
        for name, value in zip(header, line, strict=False):
            shown = samples.get(name)
            value = value.strip()
            if shown is not None and value and value not in shown and len(shown) < SAMPLES_SHOWN:
                shown.append(value)
    if kind in KINDS:
        _check_columns(KINDS[kind], header)
    return Preview(header, samples)


def _check_columns(kind: Kind, header: list[str]) -> None:
    """The file must have a column its kind cannot do without (a serial, an asset tag)."""
    present = {normalized(name) for name in header}
    for alternatives in kind.layout.required:
        columns = [column for column in kind.layout.columns if column.key in alternatives]
        if any(normalized(name) in present for column in columns for name in column.names):
            continue
        wanted = " or ".join(f"“{column.names[0]}”" for column in columns)
        shown = ", ".join(f"“{name}”" for name in header[:12] if name)
        raise NotADeviceFile(
            f"This does not look like a {kind.label}: it has no {wanted} column. Its columns "
            f"are {shown}. For another kind of file import it as a “CSV file of devices” and "
            "match its columns."
        )
