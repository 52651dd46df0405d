"""Reads of circulation. Librarians see the loans and holds of their libraries; a reader
sees their own; nobody else sees who borrowed what (library privacy)."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.library.choices import (
    ACTIVE_HOLD_STATUSES,
    OPEN_LOAN_STATUSES,
    CopyStatus,
    HoldStatus,
    LoanStatus,
)
from homeroom.library.models import Copy, Hold, Loan
from homeroom.people.choices import EnrollmentRole, PersonKind
from homeroom.people.models import Enrollment


def loans_for(user) -> QuerySet[Loan]:
    if not user.is_authenticated or not user.has_perm("library.view_loan"):
        return Loan.objects.none()
    loans = Loan.objects.select_related("copy__title", "library", "person", "rule")
    if user.sees_all_sites:
        return loans
    return loans.filter(library__site__in=sites_for(user))


def holds_for(user) -> QuerySet[Hold]:
    if not user.is_authenticated or not user.has_perm("library.view_hold"):
        return Hold.objects.none()
    holds = Hold.objects.select_related("title", "library", "person", "copy")
    if user.sees_all_sites:
        return holds
    return holds.filter(library__site__in=sites_for(user))


def open_loans_of(person) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(person=person, status__in=OPEN_LOAN_STATUSES)
        .select_related("copy__title", "library", "rule")
        .order_by("due_at", "pk")
    )


def active_holds_of(person) -> QuerySet[Hold]:
    return (
        Hold.objects.filter(person=person, status__in=ACTIVE_HOLD_STATUSES)
        .select_related("title", "library")
        .order_by("placed_at", "pk")
    )


def own_person(user):
    """The roster record of the signed-in account, if it has one."""
    if not user.is_authenticated:
        return None
    return getattr(user, "person", None)


OVERDUE_STATUSES = [LoanStatus.OUT, LoanStatus.LOST]


def overdue_loans(user, library, today) -> QuerySet[Loan]:
    """Books past due at a library and not back: still out, or given up as lost."""
    return (
        loans_for(user)
        .filter(library=library, status__in=OVERDUE_STATUSES, due_on__lt=today)
        .select_related("person__homeroom")
    )


@dataclass
class OverdueGroup:
    """The overdue books of one homeroom (its teachers named), of students the roster puts
    in no homeroom, or of staff."""

    label: str
    teachers: list[str]
    loans: list = field(default_factory=list)


def overdue_by_homeroom(user, library, today) -> list[OverdueGroup]:
    """The overdue list as the librarian hands it out: one group per homeroom, by its
    teacher's name, then students without a homeroom, then staff. Two queries."""
    loans = overdue_loans(user, library, today).order_by(
        "person__family_name", "person__given_name", "due_on", "pk"
    )
    loans = [loan for loan in loans if loan.person is not None]
    classes = {loan.person.homeroom_id for loan in loans if loan.person.homeroom_id}
    teachers: dict[int, list[str]] = {}
    enrollments = (
        Enrollment.objects.filter(
            school_class_id__in=classes, role=EnrollmentRole.TEACHER, is_active=True
        )
        .select_related("person")
        .order_by("-primary", "person__family_name", "person__given_name", "pk")
    )
    for enrollment in enrollments:
        teachers.setdefault(enrollment.school_class_id, []).append(str(enrollment.person))
    groups: dict[tuple, OverdueGroup] = {}
    for loan in loans:
        person = loan.person
        if person.kind != PersonKind.STUDENT:
            key, group = (2, ""), OverdueGroup("Staff", [])
        elif person.homeroom_id is None:
            key, group = (1, ""), OverdueGroup("No homeroom on the roster", [])
        else:
            names = teachers.get(person.homeroom_id, [])
            label = str(person.homeroom)
            key = (0, (names[0] if names else "~").casefold(), label.casefold(), person.homeroom_id)
            group = OverdueGroup(label, names)
        loan.days_overdue = (today - loan.due_on).days
        groups.setdefault(key, group).loans.append(loan)
    return [groups[key] for key in sorted(groups)]


@dataclass
class Pull:
    """A copy to take off the shelf for the reader first in the queue for its title."""

    copy: Copy
    hold: Hold


def holds_to_pull(user, libraries, limit: int = 1000) -> list[Pull]:
    """Holds waiting at the libraries whose title has a copy on the shelf there, a copy for
    each (first come, first served), in call number order for walking the shelves.
    Checking a pulled copy in sets it aside for its reader. Two queries."""
    on_shelf = Copy.objects.filter(
        library=OuterRef("library"), title=OuterRef("title"), status=CopyStatus.AVAILABLE
    )
    holds = list(
        holds_for(user)
        .filter(library__in=libraries, status=HoldStatus.WAITING)
        .filter(Exists(on_shelf))
        .order_by("placed_at", "pk")[:limit]
    )
    if not holds:
        return []
    copies: dict[tuple[int, int], list[Copy]] = {}
    shelf = Copy.objects.filter(
        library__in={hold.library_id for hold in holds},
        status=CopyStatus.AVAILABLE,
        title_id__in={hold.title_id for hold in holds},
    ).order_by("call_number", "barcode")
    for copy in shelf:
        copies.setdefault((copy.library_id, copy.title_id), []).append(copy)
    pulls = []
    for hold in holds:
        waiting = copies.get((hold.library_id, hold.title_id))
        if waiting:
            copy = waiting.pop(0)
            copy.title = hold.title
            pulls.append(Pull(copy, hold))
    return sorted(pulls, key=lambda pull: (pull.copy.call_number, pull.copy.barcode))


def desk_numbers(user, libraries, today) -> dict:
    """Today's circulation at the given libraries: due today, overdue, holds to pull."""
    out = loans_for(user).filter(library__in=libraries, status=LoanStatus.OUT).order_by()
    return {
        "due_today": out.filter(due_on=today).count(),
        "overdue": out.filter(due_on__lt=today).count(),
        "to_pull": len(holds_to_pull(user, libraries)),
    }
