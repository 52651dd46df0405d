"""Reading typed values out of a row; a value that cannot be read is a problem on its row."""

import calendar
import datetime
import decimal
import functools
import re

from django.utils.dateparse import parse_datetime

from homeroom.devices.importers.source import Row

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
DAY_ONLY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
NAMED_MONTH = re.compile(r"([A-Za-z]+)\.?\s+(\d{4})")
EPOCH_MS = re.compile(r"\d{12,13}")
MONEY = re.compile(r"[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
MAC = re.compile(r"[0-9a-fA-F]{2}(?:[:\-.]?[0-9a-fA-F]{2}){5}")
MONTHS = re.compile(r"(\d+)\s*(?:months?|mos?\.?)?")
MAX_COST = decimal.Decimal("99999999.99")


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date(row: Row, key: str) -> datetime.date | None:
    """2023-01-23 (a time after it is dropped), or US style 1/23/2023 and 1/23/23."""
    value = row.text(key)
    if not value:
        return None
    parsed = None
    if match := ISO_DATE.fullmatch(value):
        parsed = _date(int(match[1]), int(match[2]), int(match[3]))
    elif match := US_DATE.fullmatch(value):
        year = int(match[3])
        if len(match[3]) == 2:
            year += 1900 if year >= 69 else 2000
        parsed = _date(year, int(match[1]), int(match[2]))
    if parsed is None:
        row.problem(key, f"“{value}” is not a date like 2023-01-23 or 1/23/2023")
    return parsed


def update_month(row: Row, key: str) -> datetime.date | None:
    """Google's auto-update date: a day (2029-06-30), a month (2029-06, Jun 2029, taken as its
    last day), a date and time, or the Directory API's milliseconds since 1970."""
    value = row.text(key)
    if not value:
        return None
    parsed = _update_month(value)
    if parsed is None:
        row.problem(key, f"“{value}” is not a date like 2029-06-30 or a month like 2029-06")
    return parsed


@functools.lru_cache(maxsize=1024)
def _update_month(value: str) -> datetime.date | None:
    if match := ISO_DATE.fullmatch(value):
        return _date(int(match[1]), int(match[2]), int(match[3]))
    if (match := MONTH.fullmatch(value)) and 1 <= int(match[2]) <= 12:
        return last_day(int(match[1]), int(match[2]))
    if (match := NAMED_MONTH.fullmatch(value)) and match[1].lower() in MONTH_NAMES:
        return last_day(int(match[2]), MONTH_NAMES[match[1].lower()])
    if EPOCH_MS.fullmatch(value):
        return datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.UTC).date()
    return None


def timestamp(row: Row, key: str) -> datetime.datetime | None:
    """2025-08-14T09:30:00.123Z (a time zone offset or none, taken as UTC), a bare date, or the
    US spellings spreadsheets make of them: 8/14/2025 9:30:00, Aug 14, 2025, 9:30:00 AM."""
    value = row.text(key)
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None and (match := DAY_ONLY.fullmatch(value)):
        day = _date(int(match[1]), int(match[2]), int(match[3]))
        parsed = datetime.datetime.combine(day, datetime.time()) if day else None
    if parsed is None:
        parsed = _us_timestamp(value)
    if parsed is None:
        row.problem(key, f"“{value}” is not a date and time like 2025-08-14T09:30:00Z")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


US_TIMESTAMPS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%b %d, %Y, %I:%M:%S %p",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y, %I:%M %p",
    "%b %d, %Y %I:%M %p",
)


def _us_timestamp(value: str) -> datetime.datetime | None:
    value = " ".join(value.replace("\u202f", " ").split())
    for layout in US_TIMESTAMPS:
        try:
            return datetime.datetime.strptime(value, layout)
        except ValueError:
            continue
    return None


def money(row: Row, key: str) -> decimal.Decimal | None:
    """1234.56, 1,234.56 or $1,234.56."""
    value = row.text(key)
    if not value:
        return None
    match = MONEY.fullmatch(value)
    if match is None:
        row.problem(key, f"“{value}” is not an amount like 1234.56")
        return None
    amount = decimal.Decimal(f"{match[1].replace(',', '')}.{match[2] or '0'}")
    if amount > MAX_COST:
        row.problem(key, f"“{value}” is more than {MAX_COST:,}")
        return None
    return amount.quantize(decimal.Decimal("0.01"))


def months(row: Row, key: str) -> int | None:
    """36, or “36 months” as Snipe-IT shows it."""
    value = row.text(key)
    if not value:
        return None
    match = MONTHS.fullmatch(value.lower())
    if match is None or int(match[1]) > 600:
        row.problem(key, f"“{value}” is not a number of months like 36")
        return None
    return int(match[1])


def mac_address(row: Row, key: str) -> str:
    """a0b1c2d3e4f5, A0-B1-… or a0:b1:… become a0:b1:c2:d3:e4:f5."""
    value = row.text(key)
    if not value:
        return ""
    if MAC.fullmatch(value) is None:
        row.problem(key, f"“{value}” is not a MAC address like a0:b1:c2:d3:e4:f5")
        return ""
    digits = re.sub(r"[^0-9a-f]", "", value.lower())
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def email(row: Row, key: str) -> str:
    value = row.text(key, max_length=254)
    if value and ("@" not in value or " " in value):
        row.warn(key, f"“{value}” is not an email address; the device was not checked out")
        return ""
    return value
