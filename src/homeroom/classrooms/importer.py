"""Displays' and projectors' readings from a CSV file, on core's import lifecycle (upload,
check, preview, apply, history): one row a device, named by asset tag or serial number, with
any of its lamp hours, rated lamp life, the day its filter was last cleaned and its firmware
or Android version. An empty cell keeps what is recorded. Registered in registrations.py."""

import csv
import datetime
import io
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from homeroom.classrooms import services
from homeroom.core.access import Rule
from homeroom.core.import_formats import ImportFormat, Plan

AV_CATEGORIES = ("projector", "interactive_display", "document_camera")
IN_SERVICE_EXCLUDED = ("lost", "stolen", "retired", "disposed")
# Spellings of each column seen in exports and hand-made sheets, after lower-casing and
# turning spaces and hyphens into underscores.
COLUMNS = {
    "asset_tag": {"asset_tag", "asset", "tag", "annotatedassetid"},
    "serial": {"serial", "serial_number", "serialnumber", "serial_no"},
    "lamp_hours": {"lamp_hours", "lamp_hours_used", "lamp"},
    "lamp_life": {"lamp_life", "rated_lamp_life", "lamp_rated_hours"},
    "filter_cleaned_on": {"filter_cleaned_on", "filter_cleaned", "filter_last_cleaned"},
    "firmware": {"firmware", "firmware_version", "android_version", "os_version"},
}
READINGS = ("lamp_hours", "lamp_life", "filter_cleaned_on", "firmware")
HEADINGS = {
    "lamp_hours": "lamp hours",
    "lamp_life": "lamp life",
    "filter_cleaned_on": "filter cleaned",
    "firmware": "firmware",
}
LARGEST = 2_000_000_000
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")


def _column(heading: str) -> str | None:
    key = heading.strip().lower().replace(" ", "_").replace("-", "_")
    return next((name for name, spellings in COLUMNS.items() if key in spellings), None)


def _day(text: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class AVReadingsFormat(ImportFormat):
    kind = "av-readings"
    label = "AV readings (CSV)"
    description = (
        "A CSV file with a row per display or projector: its asset tag (or serial number) and "
        "any of lamp hours, lamp life, filter cleaned (YYYY-MM-DD) and firmware. An empty cell "
        "keeps what is recorded; a file read twice changes nothing the second time."
    )
    view_rule = Rule("classrooms.view_avdetails")
    use_rule = Rule("classrooms.change_avdetails")
    refusal = "Only those who record AV details import their readings."
    accept = ".csv,text/csv"
    preview_columns = (
        ("line", "Line"),
        ("device", "Device"),
        ("change", "Change"),
    )
    example_name = "av-readings.csv"
    example = b"asset_tag,lamp_hours,filter_cleaned\nWALK-AV-1,1200,2026-09-01\n"

    def read_head(self, head, name):
        if not head.strip():
            return "The file is empty."
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            # The head may end inside a character; only an early bad byte is a wrong file.
            if error.start < len(head) - 4:
                return f"{name} is not UTF-8 text; save it as CSV UTF-8."
        return ""

    def count(self, path) -> int:
        with open(path, "rb") as handle:
            return max(sum(1 for _ in handle) - 1, 1)

    def check(self, run, path, *, actor, progress) -> Plan:
        name = run.file_name
        plan = Plan()
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            plan.problems.append(f"{name}:1: file: is not UTF-8 text; save it as CSV UTF-8")
            return plan
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header:
            plan.problems.append(f"{name}:1: file: has no heading row")
            return plan
        columns = [_column(heading) for heading in header]
        unread = [h for h, column in zip(header, columns, strict=True) if column is None and h]
        if unread:
            plan.warnings.append(f"{name}:1: columns not read: {', '.join(unread)}")
        if "asset_tag" not in columns and "serial" not in columns:
            plan.problems.append(f"{name}:1: asset_tag: no asset tag or serial number column")
        if not set(columns) & set(READINGS):
            plan.problems.append(
                f"{name}:1: file: no readings: give lamp_hours, lamp_life, filter_cleaned or "
                "firmware"
            )
        if plan.problems:
            return plan
        rows = []
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                plan.problems.append(f"{name}:{line}: file: more cells than headings")
                continue
            values = {}
            for column, cell in zip(columns, cells, strict=False):
                if column is not None and cell.strip():
                    values[column] = cell.strip()
            rows.append((line, values))
        plan.rows = len(rows)
        if not rows:
            plan.problems.append(f"{name}: file: has no rows of readings")
            return plan
        devices = _devices(actor, rows)
        seen: dict[int, int] = {}
        changes = []
        for line, values in rows:
            device = _find(devices, values)
            named = values.get("asset_tag") or values.get("serial")
            column = "asset_tag" if values.get("asset_tag") else "serial"
            if not named:
                plan.problems.append(f"{name}:{line}: asset_tag: name the device")
                continue
            if device is None:
                plan.problems.append(f"{name}:{line}: {column}: no device of yours is {named}")
                continue
            if device.model.category not in AV_CATEGORIES:
                plan.problems.append(
                    f"{name}:{line}: {column}: {device.asset_tag} is a "
                    f"{device.model.get_category_display()}, not a display or projector"
                )
                continue
            if device.pk in seen:
                plan.problems.append(
                    f"{name}:{line}: {column}: {device.asset_tag} is on line {seen[device.pk]} too"
                )
                continue
            seen[device.pk] = line
            readings = _readings(plan, name, line, values)
            if readings is None:
                continue
            current = getattr(device, "av", None)
            changed = {
                field: value
                for field, value in readings.items()
                if getattr(current, field, None) != value
            }
            old_hours = getattr(current, "lamp_hours", None)
            if (
                "lamp_hours" in changed
                and old_hours is not None
                and changed["lamp_hours"] < old_hours
            ):
                plan.warnings.append(
                    f"{name}:{line}: lamp_hours: {device.asset_tag} went from {old_hours} to "
                    f"{changed['lamp_hours']} hours (a new lamp?)"
                )
            changes.append((line, device, changed))
        if plan.problems:
            return plan
        plan.data = [(device.pk, changed) for _, device, changed in changes if changed]
        plan.counts = {
            "AV details": {
                "changed": len(plan.data),
                "unchanged": len(changes) - len(plan.data),
            }
        }
        plan.changes = [
            {
                "line": line,
                "device": device.asset_tag,
                "change": "; ".join(
                    f"{HEADINGS[field]} {_shown(getattr(getattr(device, 'av', None), field, None))}"
                    f" → {_shown(value)}"
                    for field, value in changed.items()
                )
                or "No change",
            }
            for line, device, changed in changes[:200]
        ]
        plan.changes_total = len(changes)
        progress(len(rows), len(rows), "Checked")
        return plan

    def apply(self, run, plan: Plan, *, actor) -> dict:
        from homeroom.devices.models import Device

        devices = Device.objects.in_bulk([pk for pk, _ in plan.data])
        for pk, changed in plan.data:
            services.av_update(actor=actor, device=devices[pk], **changed)
        return plan.counts

    def summary(self, run) -> str:
        counts = run.counts.get("AV details", {})
        return f"{counts.get('changed', 0)} changed, {counts.get('unchanged', 0)} unchanged"


def _shown(value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _devices(actor, rows) -> dict:
    """The devices the file names that the actor sees, by upper-cased asset tag and serial."""
    from homeroom.devices.models import Device
    from homeroom.devices.selectors import devices_for

    base = (devices_for(actor) if actor is not None else Device.objects.all()).exclude(
        status__in=IN_SERVICE_EXCLUDED
    )
    # As written and upper-cased (how tags are usually kept), so the indexes serve the lookup.
    tags = sorted(
        {spelling for _, v in rows if v.get("asset_tag") for spelling in _spellings(v["asset_tag"])}
    )
    serials = sorted(
        {spelling for _, v in rows if v.get("serial") for spelling in _spellings(v["serial"])}
    )
    found = {}
    for start in range(0, max(len(tags), len(serials)), 500):
        chunk = Q(asset_tag__in=tags[start : start + 500]) | Q(
            serial_number__in=serials[start : start + 500]
        )
        for device in base.filter(chunk).select_related("model", "av"):
            found[("tag", device.asset_tag.upper())] = device
            found[("serial", device.serial_number.upper())] = device
    return found


def _spellings(text: str) -> tuple[str, str]:
    return text, text.upper()


def _find(devices: dict, values: dict):
    if values.get("asset_tag"):
        return devices.get(("tag", values["asset_tag"].upper()))
    if values.get("serial"):
        return devices.get(("serial", values["serial"].upper()))
    return None


def _readings(plan: Plan, name: str, line: int, values: dict) -> dict | None:
    """The row's readings, or None after adding its problems to the plan."""
    readings, problems = {}, []
    for field in ("lamp_hours", "lamp_life"):
        if field in values:
            text = values[field].replace(",", "")
            if not text.isdigit() or int(text) > LARGEST:
                problems.append(
                    f"{name}:{line}: {field}: “{values[field]}” is not a number of hours"
                )
            else:
                readings[field] = int(text)
    if "filter_cleaned_on" in values:
        day = _day(values["filter_cleaned_on"])
        if day is None:
            problems.append(
                f"{name}:{line}: filter_cleaned: “{values['filter_cleaned_on']}” is not a date "
                "(write YYYY-MM-DD)"
            )
        elif day > timezone.localdate():
            problems.append(f"{name}:{line}: filter_cleaned: {day} has not come yet")
        else:
            readings["filter_cleaned_on"] = day
    if "firmware" in values:
        if len(values["firmware"]) > 100:
            problems.append(f"{name}:{line}: firmware: longer than 100 characters")
        else:
            readings["firmware"] = values["firmware"]
    plan.problems.extend(problems)
    return None if problems else readings
