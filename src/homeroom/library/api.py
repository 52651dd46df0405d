"""The library in the API: the catalog searched with the same filter as its pages (cursor
paginated), a title with its copies, a copy by its barcode, and MARC export; circulation:
check-out, check-in, renewals, holds (placed and cancelled), a reader's loans, a library's
overdue list, damaged copies and the loan rules; stocktakes: start, scan, close. MARC
import goes through core's /api/v1/imports with kind "marc"."""

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from homeroom.core.access import requires
from homeroom.core.schemas import Id
from homeroom.library import (
    circulation,
    circulation_selectors,
    export,
    overdues,
    selectors,
    stocktake,
)
from homeroom.library.choices import OPEN_LOAN_STATUSES
from homeroom.library.filters import TitleFilter
from homeroom.library.models import Copy, Hold, Library, Loan, LoanRule
from homeroom.library.schemas import (
    CopyLookupOut,
    LibraryDamagedIn,
    LibraryDamagedOut,
    LibraryHoldIn,
    LibraryHoldOut,
    LibraryLoanIn,
    LibraryLoanOut,
    LibraryLoanPage,
    LibraryLoanRuleOut,
    LibraryOverdueOut,
    LibraryReturnIn,
    LibraryReturnOut,
    LibraryStocktakeIn,
    LibraryStocktakeOut,
    LibraryStocktakeScanIn,
    LibraryStocktakeScanOut,
    LibraryTitleDetailOut,
    LibraryTitlePage,
    LibraryTitlePageIn,
)
from homeroom.library.search import best_first, words
from homeroom.people.selectors import people_for

router = Router(tags=["Library"])

SEARCH = "library.search_catalog"
EXPORTS = {
    "mrc": (export.marc_bytes, "application/marc"),
    "xml": (export.marcxml_bytes, "application/marcxml+xml"),
}


def _copy(copy: Copy) -> dict:
    return {
        "id": copy.pk,
        "barcode": copy.barcode,
        "library_id": copy.library.site_id,
        "library": copy.library.name,
        "call_number": copy.call_number,
        "location": copy.location,
        "collection": copy.collection,
        "copy_number": copy.copy_number,
        "circulation_type": copy.circulation_type,
        "status": copy.status,
    }


def _title(title) -> dict:
    return {
        "id": title.pk,
        "title": title.title,
        "subtitle": title.subtitle,
        "authors": [name for name in title.authors.split("; ") if name],
        "isbns": title.isbn_list,
        "year": title.year,
        "publisher": title.publisher,
        "series": title.series,
        "material_type": title.material_type,
        "call_number": title.call_number,
        "dewey": title.dewey,
        "lexile": title.lexile,
        "lexile_label": title.lexile_label,
        "ar_level": title.ar_level,
        "ar_points": title.ar_points,
        "interest_grade": title.interest_grade,
        "status": title.status,
        "copies": title.copy_count,
        "available": title.available_count,
    }


def _cursor(text: str | None) -> dict:
    """A cursor is opaque to callers: base64 of where the last page ended."""
    if not text:
        return {}
    try:
        position = json.loads(base64.urlsafe_b64decode(text.encode("ascii") + b"==="))
    except (ValueError, UnicodeError, binascii.Error):
        position = None
    valid = isinstance(position, dict) and (
        (isinstance(position.get("offset"), int) and 0 <= position["offset"] <= 10**9)
        or (
            isinstance(position.get("title"), str)
            and isinstance(position.get("id"), int)
            and 0 <= position["id"] <= 2**63 - 1
        )
    )
    if not valid:
        raise ValidationError({"cursor": "Not a cursor this list gave; start again without it."})
    return position


def _encode(position: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


@router.get("/library/titles", response=LibraryTitlePage)
@requires(SEARCH)
def list_library_titles(
    request,
    filters: Query[TitleFilter],
    page: Query[LibraryTitlePageIn],
):
    """The catalog, filtered as on its pages. With words in `q` the best matches come first
    (the cursor then counts results); otherwise titles come in title order, and the cursor
    is where the last page ended, so pages stay right while the catalog changes."""
    position, limit = _cursor(page.cursor), page.limit
    titles = selectors.with_copy_counts(filters.filter(selectors.titles_for(request.auth)))
    if filters.q and words(filters.q):
        if "title" in position:
            raise ValidationError({"cursor": "Not a cursor of this search; start again."})
        start = position.get("offset", 0)
        found = list(best_first(titles, filters.q)[start : start + limit + 1])
        more = len(found) > limit
        following = {"offset": start + limit}
    else:
        if "offset" in position:
            raise ValidationError({"cursor": "Not a cursor of this list; start again."})
        titles = titles.order_by("title", "pk")
        if position:
            titles = titles.filter(
                Q(title__gt=position["title"]) | Q(title=position["title"], pk__gt=position["id"])
            )
        found = list(titles[: limit + 1])
        more = len(found) > limit
        following = {"title": found[limit - 1].title, "id": found[limit - 1].pk} if more else {}
    return {
        "items": [_title(title) for title in found[:limit]],
        "next_cursor": _encode(following) if more else None,
    }


@router.get("/library/titles/export")
@requires(selectors.VIEW)
def export_library_titles(request, filters: Query[TitleFilter], format: str = "mrc"):
    """What the filter finds as MARC, streamed: `mrc` (MARC21, UTF-8) or `xml` (MARCXML),
    each copy an 852; with `library`, only that library's copies."""
    if format not in EXPORTS:
        raise ValidationError({"format": "Give mrc or xml."})
    write, content_type = EXPORTS[format]
    titles = filters.filter(selectors.titles_for(request.auth))
    library = None
    if filters.library:
        library = Library.objects.filter(site_id=filters.library).first()
    response = StreamingHttpResponse(write(titles, library=library), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="catalog.{format}"'
    return response


@router.get("/library/titles/{int:title_id}", response=LibraryTitleDetailOut)
@requires(SEARCH)
def get_library_title(request, title_id: Id):
    """A title with its copies (withdrawn ones only for those who keep the catalog)."""
    titles = selectors.with_copy_counts(selectors.titles_for(request.auth))
    title = get_object_or_404(titles, pk=title_id)
    copies = selectors.copies_of(request.auth, title)
    return {
        **_title(title),
        "responsibility": title.responsibility,
        "edition": title.edition,
        "subjects": [name for name in title.subjects.split("; ") if name],
        "summary": title.summary,
        "language": title.language,
        "copy_list": [_copy(copy) for copy in copies],
    }


@router.get("/library/copies/by-barcode/{barcode}", response=CopyLookupOut)
@requires("library.view_copy")
def get_library_copy_by_barcode(request, barcode: str):
    """The copy with this barcode, as a scanner reads it."""
    text = "".join(barcode.split())
    if not text or len(text) > 40 or "\x00" in text:
        raise ValidationError({"barcode": "Give a barcode of at most 40 characters."})
    copy = get_object_or_404(
        selectors.copies_for(request.auth).select_related("library", "title"), barcode=text
    )
    return {**_copy(copy), "title": {"id": copy.title_id, "title": copy.title.title}}


def _refused(request, refused: circulation.Refused):
    """409 with every reason; `overridable` says whether `override` would lend it."""
    from homeroom.api import error

    return error(
        request,
        409,
        "overridable" if refused.overridable else "refused",
        str(refused),
        {"reasons": refused.reasons},
    )


def _loan(loan: Loan) -> dict:
    return {
        "id": loan.pk,
        "barcode": loan.copy.barcode,
        "title_id": loan.copy.title_id,
        "title": loan.copy.title.title,
        "library": loan.library.name,
        "person_id": loan.person_id,
        "status": loan.status,
        "checked_out_at": loan.checked_out_at,
        "due_on": loan.due_on,
        "due_at": loan.due_at,
        "renewals": loan.renewals,
        "returned_at": loan.returned_at,
        "override": loan.override,
    }


def _hold(hold: Hold) -> dict:
    return {
        "id": hold.pk,
        "title_id": hold.title_id,
        "title": hold.title.title,
        "library": hold.library.name,
        "person_id": hold.person_id,
        "status": hold.status,
        "placed_at": hold.placed_at,
        "expires_on": hold.expires_on,
    }


def _copy_by_barcode(user, text: str) -> Copy:
    barcode = "".join(text.split())
    if not barcode or "\x00" in barcode:
        raise ValidationError({"barcode": "Give the copy's barcode."})
    return get_object_or_404(
        selectors.copies_for(user).select_related("library__site", "title"), barcode=barcode
    )


@router.post("/library/loans", response={201: LibraryLoanOut})
@requires(circulation.LEND)
def check_out_library_copy(request, payload: LibraryLoanIn):
    """Check a copy out to a reader under the loan rule that applies. A refusal is a 409
    whose code is `overridable` (a librarian may send it again with `override`) or
    `refused`, with every reason in `fields.reasons`."""
    copy = _copy_by_barcode(request.auth, payload.barcode)
    person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
    try:
        loan = circulation.check_out(
            actor=request.auth, copy=copy, person=person, override=payload.override
        )
    except circulation.Refused as refused:
        return _refused(request, refused)
    return Status(201, _loan(loan))


@router.post("/library/returns", response=LibraryReturnOut)
@requires(circulation.RETURN)
def check_in_library_copy(request, payload: LibraryReturnIn):
    """A copy back at a desk: its loan ends; it is set aside for the next hold, goes in
    transit to its own library, or back on the shelf."""
    copy = _copy_by_barcode(request.auth, payload.barcode)
    library = None
    if payload.library_id is not None:
        library = get_object_or_404(
            selectors.libraries_for(request.auth), site_id=payload.library_id
        )
    done = circulation.check_in(actor=request.auth, copy=copy, library=library)
    return {
        "barcode": copy.barcode,
        "loan": _loan(done.loan) if done.loan else None,
        "hold": _hold(done.hold) if done.hold else None,
        "in_transit_to": done.in_transit_to.name if done.in_transit_to else None,
        "copy_status": done.copy.status,
    }


@router.post("/library/loans/{int:loan_id}/renew", response=LibraryLoanOut)
@requires(circulation.LEND)
def renew_library_loan(request, loan_id: Id, override: bool = False):
    """Lend it again from now, as its rule allows (409 with the reasons when not)."""
    loan = get_object_or_404(circulation_selectors.loans_for(request.auth), pk=loan_id)
    try:
        loan = circulation.renew(actor=request.auth, loan=loan, override=override)
    except circulation.Refused as refused:
        return _refused(request, refused)
    return _loan(loan)


@router.get("/library/people/{int:person_id}/loans", response=LibraryLoanPage)
@requires("library.view_loan")
def list_library_loans_of_person(
    request, person_id: Id, page: Query[LibraryTitlePageIn], open_only: bool = True
):
    """A reader's loans at the libraries of your schools, newest first (with `open_only`
    false, returned ones too, as far as the district keeps loan history)."""
    person = get_object_or_404(people_for(request.auth), pk=person_id)
    position = _cursor(page.cursor)
    if "title" in position:
        raise ValidationError({"cursor": "Not a cursor of this list; start again."})
    loans = circulation_selectors.loans_for(request.auth).filter(person=person)
    if open_only:
        loans = loans.filter(status__in=OPEN_LOAN_STATUSES)
    start = position.get("offset", 0)
    found = list(loans.order_by("-checked_out_at", "-pk")[start : start + page.limit + 1])
    more = len(found) > page.limit
    return {
        "items": [_loan(loan) for loan in found[: page.limit]],
        "next_cursor": _encode({"offset": start + page.limit}) if more else None,
    }


@router.post("/library/holds", response={201: LibraryHoldOut})
@requires(SEARCH)
def place_library_hold(request, payload: LibraryHoldIn):
    """Join the queue for a title at a library: for yourself, or (librarians) for a
    reader."""
    title = get_object_or_404(selectors.titles_for(request.auth), pk=payload.title_id)
    library = get_object_or_404(Library, site_id=payload.library_id)
    if payload.person_id is None:
        person = circulation_selectors.own_person(request.auth)
        if person is None:
            raise ValidationError(
                {"person_id": "Your account has no roster record; name the reader."}
            )
    else:
        person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
    try:
        hold = circulation.hold_place(
            actor=request.auth, person=person, title=title, library=library
        )
    except circulation.Refused as refused:
        return _refused(request, refused)
    return Status(201, _hold(hold))


@router.post("/library/holds/{int:hold_id}/cancel", response=LibraryHoldOut)
@requires(SEARCH)
def cancel_library_hold(request, hold_id: Id):
    """Cancel a hold: your own, or (librarians) any at your libraries. A copy it had on the
    hold shelf goes to the next reader waiting."""
    person = circulation_selectors.own_person(request.auth)
    holds = circulation_selectors.holds_for(request.auth)
    if person is not None:
        holds = holds | Hold.objects.filter(person=person)
    hold = get_object_or_404(holds.select_related("title", "library"), pk=hold_id)
    hold = circulation.hold_cancel(actor=request.auth, hold=hold)
    hold.refresh_from_db()
    return _hold(hold)


@router.post("/library/damaged", response=LibraryDamagedOut)
@requires(circulation.RETURN)
def mark_library_copy_damaged(request, payload: LibraryDamagedIn):
    """A copy found damaged: a loan it is on ends, the copy comes off the shelf as damaged,
    and (with `charge`) its reader is charged its replacement cost under Fees."""
    copy = _copy_by_barcode(request.auth, payload.barcode)
    copy, charge = overdues.copy_damaged(
        actor=request.auth, copy=copy, charge=payload.charge, note=payload.note
    )
    return {
        "barcode": copy.barcode,
        "copy_status": copy.status,
        "charge_id": charge.pk if charge else None,
        "amount": charge.amount if charge else None,
    }


@router.get("/library/libraries/{int:library_id}/overdue", response=list[LibraryOverdueOut])
@requires("library.view_loan")
def list_library_overdue(request, library_id: Id):
    """A library's overdue books (still out or given up as lost), grouped as the printed
    list is: by homeroom teacher, then students without a homeroom, then staff.
    `library_id` is the library's site id."""
    library = get_object_or_404(Library.objects.select_related("site"), site_id=library_id)
    groups = circulation_selectors.overdue_by_homeroom(request.auth, library, timezone.localdate())
    return [
        {
            **_loan(loan),
            "days_overdue": loan.days_overdue,
            "reader": str(loan.person),
            "grade": loan.person.grade,
            "homeroom": group.label,
            "teachers": group.teachers,
        }
        for group in groups
        for loan in group.loans
    ]


@router.get("/library/loan-rules", response=list[LibraryLoanRuleOut])
@requires("library.view_loanrule")
def list_library_loan_rules(request):
    """The loan rules matrix; the most specific matching row wins."""
    return [
        {
            **{name: getattr(rule, name) for name in circulation.RULE_FIELDS[3:]},
            "id": rule.pk,
            "library_id": rule.library.site_id if rule.library else None,
            "patron_type": rule.patron_type.code if rule.patron_type else None,
            "circulation_type": rule.circulation_type or None,
        }
        for rule in LoanRule.objects.select_related("library", "patron_type")
    ]


def _stocktake(counted) -> dict:
    counts = stocktake.counts(counted)
    return {
        "id": counted.pk,
        "library_id": counted.library.site_id,
        "library": counted.library.name,
        "call_number_from": counted.call_number_from,
        "call_number_to": counted.call_number_to,
        "status": counted.status,
        "started_at": counted.started_at,
        "closed_at": counted.closed_at,
        "expected": counts["expected"],
        "found": counts["found"],
        "not_found": stocktake.missing(counted).count(),
        "scans": counts["scans"],
        "misplaced": counts["misplaced"],
    }


@router.post("/library/stocktakes", response={201: LibraryStocktakeOut})
@requires(stocktake.START)
def start_library_stocktake(request, payload: LibraryStocktakeIn):
    """Start counting a library's shelves (or a range of call numbers): the copies on them
    now are frozen as those expected."""
    library = get_object_or_404(selectors.libraries_for(request.auth), site_id=payload.library_id)
    counted = stocktake.stocktake_start(
        actor=request.auth,
        library=library,
        call_number_from=payload.call_number_from,
        call_number_to=payload.call_number_to,
    )
    return Status(201, _stocktake(counted))


@router.get("/library/stocktakes/{int:stocktake_id}", response=LibraryStocktakeOut)
@requires(stocktake.VIEW)
def get_library_stocktake(request, stocktake_id: Id):
    """A stocktake with its counts so far."""
    return _stocktake(get_object_or_404(stocktake.stocktakes_for(request.auth), pk=stocktake_id))


@router.post("/library/stocktakes/{int:stocktake_id}/scans", response=LibraryStocktakeScanOut)
@requires(stocktake.WORK)
def scan_library_stocktake(request, stocktake_id: Id, payload: LibraryStocktakeScanIn):
    """Count one barcode. A copy found checked out is checked in on the spot; a barcode
    counted before counts once (`repeated`)."""
    counted = get_object_or_404(stocktake.stocktakes_for(request.auth), pk=stocktake_id)
    done = stocktake.stocktake_scan(actor=request.auth, stocktake=counted, barcode=payload.barcode)
    return {
        "barcode": done.scan.barcode,
        "outcome": done.scan.outcome,
        "repeated": done.repeated,
        "message": done.text,
        "copy_id": done.scan.copy_id,
        "title": done.scan.copy.title.title if done.scan.copy else None,
    }


@router.post("/library/stocktakes/{int:stocktake_id}/close", response=LibraryStocktakeOut)
@requires(stocktake.WORK)
def close_library_stocktake(request, stocktake_id: Id, mark_missing: bool = False):
    """Stop counting; with `mark_missing`, the copies not found are marked missing too."""
    counted = get_object_or_404(stocktake.stocktakes_for(request.auth), pk=stocktake_id)
    counted = stocktake.stocktake_close(actor=request.auth, stocktake=counted)
    if mark_missing:
        stocktake.stocktake_mark_missing(actor=request.auth, stocktake=counted)
    return _stocktake(counted)
