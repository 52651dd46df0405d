"""Loan rules: which kind of reader someone is, which row of the matrix applies to them and
a copy, and when a loan made under it is due."""

import datetime
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

from homeroom.core.calendar import BusinessCalendar
from homeroom.library.choices import LoanUnit
from homeroom.library.models import Copy, Library, LoanRule, PatronType
from homeroom.people.choices import PersonKind

# The roster's grade bands and staff, and one district-wide row for any reader and item
# (two school weeks, fine-free) that the librarians then refine.
PATRON_TYPES = [
    ("k-2", "Grades K-2", "PK TK KG 01 02", False, 10),
    ("3-5", "Grades 3-5", "03 04 05", False, 20),
    ("6-8", "Grades 6-8", "06 07 08", False, 30),
    ("9-12", "Grades 9-12", "09 10 11 12 13", False, 40),
    ("staff", "Staff", "", True, 50),
]


def seed_loan_rules(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After `migrate` (and a test database's flush): the patron types and the district's
    row, when there are none yet; what librarians changed stays as they left it."""
    if sender.label != "library":
        return
    if not PatronType.objects.using(using).exists():
        PatronType.objects.using(using).bulk_create(
            PatronType(code=code, name=name, grades=grades, for_staff=staff, order=order)
            for code, name, grades, staff, order in PATRON_TYPES
        )
    if not LoanRule.objects.using(using).exists():
        LoanRule.objects.using(using).create()


class NoDueDate(Exception):
    """The rule's ceiling leaves no school day to be due on."""


def patron_type_for(person, types: list[PatronType] | None = None) -> PatronType | None:
    """Staff are of the staff type; a student of the type listing their grade."""
    types = list(PatronType.objects.all()) if types is None else types
    if person.kind != PersonKind.STUDENT:
        return next((kind for kind in types if kind.for_staff), None)
    return next(
        (kind for kind in types if not kind.for_staff and person.grade in kind.grades.split()),
        None,
    )


def candidates(library: Library, patron_type: PatronType | None, circulation_type: str):
    """Every row that matches, the one that wins first."""
    rows = LoanRule.objects.filter(
        Q(library=library) | Q(library__isnull=True),
        Q(patron_type=patron_type) | Q(patron_type__isnull=True)
        if patron_type is not None
        else Q(patron_type__isnull=True),
        Q(circulation_type=circulation_type) | Q(circulation_type=""),
    ).select_related("library", "patron_type")
    return sorted(rows, key=lambda row: (row.specificity, -row.pk), reverse=True)


def rule_for(library: Library, patron_type: PatronType | None, circulation_type: str):
    found = candidates(library, patron_type, circulation_type)
    return found[0] if found else None


def rule_for_copy(person, copy: Copy) -> tuple[PatronType | None, LoanRule | None]:
    patron_type = patron_type_for(person)
    return patron_type, rule_for(copy.library, patron_type, copy.circulation_type)


@dataclass(frozen=True)
class Due:
    on: datetime.date
    at: datetime.datetime
    capped: bool = False


def _last_school_day(calendar: BusinessCalendar, first: datetime.date, last: datetime.date):
    day = last
    while day >= first:
        if calendar.is_school_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return None


def _closing(calendar: BusinessCalendar, day: datetime.date) -> datetime.datetime:
    hours = calendar.hours_on(day)
    return hours[1].astimezone(calendar.zone)


def due(rule: LoanRule, calendar: BusinessCalendar, start: datetime.datetime) -> Due:
    """When a loan under `rule` made at `start` is due, at the school whose calendar this
    is. Days count from the day after `start`: school days skip weekends and closed days;
    calendar days that end on a closed day move to the next school day; hours count only
    while the school is open. A ceiling still ahead caps the date to its last school day;
    a ceiling already past is last year's and does not apply."""
    start = start.astimezone(calendar.zone)
    today = start.date()
    if rule.loan_unit == LoanUnit.HOURS:
        at = calendar.add(start, rule.loan_length * 3600)
        if at is None:
            raise NoDueDate("The school calendar has no open hours ahead.")
        on = at.date()
    else:
        if rule.loan_unit == LoanUnit.OPEN_DAYS:
            on, counted = today, 0
            while counted < rule.loan_length:
                on = calendar.next_school_day(on + datetime.timedelta(days=1))
                if not calendar.is_school_day(on):
                    break
                counted += 1
        else:
            on = calendar.next_school_day(today + datetime.timedelta(days=rule.loan_length))
        if not calendar.is_school_day(on):
            raise NoDueDate("The school calendar has no school day ahead.")
        at = _closing(calendar, on)
    if rule.ceiling is None or rule.ceiling < today or on <= rule.ceiling:
        return Due(on, at)
    last = _last_school_day(calendar, today, rule.ceiling)
    if last is None:
        raise NoDueDate(
            f"Loans under this rule end on {rule.ceiling:%a %-d %b %Y}, and no school day is "
            "left before then."
        )
    closing = _closing(calendar, last)
    if closing <= start:
        raise NoDueDate(
            f"Loans under this rule end on {rule.ceiling:%a %-d %b %Y}; the library has "
            "closed for the last time before then."
        )
    return Due(last, closing, capped=True)
