"""Reading closed days out of an iCalendar (.ics) file, as districts publish their school
calendars (RFC 5545). Only all-day events become closed days; timed events (a board
meeting at 6 pm), repeating events and cancelled events are left out and counted."""

import datetime
import re
from dataclasses import dataclass, field

from homeroom.core.importers import Problem
from homeroom.core.models import ClosedDay

MAX_BYTES = 1_000_000
# NAME;PARAM=value;PARAM="quoted: may hold colons":VALUE
CONTENT_LINE = re.compile(
    r'^(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;(?:[^:;"]|"[^"]*")*)*):(?P<value>.*)$'
)
DATE_VALUE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DAY_DURATION = re.compile(r"^\+?P(?:(\d+)W|(\d+)D)$")
TEXT_ESCAPES = {"\\n": " ", "\\N": " ", "\\,": ",", "\\;": ";", "\\\\": "\\"}


@dataclass(frozen=True)
class ClosedPeriod:
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str


@dataclass
class CalendarFile:
    periods: list[ClosedPeriod] = field(default_factory=list)
    timed_events: int = 0
    repeating_events: int = 0
    cancelled_events: int = 0
    problems: list[Problem] = field(default_factory=list)


def parse(content: bytes, file_name: str) -> CalendarFile:
    """All-day events of the file as closed periods, or the problems that stop it."""
    result = CalendarFile()

    def problem(line: int, column: str, message: str) -> None:
        result.problems.append(Problem(file_name, line, column, message))

    if len(content) > MAX_BYTES:
        problem(0, "file", f"is larger than {MAX_BYTES // 1_000_000} MB; is it a calendar?")
        return result
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem(0, "file", f"is not UTF-8 text ({error.reason} at byte {error.start})")
        return result

    lines = _unfolded(text)
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        problem(1, "file", "is not an iCalendar file: it must start with BEGIN:VCALENDAR")
        return result

    stack: list[str] = []
    event: dict[str, tuple[int, dict, str]] | None = None
    event_line = 0
    for number, line in lines:
        if not line.strip():
            continue
        match = CONTENT_LINE.match(line)
        if match is None:
            problem(number, "line", f"is not NAME:VALUE: {line[:60]!r}")
            continue
        name = match["name"].upper()
        value = match["value"]
        if name == "BEGIN":
            stack.append(value.strip().upper())
            if stack[-1] == "VEVENT":
                event, event_line = {}, number
        elif name == "END":
            component = value.strip().upper()
            if not stack or stack[-1] != component:
                expected = f"END:{stack[-1]}" if stack else "nothing"
                problem(number, "END", f"END:{component} where {expected} was expected")
                return result
            stack.pop()
            if component == "VEVENT" and event is not None:
                _read_event(event, event_line, result, problem)
                event = None
        elif event is not None and stack and stack[-1] == "VEVENT":
            event.setdefault(name, (number, _params(match["params"]), value))
    if stack:
        problem(lines[-1][0], "file", f"ends inside {stack[-1]} (END:{stack[-1]} is missing)")
    return result


def _unfolded(text: str) -> list[tuple[int, str]]:
    """Content lines with their first physical line number; a line starting with a space
    or a tab continues the one before (RFC 5545 section 3.1)."""
    lines: list[tuple[int, str]] = []
    for number, physical in enumerate(text.splitlines(), start=1):
        if physical[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + physical[1:])
        else:
            lines.append((number, physical))
    return lines


def _params(raw: str) -> dict[str, str]:
    params = {}
    for part in raw.split(";")[1:]:
        key, _, value = part.partition("=")
        params[key.upper()] = value.strip('"').upper()
    return params


def _text(value: str) -> str:
    return re.sub(r"\\[nN,;\\]", lambda m: TEXT_ESCAPES[m.group()], value).strip()


def _read_event(event: dict, event_line: int, result: CalendarFile, problem) -> None:
    if "STATUS" in event and event["STATUS"][2].strip().upper() == "CANCELLED":
        result.cancelled_events += 1
        return
    if "DTSTART" not in event:
        problem(event_line, "DTSTART", "the event has no start date")
        return
    line, params, value = event["DTSTART"]
    all_day = params.get("VALUE") == "DATE" or DATE_VALUE.match(value.strip())
    if not all_day:
        result.timed_events += 1
        return
    if "RRULE" in event or "RDATE" in event:
        result.repeating_events += 1
        return
    starts_on = _date(value, line, "DTSTART", problem)
    if starts_on is None:
        return
    ends_on = starts_on
    if "DTEND" in event:
        end_line, _, end_value = event["DTEND"]
        end = _date(end_value, end_line, "DTEND", problem)
        if end is None:
            return
        if end <= starts_on:
            problem(end_line, "DTEND", f"{end_value.strip()} is not after the start date")
            return
        ends_on = end - datetime.timedelta(days=1)  # an all-day DTEND is the day after
    elif "DURATION" in event:
        duration_line, _, duration = event["DURATION"]
        match = DAY_DURATION.match(duration.strip())
        if match is None or int(match[1] or match[2]) == 0:
            problem(duration_line, "DURATION", f"{duration.strip()} is not a number of days")
            return
        days = int(match[1]) * 7 if match[1] else int(match[2])
        ends_on = starts_on + datetime.timedelta(days=days - 1)
    if (ends_on - starts_on).days + 1 > ClosedDay.MAX_DAYS:
        problem(line, "DTEND", f"the event is longer than {ClosedDay.MAX_DAYS} days")
        return
    summary = _text(event["SUMMARY"][2]) if "SUMMARY" in event else ""
    reason = (summary or "Closed")[: ClosedDay._meta.get_field("reason").max_length]
    result.periods.append(ClosedPeriod(starts_on, ends_on, reason))


def _date(value: str, line: int, column: str, problem) -> datetime.date | None:
    match = DATE_VALUE.match(value.strip())
    if match is None:
        problem(line, column, f"{value.strip()[:40]!r} is not a date like 20261126")
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        problem(line, column, f"{value.strip()} is not a real date")
        return None
