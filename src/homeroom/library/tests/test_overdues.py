"""Overdue and lost books: the sweep that gives copies up as lost and charges them, a lost
book coming back, fines on return, damaged at the desk and the overdue notices."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.core.registry import registry
from homeroom.core.sweeps import run_sweeps
from homeroom.fees.choices import ChargeStatus
from homeroom.fees.models import Charge, FeeReason
from homeroom.fees.services import charge_waive, payment_record
from homeroom.library import charges, circulation, overdues
from homeroom.library.choices import CopyStatus, LoanStatus, LoanUnit
from homeroom.library.models import CatalogSettings, Copy, Loan, LoanRule
from homeroom.library.tests import circulation_data as data

MONDAY = data.MONDAY

pytestmark = pytest.mark.usefixtures("frozen")


def district_rule() -> LoanRule:
    return LoanRule.objects.get(library=None, patron_type=None, circulation_type="")


def set_rule(users, **data) -> LoanRule:
    return circulation.loan_rule_save(
        actor=users[roles.DISTRICT_ADMIN], rule=district_rule(), data=data
    )


def lent(librarian, copy, person, *, due_days_ago: int | None = None) -> Loan:
    loan = circulation.check_out(actor=librarian, copy=copy, person=person)
    if due_days_ago is not None:
        due = MONDAY - datetime.timedelta(days=due_days_ago)
        Loan.objects.filter(pk=loan.pk).update(due_on=due)
        loan.refresh_from_db()
    return loan


def loan_charges(loan: Loan):
    return Charge.objects.filter(source_id=loan.pk, source_type__model="loan").order_by("pk")


def test_the_library_sweeps_are_registered():
    names = [job.name for job in registry.sweeps]
    assert {"Library holds", "Library lost books", "Library overdue notices"} <= set(names)
    assert names.index("Library lost books") < names.index("Library overdue notices")


def test_the_sweep_gives_up_a_long_overdue_book_as_lost_and_charges_it_once(
    librarian, copies, readers, library
):
    long_gone = lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    just_under = lent(librarian, copies[1], readers["leo"], due_days_ago=60)

    lines = run_sweeps()

    assert "Library lost books: 1 book given up as lost" in lines
    long_gone.refresh_from_db()
    assert long_gone.status == LoanStatus.LOST
    assert long_gone.lost_at == timezone.now()
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.LOST
    (charge,) = loan_charges(long_gone)
    assert charge.person == readers["maya"]
    assert charge.amount == Decimal("18.50")
    assert charge.site == library.site
    assert charge.reason.name == "Lost library book"
    assert charge.source == long_gone
    assert "61 days" in charge.note
    assert Loan.objects.get(pk=just_under.pk).status == LoanStatus.OUT
    assert AuditEvent.objects.filter(object_id=str(long_gone.pk), message__contains="Lost").exists()

    # Twice (the sweep runs every few minutes): nothing more is lost or charged.
    assert overdues.lost_sweep() == "0 books given up as lost"
    assert loan_charges(long_gone).count() == 1
    assert Charge.objects.count() == 1


def test_without_a_replacement_cost_the_schedule_amount_is_charged(
    librarian, copies, readers, users
):
    Copy.objects.filter(pk=copies[0].pk).update(replacement_cost=None, price=None)
    FeeReason.objects.create(name="Lost library book", category="library", default_amount="25")
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=90)
    overdues.lost_sweep()
    assert loan_charges(loan).get().amount == Decimal("25.00")


def test_rules_that_do_not_charge_or_never_give_up(librarian, copies, readers, users, library):
    set_rule(users, charge_replacement=False, lost_after_days=10)
    uncharged = lent(librarian, copies[0], readers["maya"], due_days_ago=11)
    never = circulation.loan_rule_save(
        actor=librarian, data={"library": library, "patron_type": None, "lost_after_days": 0}
    )
    kept = lent(librarian, copies[1], readers["maya"], due_days_ago=400)
    assert kept.rule == never

    assert overdues.lost_sweep() == "1 book given up as lost"

    assert Loan.objects.get(pk=uncharged.pk).status == LoanStatus.LOST
    assert Loan.objects.get(pk=kept.pk).status == LoanStatus.OUT
    assert not Charge.objects.exists()


def test_a_switched_off_schedule_line_charges_nothing(librarian, copies, readers):
    charges.reason(charges.LOST)
    FeeReason.objects.filter(name=charges.LOST).update(is_active=False)
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    overdues.lost_sweep()
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.LOST
    assert not Charge.objects.exists()


def test_claimed_returned_loans_are_not_given_up(librarian, copies, readers):
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=100)
    circulation.claim_returned(actor=librarian, loan=loan)
    overdues.lost_sweep()
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.CLAIMED_RETURNED


def test_a_lost_book_that_comes_back_cancels_its_charge(librarian, copies, readers):
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    overdues.lost_sweep()

    done = circulation.check_in(actor=librarian, copy=copies[0])

    assert done.loan.status == LoanStatus.RETURNED
    assert done.copy.status == CopyStatus.AVAILABLE
    charge = loan_charges(loan).get()
    assert charge.status == ChargeStatus.WAIVED
    assert charge.balance == Decimal("0.00")
    assert charge.waivers.get().reason == "The lost book came back."
    assert "It was lost." in done.notes
    assert "Its lost-book charge of $18.50 is cancelled." in done.notes


def test_a_partly_paid_lost_book_that_comes_back_waives_the_rest(librarian, copies, readers):
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    overdues.lost_sweep()
    charge = loan_charges(loan).get()
    payment_record(
        actor=librarian, person=readers["maya"], amount="5", method="cash", charges=[charge]
    )

    done = circulation.check_in(actor=librarian, copy=copies[0])

    charge.refresh_from_db()
    assert (charge.paid, charge.waived, charge.balance) == (
        Decimal("5.00"),
        Decimal("13.50"),
        Decimal("0.00"),
    )
    assert "$5.00 was already paid for it: the office gives it back." in done.notes


def test_a_lost_book_returned_at_another_school_still_cancels_its_charge(
    copies, readers, other_library, make_user, sites, librarian
):
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    overdues.lost_sweep()
    south = make_user("south_librarian", roles.LIBRARIAN, sites=[sites[1]])

    done = circulation.check_in(actor=south, copy=copies[0], library=other_library)

    assert done.in_transit_to == copies[0].library
    charge = loan_charges(loan).get()
    assert charge.status == ChargeStatus.WAIVED
    assert charge.waivers.get().waived_by is None


def test_a_waived_lost_charge_stays_as_it_was(librarian, copies, readers):
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    overdues.lost_sweep()
    charge_waive(actor=librarian, charge=loan_charges(loan).get(), reason="Family moved")
    done = circulation.check_in(actor=librarian, copy=copies[0])
    assert loan_charges(loan).get().waivers.count() == 1
    assert not any("cancelled" in note for note in done.notes)


@pytest.fixture
def fines(users):
    return set_rule(users, fine_per_day=Decimal("0.25"), grace_days=1, fine_cap=Decimal("1.00"))


def test_books_are_fine_free_by_default(librarian, copies, readers, time_machine):
    loan = lent(librarian, copies[0], readers["maya"])
    time_machine.move_to(timezone.now() + datetime.timedelta(days=40))
    circulation.check_in(actor=librarian, copy=copies[0])
    assert not loan_charges(loan).exists()


def test_a_late_return_is_fined_per_school_day_after_grace(
    librarian, copies, readers, fines, time_machine
):
    loan = lent(librarian, copies[0], readers["maya"])
    assert loan.due_on == datetime.date(2026, 11, 16)
    # Friday 20 November: 17, 18, 19 and 20 late, less one day's grace.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=18))

    done = circulation.check_in(actor=librarian, copy=copies[0])

    fine = loan_charges(loan).get()
    assert fine.amount == Decimal("0.75")
    assert fine.reason.name == "Library overdue fine"
    assert fine.person == readers["maya"]
    assert "A fine of $0.75 for 3 days late." in done.notes


def test_on_time_or_within_grace_is_not_fined(librarian, copies, readers, fines, time_machine):
    on_time = lent(librarian, copies[0], readers["maya"])
    graced = lent(librarian, copies[1], readers["maya"])
    time_machine.move_to(timezone.now() + datetime.timedelta(days=14))
    circulation.check_in(actor=librarian, copy=copies[0])
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))  # Tuesday 17th
    circulation.check_in(actor=librarian, copy=copies[1])
    assert not loan_charges(on_time).exists()
    assert not loan_charges(graced).exists()


def test_calendar_day_rules_fine_calendar_days_up_to_the_cap(
    librarian, copies, readers, users, time_machine
):
    set_rule(
        users,
        loan_unit=LoanUnit.DAYS,
        loan_length=14,
        fine_per_day=Decimal("0.10"),
        fine_cap=Decimal("0.50"),
    )
    short = lent(librarian, copies[0], readers["maya"])
    long = lent(librarian, copies[1], readers["maya"])
    assert short.due_on == datetime.date(2026, 11, 16)
    # Sunday 22nd: six calendar days late, weekend included.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=20))
    circulation.check_in(actor=librarian, copy=copies[0])
    time_machine.move_to(timezone.now() + datetime.timedelta(days=30))
    circulation.check_in(actor=librarian, copy=copies[1])
    assert loan_charges(short).get().amount == Decimal("0.50")
    assert loan_charges(long).get().amount == Decimal("0.50")
    set_rule(users, fine_cap=Decimal("0.00"))
    short.rule.refresh_from_db()
    assert charges.fine_amount(short, datetime.date(2026, 11, 22)) == Decimal("0.60")


def test_a_claimed_return_that_turns_up_is_not_fined(
    librarian, copies, readers, fines, time_machine
):
    loan = lent(librarian, copies[0], readers["maya"])
    time_machine.move_to(timezone.now() + datetime.timedelta(days=30))
    circulation.claim_returned(actor=librarian, loan=loan)
    circulation.check_in(actor=librarian, copy=copies[0])
    assert not loan_charges(loan).exists()


def test_a_lost_book_back_is_fined_for_its_days_late_and_its_charge_cancelled(
    librarian, copies, readers, fines
):
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    overdues.lost_sweep()
    circulation.check_in(actor=librarian, copy=copies[0])
    lost, fine = loan_charges(loan)
    assert lost.status == ChargeStatus.WAIVED
    assert (fine.reason.name, fine.amount, fine.status) == (
        "Library overdue fine",
        Decimal("1.00"),
        ChargeStatus.OPEN,
    )


def test_damaged_at_the_desk_ends_the_loan_and_charges_the_reader(librarian, copies, readers):
    loan = lent(librarian, copies[0], readers["maya"])

    copy, made = overdues.copy_damaged(actor=librarian, copy=copies[0], note="Water damage")

    assert copy.status == CopyStatus.DAMAGED
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.DAMAGED
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED
    assert loan.person is None  # library privacy: the loan forgets its reader
    charge = loan_charges(loan).get()
    assert (charge.reason.name, charge.amount, charge.person) == (
        "Damaged library book",
        Decimal("18.50"),
        readers["maya"],
    )
    assert "Water damage" in charge.note
    assert made == charge
    assert AuditEvent.objects.filter(
        object_id=str(loan.pk), message="Returned damaged: Water damage"
    ).exists()
    assert AuditEvent.objects.filter(object_id=str(copy.pk), message="Water damage").exists()


def test_damaged_without_a_charge_or_on_the_shelf(librarian, copies, readers):
    lent(librarian, copies[0], readers["maya"])
    overdues.copy_damaged(actor=librarian, copy=copies[0], charge=False)
    _, made = overdues.copy_damaged(actor=librarian, copy=copies[1])
    assert made is None
    assert not Charge.objects.exists()
    assert Copy.objects.get(pk=copies[1].pk).status == CopyStatus.DAMAGED
    with pytest.raises(Conflict, match="already damaged"):
        overdues.copy_damaged(actor=librarian, copy=copies[1])


@pytest.mark.parametrize("who", ["teacher", "south librarian"])
def test_damaged_is_refused_to_a_teacher_and_another_schools_librarian(
    who, librarian, copies, readers, users, make_user, sites
):
    loan = lent(librarian, copies[0], readers["maya"])
    actor = (
        users[roles.TEACHER]
        if who == "teacher"
        else make_user("south_librarian", roles.LIBRARIAN, sites=[sites[1]])
    )
    with pytest.raises(PermissionDenied):
        overdues.copy_damaged(actor=actor, copy=copies[0])
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.OUT
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.CHECKED_OUT
    assert not Charge.objects.exists()


def test_overdue_notices_go_once_per_reader_every_few_days(
    librarian, copies, readers, time_machine
):
    first = lent(librarian, copies[0], readers["maya"], due_days_ago=3)
    second = lent(librarian, copies[1], readers["maya"], due_days_ago=1)
    lent(librarian, copies[2], readers["maya"])  # not due yet
    lent(librarian, copies[3], readers["leo"], due_days_ago=5)  # no address

    assert overdues.notices_send() == "1 overdue notice mailed"

    (message,) = mail.outbox
    assert message.to == ["maya@example.org"]
    assert message.subject == "2 library books are overdue"
    assert "“Holes” (T00001)" in message.body
    assert "3 days ago" in message.body and "1 day ago" in message.body
    assert "Hatchet" not in message.body
    noticed = Loan.objects.filter(noticed_at__isnull=False)
    assert set(noticed.values_list("pk", flat=True)) == {first.pk, second.pk}

    assert overdues.notices_send() == "0 overdue notices mailed"
    time_machine.move_to(timezone.now() + datetime.timedelta(days=6))
    assert overdues.notices_send() == "0 overdue notices mailed"
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))
    assert overdues.notices_send() == "1 overdue notice mailed"
    assert len(mail.outbox) == 2


def test_overdue_notices_can_be_switched_off(librarian, copies, readers):
    lent(librarian, copies[0], readers["maya"], due_days_ago=3)
    CatalogSettings(pk=1, overdue_notice_days=0).save()
    assert overdues.notices_send() == "0 overdue notices mailed"
    assert not mail.outbox


def test_a_notice_the_mail_server_refuses_is_tried_again(librarian, copies, readers, settings):
    loan = lent(librarian, copies[0], readers["maya"], due_days_ago=3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert overdues.notices_send() == "0 overdue notices mailed"
    assert Loan.objects.get(pk=loan.pk).noticed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert overdues.notices_send() == "1 overdue notice mailed"


def test_a_book_given_up_as_lost_gets_no_overdue_notice(librarian, copies, readers):
    lent(librarian, copies[0], readers["maya"], due_days_ago=61)
    lines = run_sweeps()
    assert "Library overdue notices: 0 overdue notices mailed" in lines
    assert not mail.outbox
