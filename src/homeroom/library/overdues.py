"""Overdue and lost books: the sweep that gives up a long-overdue copy as lost (and charges
its replacement cost when the rule says so), the overdue notices it mails, and a copy
returned damaged at the desk."""

import datetime
from itertools import groupby

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.fees.models import Charge
from homeroom.library import charges
from homeroom.library.choices import OPEN_LOAN_STATUSES, CopyStatus, LoanStatus
from homeroom.library.circulation import RETURN, _locked_copy, _move_copy, _set_loan_status
from homeroom.library.models import CatalogSettings, Copy, Loan, LoanRule
from homeroom.library.services import _require, _require_library


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def lost_due(today: datetime.date):
    """Loans out for longer past due than their rule's days overdue → lost."""
    spans = set(
        LoanRule.objects.filter(lost_after_days__gt=0).values_list("lost_after_days", flat=True)
    )
    if not spans:
        return Loan.objects.none()
    condition = Q()
    for days in spans:
        condition |= Q(rule__lost_after_days=days, due_on__lt=today - datetime.timedelta(days=days))
    return Loan.objects.filter(condition, status=LoanStatus.OUT)


def _mark_lost(loan_id: int, copy_id: int, now, today) -> bool:
    with transaction.atomic():
        copy = _locked_copy(Copy(pk=copy_id))  # the copy first, as the desk locks them
        loan = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("rule", "person")
            .filter(pk=loan_id, status=LoanStatus.OUT)
            .first()
        )
        if loan is None or loan.rule is None:
            return False
        loan.copy, loan.library = copy, copy.library
        late = (today - loan.due_on).days
        changes = _set_loan_status(loan, LoanStatus.LOST)
        loan.lost_at = now
        loan.save(update_fields=["status", "lost_at"])
        audit.record(
            actor=None,
            obj=loan,
            verb=AuditVerb.STATUS_CHANGED,
            site=copy.library.site,
            changes=changes,
            message=f"Lost: {late} days overdue",
        )
        _move_copy(None, copy, CopyStatus.LOST, note=f"Not returned, {late} days overdue")
        if loan.rule.charge_replacement and loan.person is not None:
            fee = charges.reason(charges.LOST)
            charges.charge(
                None,
                loan,
                loan.person,
                charges.LOST,
                charges.replacement_amount(copy, fee),
                f"{copy.title.title} ({copy.barcode}), not returned {late} days after it was due",
            )
    return True


def lost_sweep() -> str:
    """The sweep: each long-overdue loan in its own transaction. A loan already lost is not
    picked again, and its charge is made once (the charge's source is the loan)."""
    now = timezone.now()
    today = timezone.localdate(now)
    found = lost_due(today).order_by("due_on", "pk").values_list("pk", "copy_id")
    lost = sum(_mark_lost(loan_id, copy_id, now, today) for loan_id, copy_id in list(found))
    return f"{_plural(lost, 'book')} given up as lost"


def notices_due(now):
    """Overdue loans of readers with an address not mailed in the last N days."""
    days = CatalogSettings.current().overdue_notice_days
    if not days:
        return Loan.objects.none()
    return (
        Loan.objects.filter(status=LoanStatus.OUT, due_on__lt=timezone.localdate(now))
        .filter(person__isnull=False, person__is_active=True)
        .exclude(person__email="")
        .filter(Q(noticed_at__isnull=True) | Q(noticed_at__lte=now - datetime.timedelta(days=days)))
    )


def notices_send() -> str:
    """The sweep: one mail per reader listing their overdue books. Each loan is claimed
    (its `noticed_at` set) before the mail goes, so two sweeps at once mail once; a mail
    the server refuses gives the claim back, to try again next time."""
    from homeroom.library import mail

    now = timezone.now()
    loans = notices_due(now).order_by("person_id", "due_on", "pk").values_list("pk", "person_id")
    sent = 0
    for person_id, group in groupby(list(loans), key=lambda row: row[1]):
        wanted = [pk for pk, _ in group]
        with transaction.atomic():
            claimed = list(
                notices_due(now)
                .select_for_update(of=("self",))
                .filter(pk__in=wanted)
                .values_list("pk", "noticed_at")
            )
            Loan.objects.filter(pk__in=[pk for pk, _ in claimed]).update(noticed_at=now)
        if not claimed:
            continue
        if mail.send_overdue_notice(person_id, [pk for pk, _ in claimed]):
            sent += 1
            continue
        with transaction.atomic():
            for pk, before in claimed:
                Loan.objects.filter(pk=pk, noticed_at=now).update(noticed_at=before)
    return f"{_plural(sent, 'overdue notice')} mailed"


@transaction.atomic
def copy_damaged(
    *, actor, copy: Copy, charge: bool = True, note: str = ""
) -> tuple[Copy, Charge | None]:
    """A copy the desk finds damaged: its loan (if it is out) ends, the copy is set aside as
    damaged, and with `charge` its reader is charged its replacement cost. Returns the copy
    and the charge, if one was made."""
    _require(actor, RETURN, "check books in")
    _require(actor, "library.change_copy", "change copies")
    copy = _locked_copy(copy)
    _require_library(actor, copy.library)
    if copy.status in (CopyStatus.DAMAGED, CopyStatus.WITHDRAWN):
        raise Conflict(f"{copy.barcode} is already {copy.get_status_display().lower()}.")
    if copy.status == CopyStatus.ON_HOLD_SHELF:
        raise Conflict(
            f"{copy.barcode} is on the hold shelf for a reader; lend it or cancel the hold first."
        )
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("person", "rule")
        .filter(copy=copy, status__in=OPEN_LOAN_STATUSES)
        .first()
    )
    if charge and loan is not None and loan.person is not None:
        _require(actor, "fees.add_charge", "charge fees")
    made = None
    note = note.strip()[:200]
    if loan is not None:
        loan.copy = copy
        person, was = loan.person, loan.status
        changes = _set_loan_status(loan, LoanStatus.RETURNED)
        loan.returned_at = timezone.now()
        if not CatalogSettings.current().keep_loan_history:
            loan.person = None
        loan.save(update_fields=["status", "returned_at", "person"])
        audit.record(
            actor=actor,
            obj=loan,
            verb=AuditVerb.CHECKED_IN,
            site=copy.library.site,
            changes=changes,
            message="Returned damaged" + (f": {note}" if note else ""),
        )
        if was == LoanStatus.LOST:
            charges.reverse_lost(actor, loan)
        if charge and person is not None:
            fee = charges.reason(charges.DAMAGED)
            amount = charges.replacement_amount(copy, fee)
            made = charges.charge(
                actor,
                loan,
                person,
                charges.DAMAGED,
                amount,
                f"{copy.title.title} ({copy.barcode}) returned damaged"
                + (f": {note}" if note else ""),
            )
    _move_copy(actor, copy, CopyStatus.DAMAGED, note=note or "Damaged")
    return copy, made
