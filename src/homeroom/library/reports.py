"""The collection report: what a school librarian weeds and buys by. Every figure is one
aggregate query over the chosen libraries' copies (never a loop over copies):

- copies by Dewey hundreds with their titles' average publication year (the weeding
  report: a 500s shelf whose average year is 1994 needs new science books),
- titles by reading-level band (Lexile bands of 200L, Accelerated Reader bands of one
  level),
- copies added per month (the month a copy came into the catalog).

Withdrawn copies are left out: they are no longer on the shelves.

And the circulation report, from the loans: a year of loans by month, grade and library, the
titles lent most, and the holds waiting, each again one aggregate query.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Substr, TruncMonth
from django.utils import timezone

from homeroom.library.choices import CopyStatus, HoldStatus
from homeroom.library.models import Copy, Hold, Library, Loan, Title

DEWEY_CLASSES = {
    "0": "000s Computers, information and general works",
    "1": "100s Philosophy and psychology",
    "2": "200s Religion",
    "3": "300s Social sciences",
    "4": "400s Language",
    "5": "500s Science",
    "6": "600s Technology",
    "7": "700s Arts and recreation",
    "8": "800s Literature",
    "9": "900s History and geography",
}
NO_DEWEY = "No Dewey number (fiction, easy, reference…)"
# (lowest Lexile of the band, its label); below zero is Beginning Reader (BR).
LEXILE_BANDS = [
    (None, "BR (beginning reader)"),
    (0, "0L to 199L"),
    (200, "200L to 399L"),
    (400, "400L to 599L"),
    (600, "600L to 799L"),
    (800, "800L to 999L"),
    (1000, "1000L to 1199L"),
    (1200, "1200L and above"),
]
AR_BANDS = [(level, f"{level}.0 to {level}.9") for level in range(0, 8)] + [(8, "8.0 and above")]


@dataclass
class DeweyRow:
    label: str
    copies: int
    titles: int
    average_year: int | None


def shelved(libraries: QuerySet[Library]) -> QuerySet[Copy]:
    return Copy.objects.filter(library__in=libraries).exclude(status=CopyStatus.WITHDRAWN)


def by_dewey(copies: QuerySet[Copy]) -> list[DeweyRow]:
    """Copies and titles per Dewey hundred (from the title's 082, else the copy's call number
    when it starts with a class number), with the titles' average publication year."""
    first = Substr(
        Coalesce(NullIf(F("title__dewey"), Value("")), F("call_number"), output_field=CharField()),
        1,
        1,
    )
    rows = (
        copies.annotate(first_digit=first)
        .annotate(
            hundred=Case(
                *[When(first_digit=digit, then=Value(digit)) for digit in DEWEY_CLASSES],
                default=Value(""),
                output_field=CharField(),
            )
        )
        .values("hundred")
        .annotate(
            copies=Count("pk"),
            titles=Count("title_id", distinct=True),
            average_year=Avg("title__year"),
        )
        .order_by("hundred")
    )
    found = {row["hundred"]: row for row in rows}
    result = []
    for digit, label in [*DEWEY_CLASSES.items(), ("", NO_DEWEY)]:
        row = found.get(digit)
        if row is None:
            result.append(DeweyRow(label, 0, 0, None))
            continue
        average = row["average_year"]
        result.append(
            DeweyRow(label, row["copies"], row["titles"], round(average) if average else None)
        )
    return result


def _band_counts(titles: QuerySet[Title], field: str, bands) -> list[tuple[str, int]]:
    """Titles per band of `field`; titles without a value are not counted."""
    whens = []
    for number, (low, _label) in enumerate(bands):
        if low is None:
            whens.append(When(**{f"{field}__lt": 0}, then=Value(number)))
        else:
            whens.append(When(**{f"{field}__gte": low}, then=Value(number)))
    # The highest band first, so each value falls in the highest band it reaches.
    whens = [whens[0], *reversed(whens[1:])] if bands[0][0] is None else list(reversed(whens))
    counts = dict(
        titles.filter(**{f"{field}__isnull": False})
        .annotate(band=Case(*whens, default=Value(-1), output_field=IntegerField()))
        .values("band")
        .annotate(count=Count("pk"))
        .values_list("band", "count")
    )
    return [(label, counts.get(number, 0)) for number, (_low, label) in enumerate(bands)]


def titles_of(copies: QuerySet[Copy]) -> QuerySet[Title]:
    return Title.objects.filter(pk__in=copies.values("title_id"))


def by_lexile(titles: QuerySet[Title]) -> list[tuple[str, int]]:
    return _band_counts(titles, "lexile", LEXILE_BANDS)


def by_ar(titles: QuerySet[Title]) -> list[tuple[str, int]]:
    return _band_counts(titles, "ar_level", AR_BANDS)


def by_month(copies: QuerySet[Copy]) -> list[tuple[str, int]]:
    """Copies added per month (in the district's time zone), oldest first."""
    rows = (
        copies.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
        .values_list("month", "count")
    )
    return [(f"{month:%Y-%m}", count) for month, count in rows]


# Circulation: what the libraries lend, counted from the loans (which keep their grade and
# library after they forget their reader), each figure one aggregate query.
MONTHS = 12


def report_start(today: datetime.date, months: int = MONTHS) -> datetime.datetime:
    """The first moment of the month `months - 1` before today's: a year of whole months."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return timezone.make_aware(datetime.datetime(year, month, 1))


def lent(libraries: QuerySet[Library], since: datetime.datetime) -> QuerySet[Loan]:
    return Loan.objects.filter(library__in=libraries, checked_out_at__gte=since)


def loans_by_month(loans: QuerySet[Loan], since: datetime.datetime) -> list[tuple[str, int]]:
    """Loans per month since `since`, months without loans counted as 0."""
    counts = {
        f"{month:%Y-%m}": count
        for month, count in loans.annotate(month=TruncMonth("checked_out_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
        .values_list("month", "count")
    }
    rows, day = [], timezone.localtime(since).date().replace(day=1)
    today = timezone.localdate()
    while day <= today:
        rows.append((f"{day:%Y-%m}", counts.get(f"{day:%Y-%m}", 0)))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return rows


def grade_label(grade: str) -> str:
    if not grade:
        return "Staff and readers without a grade"
    if grade in ("KG", "K"):
        return "Kindergarten"
    if grade in ("PK", "TK"):
        return "Pre-kindergarten"
    return f"Grade {int(grade)}" if grade.isdigit() else grade


def grade_order(grade: str) -> tuple:
    order = {"PK": -2, "TK": -2, "KG": -1, "K": -1}
    if grade in order:
        return (0, order[grade])
    return (0, int(grade)) if grade.isdigit() else (1, grade or "~")


def loans_by_grade(loans: QuerySet[Loan]) -> list[tuple[str, int]]:
    rows = loans.order_by().values_list("grade").annotate(count=Count("pk"))
    return [
        (grade_label(grade), count)
        for grade, count in sorted(rows, key=lambda r: grade_order(r[0]))
    ]


def loans_by_library(loans: QuerySet[Loan]) -> list[tuple[str, int]]:
    return list(
        loans.order_by()
        .values_list("library__name")
        .annotate(count=Count("pk"))
        .order_by("library__name")
    )


def top_titles(loans: QuerySet[Loan], limit: int = 20) -> list[tuple[str, int]]:
    """The titles lent most, most first."""
    return list(
        loans.order_by()
        .values_list("copy__title__title")
        .annotate(count=Count("pk"))
        .order_by("-count", "copy__title__title")[:limit]
    )


def holds_waiting(libraries: QuerySet[Library]) -> QuerySet[Hold]:
    return Hold.objects.filter(library__in=libraries, status=HoldStatus.WAITING)


def holds_by_library(holds: QuerySet[Hold]) -> list[tuple[str, int]]:
    return list(
        holds.order_by()
        .values_list("library__name")
        .annotate(count=Count("pk"))
        .order_by("library__name")
    )


def holds_by_title(holds: QuerySet[Hold], limit: int = 20) -> list[tuple[str, str, int]]:
    """The titles most waited for: (title, library, readers waiting)."""
    return list(
        holds.order_by()
        .values_list("title__title", "library__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "title__title", "library__name")[:limit]
    )
