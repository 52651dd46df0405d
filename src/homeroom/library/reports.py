"""The collection report: what a school librarian weeds and buys by. Every figure is one
aggregate query over the chosen libraries' copies (never a loop over copies):

- copies by Dewey hundreds with their titles' average publication year (the weeding
  report: a 500s shelf whose average year is 1994 needs new science books),
- titles by reading-level band (Lexile bands of 200L, Accelerated Reader bands of one
  level),
- copies added per month (the month a copy came into the catalog).

Withdrawn copies are left out: they are no longer on the shelves.
"""

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

from homeroom.library.choices import CopyStatus
from homeroom.library.models import Copy, Library, Title

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
