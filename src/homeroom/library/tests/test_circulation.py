"""Loan rules, check-out and check-in, renewals and holds, through the services the desk,
the API and the sweeps call."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeroom.core import roles
from homeroom.core.calendar import BusinessCalendar, calendar_for, district_zone
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.fees.models import FeePolicy, FeeReason
from homeroom.fees.services import charge_create
from homeroom.library import circulation, rules
from homeroom.library.choices import CirculationType, CopyStatus, HoldStatus, LoanStatus, LoanUnit
from homeroom.library.models import CatalogSettings, Copy, Hold, Loan, LoanRule, PatronType
from homeroom.library.tests import circulation_data as data

MONDAY = data.MONDAY

pytestmark = pytest.mark.usefixtures("frozen")


def district_rule() -> LoanRule:
    return LoanRule.objects.get(library=None, patron_type=None, circulation_type="")


def test_patron_types_come_from_the_roster_grade_bands(readers):
    assert rules.patron_type_for(readers["maya"]).code == "3-5"
    assert rules.patron_type_for(readers["leo"]).code == "k-2"
    assert rules.patron_type_for(readers["ana"]).code == "6-8"
    assert rules.patron_type_for(readers["teacher"]).code == "staff"


def test_the_most_specific_row_wins(librarian, library, other_library, copies, readers):
    grades_3_5 = PatronType.objects.get(code="3-5")
    save = circulation.loan_rule_save
    any_3_5 = save(actor=librarian, data={"library": library, "patron_type": grades_3_5})
    equipment = save(
        actor=librarian, data={"library": library, "circulation_type": CirculationType.EQUIPMENT}
    )
    exact = save(
        actor=librarian,
        data={
            "library": library,
            "patron_type": grades_3_5,
            "circulation_type": CirculationType.EQUIPMENT,
            "loan_unit": LoanUnit.HOURS,
            "loan_length": 3,
        },
    )
    book, laptop = copies[0], copies[1]
    Copy.objects.filter(pk=laptop.pk).update(circulation_type=CirculationType.EQUIPMENT)
    laptop.refresh_from_db()
    assert rules.rule_for_copy(readers["maya"], book)[1] == any_3_5
    assert rules.rule_for_copy(readers["maya"], laptop)[1] == exact
    assert rules.rule_for_copy(readers["ana"], laptop)[1] == equipment
    assert rules.rule_for_copy(readers["ana"], book)[1] == district_rule()
    # Another library's copies fall to the district's row.
    assert rules.rule_for(other_library, grades_3_5, "book") == district_rule()
    # A reader's row before an item's, as in Koha; the district's last.
    assert [row.pk for row in rules.candidates(library, grades_3_5, "equipment")] == [
        exact.pk,
        any_3_5.pk,
        equipment.pk,
        district_rule().pk,
    ]


def test_a_row_is_once_in_the_matrix_and_only_at_the_librarians_libraries(
    librarian, library, other_library
):
    circulation.loan_rule_save(actor=librarian, data={"library": library, "max_items": 2})
    with pytest.raises(ValidationError, match="already has a row"):
        circulation.loan_rule_save(actor=librarian, data={"library": library})
    with pytest.raises(PermissionDenied):
        circulation.loan_rule_save(actor=librarian, data={"library": other_library})
    with pytest.raises(PermissionDenied, match="Only the district"):
        circulation.loan_rule_save(actor=librarian, rule=district_rule(), data={"max_items": 9})
    assert district_rule().max_items == 5


def test_school_days_skip_weekends_and_closed_days(sites, thanksgiving):
    rule = LoanRule(loan_unit=LoanUnit.OPEN_DAYS, loan_length=5)
    calendar = calendar_for(sites[0])
    start = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=district_zone())  # a Friday
    when = rules.due(rule, calendar, start)
    # Mon 23, Tue 24, (Thanksgiving Wed-Fri, weekend), Mon 30, Tue 1, Wed 2.
    assert when.on == datetime.date(2026, 12, 2)
    assert when.at == datetime.datetime(2026, 12, 2, 16, 0, tzinfo=district_zone())
    calendar_days = LoanRule(loan_unit=LoanUnit.DAYS, loan_length=5)
    # Five days from Friday 20 is Wednesday 25, closed: due the next school day.
    assert rules.due(calendar_days, calendar, start).on == datetime.date(2026, 11, 30)


def test_the_ceiling_caps_the_due_date_to_its_last_school_day(sites):
    calendar = calendar_for(sites[0])
    start = datetime.datetime(2027, 6, 1, 9, 0, tzinfo=district_zone())
    rule = LoanRule(loan_length=10, ceiling=datetime.date(2027, 6, 6))  # a Sunday
    when = rules.due(rule, calendar, start)
    assert (when.on, when.capped) == (datetime.date(2027, 6, 4), True)
    # Last year's ceiling does not apply.
    rule.ceiling = datetime.date(2026, 6, 4)
    assert rules.due(rule, calendar, start).on == datetime.date(2027, 6, 15)
    # On the last day itself after closing, nothing can be due any more.
    rule.ceiling = datetime.date(2027, 6, 4)
    late = datetime.datetime(2027, 6, 4, 17, 0, tzinfo=district_zone())
    with pytest.raises(rules.NoDueDate, match="closed for the last time"):
        rules.due(rule, calendar, late)


def test_hours_count_only_while_the_school_is_open(sites):
    calendar = calendar_for(sites[0])
    rule = LoanRule(loan_unit=LoanUnit.HOURS, loan_length=3)
    start = datetime.datetime(2026, 11, 6, 14, 30, tzinfo=district_zone())  # Friday
    when = rules.due(rule, calendar, start)
    assert when.at == datetime.datetime(2026, 11, 9, 9, 0, tzinfo=district_zone())


closed_runs = st.lists(st.tuples(st.integers(0, 120), st.integers(0, 12)), max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offset=st.integers(0, 100),
    hour=st.integers(0, 23),
    unit=st.sampled_from(LoanUnit.values),
    length=st.integers(1, 60),
    ceiling_after=st.one_of(st.none(), st.integers(-5, 150)),
    closed=closed_runs,
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
)
def test_no_loan_is_due_on_a_closed_day_or_after_the_ceiling(
    offset, hour, unit, length, ceiling_after, closed, weekdays
):
    base = datetime.date(2026, 8, 17)
    dates = {
        base + datetime.timedelta(days=first + n) for first, days in closed for n in range(days)
    }
    calendar = BusinessCalendar(
        weekdays=weekdays,
        opens_at=datetime.time(7, 30),
        closes_at=datetime.time(16, 0),
        closed_dates=frozenset(dates),
        zone=district_zone(),
    )
    today = base + datetime.timedelta(days=offset)
    start = datetime.datetime.combine(today, datetime.time(hour), tzinfo=district_zone())
    ceiling = None if ceiling_after is None else today + datetime.timedelta(days=ceiling_after)
    rule = LoanRule(loan_unit=unit, loan_length=length, ceiling=ceiling)
    try:
        when = rules.due(rule, calendar, start)
    except rules.NoDueDate:
        assert ceiling is not None and ceiling >= today
        return
    assert calendar.is_school_day(when.on)
    assert when.at > start and when.at.astimezone(district_zone()).date() == when.on
    if ceiling is not None and ceiling >= today:
        assert when.on <= ceiling


def test_check_out_and_in_with_due_date_and_history(librarian, copies, readers, thanksgiving):
    loan = circulation.check_out(actor=librarian, copy=copies[0], person=readers["maya"])
    # Ten school days from Monday 2 November: 3-6, 9-13, 16.
    assert loan.due_on == datetime.date(2026, 11, 16)
    assert (loan.patron_type.code, loan.grade, loan.rule) == ("3-5", "04", district_rule())
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.CHECKED_OUT
    result = circulation.check_in(actor=librarian, copy=copies[0])
    loan.refresh_from_db()
    assert (loan.status, result.reader, result.hold, result.in_transit_to) == (
        LoanStatus.RETURNED,
        "Maya Reader",
        None,
        None,
    )
    # Library privacy: the returned loan forgets its reader; the counts stay.
    assert loan.person is None and loan.grade == "04"
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.AVAILABLE
    verbs = AuditEvent.objects.filter(content_type__model="loan", object_id=loan.pk)
    assert sorted(verbs.values_list("verb", flat=True)) == ["checked_in", "checked_out"]
    with pytest.raises(Conflict, match="was not checked out"):
        circulation.check_in(actor=librarian, copy=copies[0])


def test_history_is_kept_when_the_district_says_so(librarian, copies, readers):
    CatalogSettings(pk=1, keep_loan_history=True).save()
    loan = circulation.check_out(actor=librarian, copy=copies[0], person=readers["maya"])
    circulation.check_in(actor=librarian, copy=copies[0])
    loan.refresh_from_db()
    assert loan.person == readers["maya"]


def test_refusals_say_why_and_an_override_is_recorded(librarian, library, copies, readers):
    circulation.loan_rule_save(actor=librarian, data={"library": library, "max_items": 2})
    maya = readers["maya"]
    circulation.check_out(actor=librarian, copy=copies[0], person=maya)
    circulation.check_out(actor=librarian, copy=copies[1], person=maya)
    with pytest.raises(circulation.Refused, match="has 2 of 2 books out") as refused:
        circulation.check_out(actor=librarian, copy=copies[2], person=maya)
    assert refused.value.overridable
    assert Copy.objects.get(pk=copies[2].pk).status == CopyStatus.AVAILABLE
    loan = circulation.check_out(actor=librarian, copy=copies[2], person=maya, override=True)
    assert "limit is reached" in loan.override
    event = AuditEvent.objects.get(content_type__model="loan", object_id=loan.pk)
    assert event.message.startswith("Overridden: Maya Reader has 2 of 2")
    # Someone else's book is not lent past: it must come back first.
    with pytest.raises(circulation.Refused, match="checked out to another reader") as refused:
        circulation.check_out(actor=librarian, copy=copies[0], person=readers["leo"], override=True)
    assert not refused.value.overridable
    Copy.objects.filter(pk=copies[3].pk).update(circulation_type=CirculationType.REFERENCE)
    with pytest.raises(circulation.Refused, match=r"Reference \(not for loan\) is not for loan"):
        circulation.check_out(actor=librarian, copy=copies[3], person=readers["leo"])


def test_unpaid_fees_block_when_the_district_turned_that_on(librarian, copies, readers, users):
    reason = FeeReason.objects.create(name="Lost book", category="library", default_amount="30")
    charge_create(actor=users[roles.DISTRICT_ADMIN], person=readers["leo"], reason=reason)
    circulation.check_out(actor=librarian, copy=copies[0], person=readers["leo"])
    FeePolicy.objects.create(pk=1, block_check_out=True, block_above=Decimal("25.00"))
    with pytest.raises(circulation.Refused, match=r"unpaid fees of \$30.00, more than"):
        circulation.check_out(actor=librarian, copy=copies[1], person=readers["leo"])


def test_only_librarians_at_the_copys_school_lend_it(users, copies, readers, other_library):
    with pytest.raises(PermissionDenied):
        circulation.check_out(actor=users[roles.TEACHER], copy=copies[0], person=readers["maya"])
    Copy.objects.filter(pk=copies[0].pk).update(library=other_library)
    with pytest.raises(PermissionDenied, match="do not work at South High"):
        circulation.check_out(actor=users[roles.LIBRARIAN], copy=copies[0], person=readers["maya"])
    assert not Loan.objects.exists()


def test_a_copy_of_another_library_goes_in_transit_and_arrives(
    librarian, users, copies, readers, other_library
):
    admin = users[roles.DISTRICT_ADMIN]
    Copy.objects.filter(pk=copies[0].pk).update(library=other_library)
    circulation.check_out(actor=admin, copy=copies[0], person=readers["ana"])
    result = circulation.check_in(
        actor=librarian, copy=copies[0], library=data.library_for_site(librarian)
    )
    assert result.in_transit_to == other_library
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.IN_TRANSIT
    circulation.check_in(actor=admin, copy=copies[0])
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.AVAILABLE


def test_renewals_as_the_rule_allows(librarian, library, copies, readers, time_machine, frozen):
    circulation.loan_rule_save(actor=librarian, data={"library": library, "renewals": 1})
    loan = circulation.check_out(actor=librarian, copy=copies[0], person=readers["maya"])
    time_machine.move_to(frozen + datetime.timedelta(days=7), tick=False)
    loan = circulation.renew(actor=librarian, loan=loan)
    assert (loan.renewals, loan.due_on) == (1, datetime.date(2026, 11, 23))
    with pytest.raises(circulation.Refused, match="renewed 1 of 1 times"):
        circulation.renew(actor=librarian, loan=loan)
    results = circulation.renew_all(actor=librarian, person=readers["maya"])
    assert [text for _, text in results] == ["T00001 has been renewed 1 of 1 times."]


def test_a_reader_renews_their_own_book_unless_someone_waits(
    librarian, library, copies, readers, make_user, sites, time_machine, frozen
):
    maya_account = make_user("maya", roles.STUDENT, sites=[sites[0]])
    readers["maya"].user = maya_account
    readers["maya"].save()
    loan = circulation.check_out(actor=librarian, copy=copies[0], person=readers["maya"])
    time_machine.move_to(frozen + datetime.timedelta(days=3), tick=False)
    circulation.hold_place(
        actor=librarian, person=readers["leo"], title=copies[0].title, library=library
    )
    with pytest.raises(circulation.Refused, match="1 reader is waiting") as refused:
        circulation.renew(actor=maya_account, loan=loan)
    assert not refused.value.overridable
    with pytest.raises(PermissionDenied):
        circulation.renew(actor=maya_account, loan=loan, override=True)
    assert circulation.renew(actor=librarian, loan=loan, override=True).renewals == 1


def test_a_returned_copy_fills_the_first_hold_and_mails_its_reader(
    librarian, library, copies, readers, django_capture_on_commit_callbacks
):
    title = copies[0].title
    circulation.check_out(actor=librarian, copy=copies[0], person=readers["ana"])
    first = circulation.hold_place(
        actor=librarian, person=readers["maya"], title=title, library=library
    )
    second = circulation.hold_place(
        actor=librarian, person=readers["leo"], title=title, library=library
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = circulation.check_in(actor=librarian, copy=copies[0])
    assert result.hold == first
    first.refresh_from_db()
    assert (first.status, first.copy, first.expires_on) == (
        HoldStatus.READY,
        copies[0],
        datetime.date(2026, 11, 9),
    )
    assert Copy.objects.get(pk=copies[0].pk).status == CopyStatus.ON_HOLD_SHELF
    assert [message.to for message in mail.outbox] == [["maya@example.org"]]
    assert "waiting for you at North Elementary Library" in mail.outbox[0].subject
    # Someone else is refused the book on the hold shelf; Maya gets it.
    with pytest.raises(circulation.Refused, match="on the hold shelf for Maya Reader"):
        circulation.check_out(actor=librarian, copy=copies[0], person=readers["leo"])
    circulation.check_out(actor=librarian, copy=copies[0], person=readers["maya"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (HoldStatus.FULFILLED, HoldStatus.WAITING)


def test_uncollected_holds_expire_and_the_copy_goes_to_the_next(
    librarian, library, copies, readers, time_machine, frozen
):
    title = copies[0].title
    first = circulation.hold_place(
        actor=librarian, person=readers["maya"], title=title, library=library
    )
    second = circulation.hold_place(
        actor=librarian, person=readers["leo"], title=title, library=library
    )
    # Pulled from the shelf for the holds-to-pull list and scanned in.
    circulation.check_in(actor=librarian, copy=copies[0])
    time_machine.move_to(frozen + datetime.timedelta(days=7), tick=False)
    assert circulation.holds_expire() == "0 holds expired"
    time_machine.move_to(frozen + datetime.timedelta(days=8), tick=False)
    assert circulation.holds_expire() == "1 hold expired"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.copy) == (
        HoldStatus.EXPIRED,
        HoldStatus.READY,
        copies[0],
    )


def test_hold_limits_refuse_with_the_reason(librarian, library, copies, readers):
    circulation.loan_rule_save(
        actor=librarian, data={"library": library, "max_holds": 1, "holds_allowed": True}
    )
    maya = readers["maya"]
    circulation.hold_place(actor=librarian, person=maya, title=copies[0].title, library=library)
    with pytest.raises(circulation.Refused, match="already has a hold"):
        circulation.hold_place(actor=librarian, person=maya, title=copies[0].title, library=library)
    with pytest.raises(circulation.Refused, match="has 1 of 1 holds"):
        circulation.hold_place(actor=librarian, person=maya, title=copies[1].title, library=library)
    assert Hold.objects.count() == 1


def _race(racers: int, job) -> list[str]:
    start = threading.Barrier(racers) if racers > 1 else None
    outcomes = []

    def run(n):
        try:
            if start:
                start.wait()
            outcomes.append(job(n))
        except Conflict as error:
            outcomes.append(f"refused: {error}")
        finally:
            if start:
                close_old_connections()
                connection.close()

    if start:
        threads = [threading.Thread(target=run, args=(n,)) for n in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for n in range(2):
            run(n)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_desks_scanning_one_copy_to_two_readers_lend_it_once(librarian, copies, readers):
    """On PostgreSQL the two desks really race (row lock); SQLite's in-memory test database
    cannot be shared between threads, so there they scan one after the other."""
    racers = 2 if connection.vendor == "postgresql" else 1
    people = [readers["maya"], readers["leo"]]

    def lend(n):
        circulation.check_out(actor=librarian, copy=copies[0], person=people[n])
        return "lent"

    outcomes = _race(racers, lend)
    assert outcomes[0] == "lent"
    assert outcomes[1] == "refused: T00001 is checked out to another reader; check it in first."
    assert Loan.objects.filter(copy=copies[0]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_returns_trap_the_last_copy_for_one_hold_once(
    librarian, library, users, titles, readers
):
    racers = 2 if connection.vendor == "postgresql" else 1
    both = [Copy.objects.create(barcode=f"R{n}", title=titles[0], library=library) for n in (1, 2)]
    for copy, reader in zip(both, [readers["ana"], readers["leo"]], strict=True):
        circulation.check_out(actor=librarian, copy=copy, person=reader)
    hold = circulation.hold_place(
        actor=librarian, person=readers["maya"], title=titles[0], library=library
    )

    def give_back(n):
        result = circulation.check_in(actor=librarian, copy=both[n])
        return "trapped" if result.hold else "shelved"

    assert _race(racers, give_back) == ["shelved", "trapped"]
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    statuses = sorted(
        Copy.objects.filter(pk__in=[c.pk for c in both]).values_list("status", flat=True)
    )
    assert statuses == [CopyStatus.AVAILABLE, CopyStatus.ON_HOLD_SHELF]
