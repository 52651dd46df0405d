"""A day at the library desk: a student checks out books by scanning until the loan rule's
limit refuses one, returns one that someone is waiting for (the slip says for whom, and
the reader's mail reaches a real SMTP server); a book the overdue sweep gave up as lost
shows its charge under Fees, cancelled when the book comes back; then a stocktake of one
shelf finds a copy missing and one out of place."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from playwright.sync_api import expect

from homeroom.core.calendar import calendar_for
from homeroom.library import charges, circulation, overdues, rules
from homeroom.library.choices import (
    ACTIVE_HOLD_STATUSES,
    OFF_SHELF_STATUSES,
    OPEN_LOAN_STATUSES,
    CirculationType,
    CopyStatus,
    LoanStatus,
    LoanUnit,
)
from homeroom.library.models import Copy, Hold, Library, Loan
from homeroom.people.models import Person, User

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def school_day(demo):
    """The next school day at the librarian's school, from 10 am, the clock ticking."""
    librarian = User.objects.get(username="librarian")
    library = Library.objects.filter(site__in=librarian.sites.all()).order_by("pk").first()
    calendar = calendar_for(library.site_id)
    day = calendar.next_school_day(timezone.localdate() + datetime.timedelta(days=1))
    start = datetime.datetime.combine(day, datetime.time(10), ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(start, tick=True):
        yield library


def readers(library):
    """Students of the library's school with nothing out and no holds, oldest first."""
    busy = Loan.objects.filter(person=OuterRef("pk"), status__in=OPEN_LOAN_STATUSES)
    holding = Hold.objects.filter(person=OuterRef("pk"), status__in=ACTIVE_HOLD_STATUSES)
    return (
        Person.objects.filter(kind="student", is_active=True, primary_site=library.site)
        .exclude(identifier="")
        .filter(~Exists(busy), ~Exists(holding))
        .order_by("pk")
    )


def books(library, count):
    """Copies on the shelf of different titles nobody is waiting for."""
    waiting = Hold.objects.filter(
        title=OuterRef("title"), library=library, status__in=ACTIVE_HOLD_STATUSES
    )
    found, titles = [], set()
    copies = (
        Copy.objects.filter(library=library, status=CopyStatus.AVAILABLE)
        .exclude(circulation_type=CirculationType.REFERENCE)
        .filter(~Exists(waiting))
        .select_related("title")
        .order_by("pk")
    )
    for copy in copies:
        if copy.title_id not in titles:
            titles.add(copy.title_id)
            found.append(copy)
        if len(found) == count:
            return found
    raise AssertionError(f"{library} has fewer than {count} books to lend")


def a_shelf(library):
    """A call number that two to four copies on the shelf start with: one short shelf."""
    on_shelf = Copy.objects.filter(library=library).exclude(status__in=OFF_SHELF_STATUSES)
    numbers = sorted(set(on_shelf.exclude(call_number="").values_list("call_number", flat=True)))
    for number in numbers:
        if (
            not number.startswith("5")
            and 2 <= on_shelf.filter(call_number__startswith=number).count() <= 4
        ):
            return number
    raise AssertionError(f"{library} has no short shelf")


def scan(page, barcode):
    """Scan a barcode once the page has put the last scan's result up and emptied the field."""
    field = page.get_by_role("textbox", name="Book barcode")
    expect(field).to_have_value("")
    field.fill(barcode)
    field.press("Enter")


def test_a_day_at_the_library_desk(page, school_day, smtp_server):
    library = school_day
    librarian = User.objects.get(username="librarian")
    student = readers(library).first()
    holder = readers(library).exclude(pk=student.pk).exclude(email="").first()
    first, second, third = books(library, 3)
    patron_type = rules.patron_type_for(student)
    rule = circulation.loan_rule_save(
        actor=librarian,
        data={
            "library": library,
            "patron_type": patron_type,
            "circulation_type": "",
            "loan_unit": LoanUnit.DAYS,
            "loan_length": 7,
            "max_items": 2,
            "lost_after_days": 3,
            "charge_replacement": True,
        },
    )

    # Two books go out; the third is refused with the rule's limit.
    log_in(page, "librarian", next="/library/desk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Circulation desk")
    check_page(page, "library-desk")
    page.get_by_label("Reader's badge or name").fill(student.identifier)
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#person-picker")).to_contain_text(f"Lending to {student}")
    # The reader found, the desk puts the cursor in the barcode field for the first book.
    expect(page.get_by_role("textbox", name="Book barcode")).to_be_focused()
    check_page(page, "library-desk-reader")
    result = page.locator(".scan-result")
    for copy in (first, second):
        scan(page, copy.barcode)
        expect(result).to_contain_text(f"✓ {copy.title.title} checked out to {student}")
    scan(page, third.barcode)
    expect(result).to_contain_text(f"{third.title.title} not checked out")
    expect(result).to_contain_text(f"{student} has 2 of 2 books out: the limit is reached.")
    expect(page.locator(".scan-counts")).to_contain_text("2 done")
    check_page(page, "library-desk-limit")
    loans = Loan.objects.filter(person=student, status=LoanStatus.OUT)
    assert sorted(loans.values_list("copy__barcode", flat=True)) == sorted(
        [first.barcode, second.barcode]
    )
    assert not loans.filter(copy=third).exists() and loans.first().rule == rule

    # Someone else is waiting for the second book; it comes back and is set aside for them.
    circulation.hold_place(actor=librarian, person=holder, title=second.title, library=library)
    page.get_by_role("navigation", name="What the scans do").get_by_role(
        "link", name="Check in"
    ).click()
    expect(page.get_by_text("Scan each returned book; no reader needed.")).to_be_visible()
    check_page(page, "library-desk-check-in")
    scan(page, second.barcode)
    expect(result).to_have_text(f"⚑ {second.title.title}: put it on the hold shelf for {holder}")
    slip = page.get_by_role("region", name="Hold slip")
    expect(slip.get_by_role("heading")).to_have_text(f"Hold for {holder}")
    check_page(page, "library-desk-hold-slip")
    mail = smtp_server.to(holder.email)
    # A long non-ASCII subject is folded onto the next line: unfolded, it starts with a space.
    assert [message["Subject"].strip() for message in mail] == [
        f"“{second.title.title}” is waiting for you at {library.name}"
    ]
    assert "is waiting for you" in mail[0].get_body(preferencelist=("plain",)).get_content()

    # The first book is never returned: past the rule's days the sweep gives it up as lost
    # and charges its replacement cost.
    loan = Loan.objects.get(person=student, copy=first, status=LoanStatus.OUT)
    late = loan.due_on + datetime.timedelta(days=rule.lost_after_days + 1)
    zone = ZoneInfo(settings.TIME_ZONE)
    with time_machine.travel(datetime.datetime.combine(late, datetime.time(6), zone)):
        overdues.lost_sweep()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.LOST
    charge = charges.charges_of(loan, charges.LOST).get()
    assert charge.person == student and charge.balance == charge.amount > 0

    page.goto(f"/fees/?q={student.identifier}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fees")
    row = page.locator("#charge-table tbody tr", has_text=charges.LOST)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(student))
    check_page(page, "fees-lost-library-book")
    page.goto(charge.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(charges.LOST)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Unpaid")
    check_page(page, "fee-lost-library-book")

    # It turns up after all: checked in at the desk, its charge is cancelled.
    page.goto("/library/desk/?mode=in")
    check_page(page, "library-desk-check-in-again")
    scan(page, first.barcode)
    expect(result).to_contain_text(f"✓ {first.title.title} checked in from {student}")
    expect(result).to_contain_text("It was lost.")
    expect(result).to_contain_text("lost-book charge of $")
    expect(result).to_contain_text("is cancelled")
    check_page(page, "library-desk-lost-returned")
    charge.refresh_from_db()
    assert charge.balance == 0
    page.goto(charge.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waived")
    check_page(page, "fee-lost-library-book-waived")

    # A stocktake of one shelf: all but one copy scanned, and one from elsewhere found there.
    shelf = a_shelf(library)
    stray = (
        Copy.objects.filter(library=library, status=CopyStatus.AVAILABLE)
        .exclude(call_number__startswith=shelf)
        .order_by("pk")
        .first()
    )
    page.goto("/library/stocktakes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stocktakes")
    check_page(page, "stocktakes")
    start = page.get_by_role("region", name="Start a stocktake")
    start.get_by_label("Library").select_option(label=library.name)
    start.get_by_label("First call number").fill(shelf)
    start.get_by_label("Last call number").fill(shelf)
    start.get_by_role("button", name="Start the stocktake").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Stocktake: {library.name}")
    expect(page.locator(".flash")).to_contain_text("copies expected on the shelves")
    check_page(page, "stocktake-scanning")
    counted = library.stocktakes.order_by("-pk").first()
    expected = list(
        counted.items.order_by("copy__call_number", "copy__barcode").values_list(
            "copy__barcode", flat=True
        )
    )
    assert 2 <= len(expected) <= 4
    *found, lost = expected
    for barcode in found:
        scan(page, barcode)
        expect(result).to_contain_text(f"({barcode}) found.")
    scan(page, stray.barcode)
    expect(result).to_contain_text(f"({stray.barcode}) is not on this stocktake's list")
    expect(page.locator(".scan-counts")).to_contain_text(f"{len(found)} of {len(expected)} found")
    check_page(page, "stocktake-scanned")
    page.get_by_role("button", name="Close the stocktake").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stocktake report")
    missing = page.get_by_role("region", name="Missing: not found (1)")
    expect(missing.locator("tbody tr")).to_have_count(1)
    expect(missing.locator("tbody tr")).to_contain_text(lost)
    misplaced = page.get_by_role("region", name="Misplaced (1)")
    expect(misplaced.locator("tbody tr")).to_have_count(1)
    expect(misplaced.locator("tbody tr")).to_contain_text(stray.barcode)
    check_page(page, "stocktake-report-shelf")
