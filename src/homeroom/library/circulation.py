"""The circulation desk's writes: check-out, check-in, renewals and holds. Each checks the
actor's role and that the desk's library is at one of the actor's sites, locks the copy
(two desks scanning the same book: one loan, one refusal), and is audited. A refusal says
why; those a librarian may override say so, and an override is written on the loan."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.calendar import calendar_for
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.fees import selectors as fee_selectors
from homeroom.fees.services import dollars
from homeroom.library import charges, rules
from homeroom.library.choices import (
    ACTIVE_HOLD_STATUSES,
    COPY_TRANSITIONS,
    HOLD_TRANSITIONS,
    LOAN_TRANSITIONS,
    OPEN_LOAN_STATUSES,
    CirculationType,
    CopyStatus,
    HoldStatus,
    LoanStatus,
)
from homeroom.library.models import CatalogSettings, Copy, Hold, Library, Loan, LoanRule, Title
from homeroom.library.services import _copy_status, _require, _require_library
from homeroom.people.choices import PersonKind

LEND = "library.add_loan"
RETURN = "library.change_loan"
OVERRIDE = "library.override_loan"
OUT_STATUSES = [LoanStatus.OUT, LoanStatus.CLAIMED_RETURNED]


class Refused(Conflict):
    """A check-out, renewal or hold the rules refuse. `overridable`: a librarian with the
    override permission may go ahead anyway (`reasons` are what they override)."""

    def __init__(self, reasons: list[str], *, overridable: bool):
        self.reasons, self.overridable = reasons, overridable
        super().__init__(" ".join(reasons))


def _locked_copy(copy: Copy) -> Copy:
    return (
        Copy.objects.select_for_update(of=("self",))
        .select_related("library__site", "title")
        .get(pk=copy.pk)
    )


def _own_person(actor, person) -> bool:
    return actor is not None and getattr(actor, "person", None) == person


def _set_loan_status(loan: Loan, status: str) -> dict:
    if status not in LOAN_TRANSITIONS[LoanStatus(loan.status)]:
        raise Conflict(
            f"This loan is {loan.get_status_display().lower()}; it cannot become "
            f"{LoanStatus(status).label.lower()}."
        )
    return audit.apply_changes(loan, {"status": status})


def _set_hold_status(hold: Hold, status: str, when) -> dict:
    if status not in HOLD_TRANSITIONS[HoldStatus(hold.status)]:
        raise Conflict(
            f"This hold is {hold.get_status_display().lower()}; it cannot become "
            f"{HoldStatus(status).label.lower()}."
        )
    if status not in ACTIVE_HOLD_STATUSES:
        hold.closed_at = when
    return audit.apply_changes(hold, {"status": status})


def _move_copy(actor, copy: Copy, status: str, note: str = "") -> None:
    """Along the copy's lifecycle, by way of the shelf when there is no direct move (a lost
    book that comes back and fills a hold)."""
    if status != copy.status and status not in COPY_TRANSITIONS[copy.status]:
        _copy_status(actor, copy, CopyStatus.AVAILABLE, note=note)
    _copy_status(actor, copy, status, note=note)


def _copy_problem(copy: Copy, person) -> tuple[str, bool] | None:
    """Why the copy itself cannot go out now, and whether that may be overridden."""
    status = copy.status
    if status == CopyStatus.AVAILABLE:
        return None
    if status == CopyStatus.CHECKED_OUT:
        loan = copy.loans.filter(status__in=OPEN_LOAN_STATUSES).select_related("person").first()
        if loan is not None and loan.person_id == person.pk:
            return f"{copy.barcode} is already checked out to {person}; renew it instead.", False
        return f"{copy.barcode} is checked out to another reader; check it in first.", False
    if status == CopyStatus.ON_HOLD_SHELF:
        hold = copy.holds.filter(status=HoldStatus.READY).select_related("person").first()
        if hold is None or hold.person_id == person.pk:
            return None
        return f"{copy.barcode} is on the hold shelf for {hold.person}.", True
    if status in (CopyStatus.IN_TRANSIT, CopyStatus.MISSING, CopyStatus.LOST):
        return (
            f"{copy.barcode} is {copy.get_status_display().lower()}; check it in first to put "
            "it back on the shelf.",
            False,
        )
    return f"{copy.barcode} is {copy.get_status_display().lower()} and not for loan.", False


@transaction.atomic
def check_out(*, actor, copy: Copy, person, override: bool = False) -> Loan:
    """Lend `copy` to `person` under the loan rule that applies, due when the rule and the
    school's calendar say. Refuses (Refused) with every reason; with `override`, the
    overridable reasons are recorded on the loan instead."""
    _require(actor, LEND, "lend books")
    copy = _locked_copy(copy)
    _require_library(actor, copy.library)
    if not person.is_active:
        raise Refused([f"{person} is no longer on the roster."], overridable=False)
    problem = _copy_problem(copy, person)
    if problem is not None and not problem[1]:
        raise Refused([problem[0]], overridable=False)
    reasons = [problem[0]] if problem else []
    patron_type, rule = rules.rule_for_copy(person, copy)
    if rule is None:
        raise Refused(
            [f"No loan rule covers {copy.get_circulation_type_display().lower()}s for {person}."],
            overridable=False,
        )
    if rule.max_items == 0 or copy.circulation_type == CirculationType.REFERENCE:
        reasons.append(f"{copy.get_circulation_type_display()} is not for loan.")
    else:
        out = Loan.objects.filter(
            person=person, library=copy.library, status__in=OUT_STATUSES
        ).count()
        if out >= rule.max_items:
            reasons.append(
                f"{person} has {out} of {rule.max_items} books out: the limit is reached."
            )
    block = fee_selectors.check_out_block(person)
    if block is not None:
        reasons.append(
            f"{person} has unpaid fees of {dollars(block[0])}, more than the "
            f"{dollars(block[1])} limit."
        )
    if reasons and not override:
        raise Refused(reasons, overridable=True)
    if reasons and not actor.has_perm(OVERRIDE):
        raise PermissionDenied("Your role does not lend books past the loan rules.")
    now = timezone.now()
    try:
        when = rules.due(rule, calendar_for(copy.library.site_id), now)
    except rules.NoDueDate as error:
        raise Refused([str(error)], overridable=False) from None
    for hold in Hold.objects.select_for_update().filter(
        person=person, title=copy.title_id, status__in=ACTIVE_HOLD_STATUSES
    ):
        _release(
            actor, hold, HoldStatus.FULFILLED, now, "Checked out", reshelve=hold.copy_id != copy.pk
        )
    for hold in Hold.objects.select_for_update().filter(copy=copy, status=HoldStatus.READY):
        # Lent past the hold: its reader goes back to the head of the queue.
        changes = _set_hold_status(hold, HoldStatus.WAITING, now)
        hold.copy, hold.ready_at, hold.expires_on = None, None, None
        hold.save(update_fields=["status", "copy", "ready_at", "expires_on"])
        audit.record(
            actor=actor,
            obj=hold,
            verb=AuditVerb.STATUS_CHANGED,
            site=copy.library.site,
            changes=changes,
            message=f"Its copy was lent to {person}",
        )
    _copy_status(actor, copy, CopyStatus.CHECKED_OUT, note=f"Checked out to {person}")
    loan = Loan(
        copy=copy,
        library=copy.library,
        person=person,
        patron_type=patron_type,
        grade=person.grade if person.kind == PersonKind.STUDENT else "",
        rule=rule,
        checked_out_at=now,
        due_on=when.on,
        due_at=when.at,
        override=" ".join(reasons)[:300],
    )
    loan.full_clean()
    loan.save()
    audit.record(
        actor=actor,
        obj=loan,
        verb=AuditVerb.CHECKED_OUT,
        site=copy.library.site,
        changes={"person": [None, str(person)], "due_on": [None, when.on.isoformat()]},
        message=f"Overridden: {loan.override}" if reasons else "",
    )
    return loan


@dataclass
class CheckIn:
    """What a check-in did, for the desk to say."""

    copy: Copy
    loan: Loan | None = None
    reader: str = ""
    hold: Hold | None = None
    in_transit_to: Library | None = None
    notes: list[str] = field(default_factory=list)


def _hold_shelf_until(library: Library, today: datetime.date) -> datetime.date:
    calendar = calendar_for(library.site_id)
    day, counted, days = today, 0, CatalogSettings.current().hold_shelf_days
    while counted < days:
        day = calendar.next_school_day(day + datetime.timedelta(days=1))
        counted += 1
    return day


def _shelve(actor, copy: Copy, now) -> Hold | None:
    """A copy back at its own library: set aside for the first reader waiting for its
    title there, or back on the shelf."""
    hold = (
        Hold.objects.select_for_update()
        .select_related("person")
        .filter(library=copy.library, title=copy.title_id, status=HoldStatus.WAITING)
        .order_by("placed_at", "pk")
        .first()
    )
    if hold is None:
        _move_copy(actor, copy, CopyStatus.AVAILABLE)
        return None
    changes = _set_hold_status(hold, HoldStatus.READY, now)
    hold.copy, hold.ready_at = copy, now
    hold.expires_on = _hold_shelf_until(copy.library, timezone.localdate(now))
    hold.save(update_fields=["status", "copy", "ready_at", "expires_on"])
    audit.record(
        actor=actor,
        obj=hold,
        verb=AuditVerb.STATUS_CHANGED,
        site=copy.library.site,
        changes={**changes, "copy": [None, copy.barcode]},
        message=f"Set aside until {hold.expires_on:%a %-d %b}",
    )
    _move_copy(actor, copy, CopyStatus.ON_HOLD_SHELF, note=f"Set aside for {hold.person}")
    from homeroom.library import mail

    transaction.on_commit(lambda: mail.send_hold_ready(hold.pk))
    return hold


@transaction.atomic
def check_in(*, actor, copy: Copy, library: Library | None = None) -> CheckIn:
    """A copy scanned back at the desk of `library` (its own by default): its loan ends,
    and it goes in transit when it belongs elsewhere, else to the hold shelf for the next
    reader waiting, else back on the shelf."""
    _require(actor, RETURN, "check books in")
    copy = _locked_copy(copy)
    desk = library or copy.library
    _require_library(actor, desk)
    now = timezone.now()
    result = CheckIn(copy=copy)
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(copy=copy, status__in=OPEN_LOAN_STATUSES)
        .first()
    )
    if loan is not None:
        loan.copy = copy
        result.loan, result.reader = loan, str(loan.person or "")
        was, person = loan.status, loan.person
        changes = _set_loan_status(loan, LoanStatus.RETURNED)
        loan.returned_at = now
        if not CatalogSettings.current().keep_loan_history:
            loan.person = None
        loan.save(update_fields=["status", "returned_at", "person"])
        audit.record(
            actor=actor,
            obj=loan,
            verb=AuditVerb.CHECKED_IN,
            site=desk.site,
            changes=changes,
            message=f"Returned at {desk.name}" if desk != copy.library else "",
        )
        if was == LoanStatus.LOST:
            result.notes.append("It was lost.")
            result.notes.extend(charges.reverse_lost(actor, loan))
        # A reader who says they brought it back is not fined when it turns up.
        if person is not None and was != LoanStatus.CLAIMED_RETURNED:
            fine = charges.charge_fine(actor, loan, person, timezone.localdate(now))
            if fine:
                result.notes.append(fine)
    elif copy.status == CopyStatus.ON_HOLD_SHELF:
        hold = copy.holds.filter(status=HoldStatus.READY).select_related("person").first()
        raise Conflict(
            f"{copy.barcode} is on the hold shelf"
            + (f" for {hold.person}" if hold else "")
            + "; nothing to check in."
        )
    elif copy.status == CopyStatus.AVAILABLE and desk == copy.library:
        if not Hold.objects.filter(
            library=copy.library, title=copy.title_id, status=HoldStatus.WAITING
        ).exists():
            raise Conflict(f"{copy.barcode} was not checked out; it stays on the shelf.")
    elif copy.status in (CopyStatus.WITHDRAWN, CopyStatus.DAMAGED, CopyStatus.IN_REPAIR):
        raise Conflict(
            f"{copy.barcode} is {copy.get_status_display().lower()}; change its status on its "
            "page to put it back on the shelf."
        )
    if desk != copy.library:
        result.in_transit_to = copy.library
        _move_copy(actor, copy, CopyStatus.IN_TRANSIT, note=f"Returned at {desk.name}")
    else:
        result.hold = _shelve(actor, copy, now)
    return result


def _renewal_problems(loan: Loan) -> list[str]:
    rule = loan.rule
    problems = []
    if rule is None or loan.renewals >= rule.renewals:
        allowed = rule.renewals if rule is not None else 0
        problems.append(f"{loan.copy.barcode} has been renewed {loan.renewals} of {allowed} times.")
    waiting = Hold.objects.filter(
        library=loan.library, title=loan.copy.title_id, status=HoldStatus.WAITING
    ).count()
    if waiting:
        problems.append(
            f"{waiting} reader{'s are' if waiting > 1 else ' is'} waiting for "
            f"“{loan.copy.title.title}”."
        )
    return problems


@transaction.atomic
def renew(*, actor, loan: Loan, override: bool = False) -> Loan:
    """Lend the copy again from now, as its rule allows: not past its renewals, not while
    others wait for the title. A reader may renew their own loans; librarians any at their
    library (and override the refusal)."""
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("copy__title", "library__site", "rule", "person")
        .get(pk=loan.pk)
    )
    if not _own_person(actor, loan.person):
        _require(actor, LEND, "renew others' loans")
        _require_library(actor, loan.library)
    if loan.status != LoanStatus.OUT:
        raise Refused(
            [f"This loan is {loan.get_status_display().lower()}; only a book out is renewed."],
            overridable=False,
        )
    problems = _renewal_problems(loan)
    if problems and not override:
        raise Refused(problems, overridable=actor.has_perm(OVERRIDE))
    if problems and not actor.has_perm(OVERRIDE):
        raise PermissionDenied("Your role does not renew past the loan rules.")
    if loan.rule is None:
        raise Refused(["The loan's rule no longer exists; check it out again."], overridable=False)
    try:
        when = rules.due(loan.rule, calendar_for(loan.library.site_id), timezone.now())
    except rules.NoDueDate as error:
        raise Refused([str(error)], overridable=False) from None
    if when.at <= loan.due_at:
        raise Refused(
            [f"Renewing would not give more time: it is due {loan.due_on:%a %-d %b} either way."],
            overridable=False,
        )
    changes = audit.apply_changes(
        loan, {"due_on": when.on, "due_at": when.at, "renewals": loan.renewals + 1}
    )
    if problems:
        loan.override = f"Renewed anyway: {' '.join(problems)}"[:300]
    loan.save(update_fields=["due_on", "due_at", "renewals", "override"])
    audit.record(
        actor=actor,
        obj=loan,
        verb=AuditVerb.UPDATED,
        site=loan.library.site,
        changes=changes,
        message=f"Renewed{' (overridden)' if problems else ''}",
    )
    return loan


def renew_all(*, actor, person) -> list[tuple[Loan, str | None]]:
    """Renew each of the person's books out: (loan, None) for each renewed, (loan, why
    not) for each refused. Each renewal stands on its own."""
    results = []
    loans = Loan.objects.filter(person=person, status=LoanStatus.OUT).select_related("copy")
    for loan in loans.order_by("due_at", "pk"):
        try:
            results.append((renew(actor=actor, loan=loan), None))
        except (Conflict, PermissionDenied) as error:
            results.append((loan, str(error)))
    return results


@transaction.atomic
def claim_returned(*, actor, loan: Loan) -> Loan:
    """The reader says they brought it back: the loan stops counting as overdue until the
    copy turns up (checked in) or is given up as lost."""
    _require(actor, RETURN, "record returns")
    loan = (
        Loan.objects.select_for_update(of=("self",)).select_related("library__site").get(pk=loan.pk)
    )
    _require_library(actor, loan.library)
    changes = _set_loan_status(loan, LoanStatus.CLAIMED_RETURNED)
    loan.save(update_fields=["status"])
    audit.record(
        actor=actor,
        obj=loan,
        verb=AuditVerb.STATUS_CHANGED,
        site=loan.library.site,
        changes=changes,
    )
    return loan


@transaction.atomic
def hold_place(*, actor, person, title: Title, library: Library) -> Hold:
    """Put `person` in the queue for `title` at `library`. Readers place their own holds;
    librarians place them for anyone at their library."""
    if _own_person(actor, person):
        _require(actor, "library.search_catalog", "place holds")
    else:
        _require(actor, "library.add_hold", "place holds for others")
        _require_library(actor, library)
    copies = Copy.objects.filter(title=title, library=library).exclude(
        status__in=[CopyStatus.WITHDRAWN, CopyStatus.LOST]
    )
    copy = copies.order_by("pk").first()
    if copy is None:
        raise Refused([f"{library.name} has no copy of “{title.title}”."], overridable=False)
    if Hold.objects.filter(person=person, title=title, status__in=ACTIVE_HOLD_STATUSES).exists():
        raise Refused([f"{person} already has a hold on “{title.title}”."], overridable=False)
    if Loan.objects.filter(person=person, copy__title=title, status__in=OUT_STATUSES).exists():
        raise Refused([f"{person} already has “{title.title}” out."], overridable=False)
    _, rule = rules.rule_for_copy(person, copy)
    if rule is None or not rule.holds_allowed or rule.max_holds == 0:
        kind = copy.get_circulation_type_display().lower()
        raise Refused(
            [f"Holds are not taken on {kind}s for {person}."],
            overridable=False,
        )
    held = Hold.objects.filter(person=person, status__in=ACTIVE_HOLD_STATUSES).count()
    if held >= rule.max_holds:
        raise Refused(
            [f"{person} has {held} of {rule.max_holds} holds: the limit is reached."],
            overridable=False,
        )
    hold = Hold(title=title, library=library, person=person)
    hold.full_clean()
    hold.save()
    audit.record(
        actor=actor,
        obj=hold,
        verb=AuditVerb.CREATED,
        site=library.site,
        changes={"person": [None, str(person)], "library": [None, library.name]},
    )
    return hold


def _release(actor, hold: Hold, status: str, now, note: str, *, reshelve: bool = True) -> None:
    """End a hold; a copy it had on the hold shelf goes to the next reader or the shelf."""
    copy = hold.copy if hold.status == HoldStatus.READY and reshelve else None
    changes = _set_hold_status(hold, status, now)
    hold.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor,
        obj=hold,
        verb=AuditVerb.STATUS_CHANGED,
        site=hold.library.site,
        changes=changes,
        message=note,
    )
    if copy is not None:
        copy = _locked_copy(copy)
        if copy.status == CopyStatus.ON_HOLD_SHELF:
            _shelve(actor, copy, now)


@transaction.atomic
def hold_cancel(*, actor, hold: Hold) -> Hold:
    hold = (
        Hold.objects.select_for_update(of=("self",)).select_related("library__site").get(pk=hold.pk)
    )
    if not _own_person(actor, hold.person):
        _require(actor, "library.change_hold", "cancel others' holds")
        _require_library(actor, hold.library)
    if hold.status not in ACTIVE_HOLD_STATUSES:
        raise Conflict(f"This hold is already {hold.get_status_display().lower()}.")
    _release(actor, hold, HoldStatus.CANCELLED, timezone.now(), "Cancelled")
    return hold


def holds_expire() -> str:
    """The sweep: holds uncollected past their last day on the shelf expire, each copy
    going to the next reader waiting. Each hold in its own transaction."""
    today = timezone.localdate()
    due = Hold.objects.filter(status=HoldStatus.READY, expires_on__lt=today).values_list(
        "pk", flat=True
    )
    expired = 0
    for pk in list(due):
        with transaction.atomic():
            hold = (
                Hold.objects.select_for_update(of=("self",))
                .select_related("library__site", "copy")
                .filter(pk=pk, status=HoldStatus.READY)
                .first()
            )
            if hold is None:
                continue
            _release(None, hold, HoldStatus.EXPIRED, timezone.now(), "Not collected in time")
            expired += 1
    return f"{expired} hold{'' if expired == 1 else 's'} expired"


RULE_FIELDS = [
    "library",
    "patron_type",
    "circulation_type",
    "loan_unit",
    "loan_length",
    "ceiling",
    "max_items",
    "renewals",
    "holds_allowed",
    "max_holds",
    "grace_days",
    "fine_per_day",
    "fine_cap",
    "lost_after_days",
    "charge_replacement",
]


@transaction.atomic
def loan_rule_save(*, actor, rule: LoanRule | None = None, data: dict) -> LoanRule:
    """Add a row to the loan rules matrix or change one: one row per library, patron type
    and circulation type. A library's row is its librarians'; district rows the admin's."""
    _require(actor, "library.change_loanrule", "change loan rules")
    creating = rule is None
    rule = LoanRule() if creating else LoanRule.objects.select_for_update().get(pk=rule.pk)
    touched = [data.get("library", rule.library)] + ([] if creating else [rule.library])
    for library in touched:
        if library is not None:
            _require_library(actor, library)
        elif not actor.sees_all_sites:
            raise PermissionDenied("Only the district changes the rows for any library.")
    changes = audit.apply_changes(rule, {name: data[name] for name in RULE_FIELDS if name in data})
    if not creating and not changes:
        return rule
    same = LoanRule.objects.filter(
        library=rule.library,
        patron_type=rule.patron_type,
        circulation_type=rule.circulation_type,
    ).exclude(pk=rule.pk)
    if same.exists():
        raise ValidationError("The matrix already has a row for this library, reader and item.")
    rule.updated_at = timezone.now()
    rule.full_clean()
    rule.save()
    audit.record(
        actor=actor,
        obj=rule,
        verb=AuditVerb.CREATED if creating else AuditVerb.UPDATED,
        site=rule.library.site if rule.library else None,
        changes=changes,
    )
    return rule
