"""Class sets and textbooks: one copy of a title to every student of a class in one action,
and back at the end of term. Each loan goes through `circulation.check_out` (so the loan
rules apply and each loan is audited) and stands on its own: a refusal for one student is
listed and the others still get their book."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.selectors import sites_for
from homeroom.library import circulation, services
from homeroom.library.choices import OPEN_LOAN_STATUSES, CopyStatus
from homeroom.library.models import Copy, Library, Loan, Title
from homeroom.people.choices import EnrollmentRole
from homeroom.people.models import Person, SchoolClass


def students(school_class: SchoolClass) -> QuerySet[Person]:
    """The class's students on the roster now, by name."""
    return (
        Person.objects.filter(
            is_active=True,
            enrollments__school_class=school_class,
            enrollments__is_active=True,
            enrollments__role=EnrollmentRole.STUDENT,
        )
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )


def open_loans(title: Title, school_class: SchoolClass) -> QuerySet[Loan]:
    """The copies of `title` out to the class's students."""
    return (
        Loan.objects.filter(
            copy__title=title,
            status__in=OPEN_LOAN_STATUSES,
            person__in=students(school_class).values("pk"),
        )
        .select_related("copy", "library__site", "person")
        .order_by("person__family_name", "person__given_name", "pk")
    )


def roster(title: Title, school_class: SchoolClass) -> list[tuple[Person, Loan | None]]:
    """Each student with their loan of the title (None: they have no copy): two queries."""
    loans = {}
    for loan in open_loans(title, school_class):
        loans.setdefault(loan.person_id, loan)
    return [(person, loans.get(person.pk)) for person in students(school_class)]


@dataclass
class ClassSet:
    """What lending or taking back a class set did."""

    done: list = field(default_factory=list)
    refused: list[tuple[Person, str]] = field(default_factory=list)
    without: list[Person] = field(default_factory=list)


def _check(actor, library: Library, school_class: SchoolClass, permission: str, what: str):
    services._require(actor, permission, what)
    services._require_library(actor, library)
    if not sites_for(actor).filter(pk=school_class.site_id).exists():
        raise PermissionDenied(f"You do not work at {school_class.site.name}, whose class this is.")


def class_set_check_out(
    *, actor, title: Title, school_class: SchoolClass, library: Library
) -> ClassSet:
    """Lend a copy of `title` from `library`'s shelf to each student of the class who has
    none. Returns the loans made, the refusals (student, why) and who still has none."""
    _check(actor, library, school_class, circulation.LEND, "lend books")
    result = ClassSet()
    shelf = iter(
        Copy.objects.filter(title=title, library=library, status=CopyStatus.AVAILABLE)
        .select_related("title", "library__site")
        .order_by("call_number", "barcode")
    )
    copy = next(shelf, None)
    for person, loan in roster(title, school_class):
        if loan is not None:
            continue
        while copy is not None:
            try:
                result.done.append(circulation.check_out(actor=actor, copy=copy, person=person))
            except circulation.Refused as refused:
                if copy.barcode in str(refused):  # the copy's problem: try the next one
                    copy = next(shelf, None)
                    continue
                result.refused.append((person, str(refused)))
                result.without.append(person)
                break
            copy = next(shelf, None)
            break
        else:
            result.without.append(person)
    audit.record(
        actor=actor,
        obj=school_class,
        verb=AuditVerb.CHECKED_OUT,
        site=library.site,
        changes={"lent": [None, len(result.done)], "without": [None, len(result.without)]},
        message=f"Class set of “{title.title}” from {library.name}",
    )
    return result


def class_set_check_in(
    *, actor, title: Title, school_class: SchoolClass, library: Library
) -> ClassSet:
    """Take back every copy of `title` out to the class's students, at `library`'s desk
    (a copy of another library goes in transit to it)."""
    _check(actor, library, school_class, circulation.RETURN, "check books in")
    result = ClassSet()
    for loan in open_loans(title, school_class):
        try:
            result.done.append(circulation.check_in(actor=actor, copy=loan.copy, library=library))
        except (Conflict, PermissionDenied) as error:
            result.refused.append((loan.person, str(error)))
    audit.record(
        actor=actor,
        obj=school_class,
        verb=AuditVerb.CHECKED_IN,
        site=library.site,
        changes={"returned": [None, len(result.done)]},
        message=f"Class set of “{title.title}” back at {library.name} on "
        f"{timezone.localdate():%-d %b %Y}",
    )
    return result
