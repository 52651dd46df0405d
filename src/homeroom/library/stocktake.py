"""Stocktake (inventory): the writes and reads of counting a library's shelves.

Starting one freezes the copies expected on the shelves (checked-out, lost, withdrawn,
held and in-transit copies left out); each scan says what the barcode was; closing leaves
the expected copies nobody found, which the librarian marks missing in one action. Scans
of one stocktake take its row lock, so a barcode scanned by two people at once counts
once. Only librarians of the library's school (or whoever works at every site) may start,
scan, close and mark; starting, closing and marking are audited, and each scan records who
scanned it and when (a copy checked in or found again is audited by its own service)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.selectors import sites_for
from homeroom.library import circulation, services
from homeroom.library.choices import (
    MISPLACED_OUTCOMES,
    OFF_SHELF_STATUSES,
    OPEN_LOAN_STATUSES,
    STOCKTAKE_TRANSITIONS,
    CopyStatus,
    ScanOutcome,
    StocktakeStatus,
)
from homeroom.library.models import (
    Copy,
    Library,
    Loan,
    Stocktake,
    StocktakeItem,
    StocktakeScan,
)

VIEW = "library.view_stocktake"
START = "library.add_stocktake"
WORK = "library.change_stocktake"
BATCH = 2000
# Copy statuses a copy nobody found may leave for "missing"; the others are not on the
# shelf for a reason the library already knows.
MARKABLE = [CopyStatus.AVAILABLE]


def _allowed(actor, permission: str, what: str, library: Library) -> None:
    services._require(actor, permission, what)
    services._require_library(actor, library)


def _in_range(copies: QuerySet[Copy], first: str, last: str) -> QuerySet[Copy]:
    """Call numbers from `first` to `last`, both counted; `last` takes every call number
    that starts with it (to 599 takes 599.7 OWL)."""
    if first:
        copies = copies.filter(call_number__gte=first)
    if last:
        copies = copies.filter(Q(call_number__lte=last) | Q(call_number__startswith=last))
    return copies


@transaction.atomic
def stocktake_start(
    *, actor, library: Library, call_number_from: str = "", call_number_to: str = ""
) -> Stocktake:
    """Start counting `library` (or the call numbers from one to another): the copies on
    its shelves by its own record are frozen as those expected."""
    _allowed(actor, START, "start stocktakes", library)
    first, last = call_number_from.strip(), call_number_to.strip()
    for name, value in (("call_number_from", first), ("call_number_to", last)):
        if len(value) > 100 or "\x00" in value:
            raise ValidationError({name: "Give a call number of at most 100 characters."})
    if first and last and first > last and not last.startswith(first):
        raise ValidationError(
            {"call_number_to": "The last call number comes before the first; swap them."}
        )
    locked = Library.objects.select_for_update().get(pk=library.pk)
    overlapping = Stocktake.objects.filter(library=locked, status=StocktakeStatus.OPEN)
    if not first and not last and overlapping.exists():
        raise Conflict(f"A stocktake of {library.name} is already under way: close it first.")
    if overlapping.filter(call_number_from="", call_number_to="").exists():
        raise Conflict(
            f"The whole of {library.name} is being counted already: scan in that stocktake."
        )
    stocktake = Stocktake(
        library=library,
        call_number_from=first,
        call_number_to=last,
        started_by=actor,
        started_at=timezone.now(),
    )
    stocktake.full_clean()
    stocktake.save()
    expected = _in_range(
        Copy.objects.filter(library=library).exclude(status__in=OFF_SHELF_STATUSES), first, last
    ).values_list("pk", flat=True)
    ids = list(expected.order_by("pk"))
    for start in range(0, len(ids), BATCH):
        StocktakeItem.objects.bulk_create(
            [StocktakeItem(stocktake=stocktake, copy_id=pk) for pk in ids[start : start + BATCH]]
        )
    stocktake.expected_count = len(ids)
    stocktake.save(update_fields=["expected_count"])
    audit.record(
        actor=actor,
        obj=stocktake,
        verb=AuditVerb.CREATED,
        site=library.site,
        changes={"expected": [None, len(ids)]},
        message=f"Stocktake started{f' of {stocktake.range_label}' if first or last else ''}",
    )
    return stocktake


@dataclass
class Scanned:
    """What a scan was, for the scanning page to say."""

    scan: StocktakeScan
    repeated: bool = False
    hold: object = None

    @property
    def text(self) -> str:
        scan = self.scan
        name = f"{scan.copy.title.title} ({scan.barcode})" if scan.copy else scan.barcode
        if self.repeated:
            return f"✓ {name} was already counted."
        said = {
            ScanOutcome.FOUND: f"✓ {name} found.",
            ScanOutcome.CHECKED_IN: f"✓ {name} was checked out: checked in now.",
            ScanOutcome.NOT_EXPECTED: f"⚠ {name} is not on this stocktake's list: shelve it "
            "where its call number says.",
            ScanOutcome.OTHER_LIBRARY: f"↪ {name} belongs to "
            f"{scan.copy.library.name if scan.copy else 'another library'}: put it in the "
            "transit bin.",
            ScanOutcome.UNKNOWN: f"✗ No copy has the barcode “{scan.barcode}”.",
        }[ScanOutcome(scan.outcome)]
        return f"{said} {scan.note}".strip()

    @property
    def ok(self) -> bool:
        return self.scan.outcome in (ScanOutcome.FOUND, ScanOutcome.CHECKED_IN)


def _locked(stocktake: Stocktake) -> Stocktake:
    return (
        Stocktake.objects.select_for_update(of=("self",))
        .select_related("library__site")
        .get(pk=stocktake.pk)
    )


@transaction.atomic
def stocktake_scan(*, actor, stocktake: Stocktake, barcode: str) -> Scanned:
    """Count one barcode: found (a copy on the list, or a missing one found again, which
    goes back on the shelf), found checked out (checked in on the spot), not on the list,
    another library's, or unknown. A barcode already counted counts once."""
    text = "".join(barcode.split())
    if not text or len(text) > 40 or "\x00" in text:
        raise ValidationError({"barcode": "Scan a barcode of at most 40 characters."})
    stocktake = _locked(stocktake)
    _allowed(actor, WORK, "count stocktakes", stocktake.library)
    if stocktake.status != StocktakeStatus.OPEN:
        raise Conflict("This stocktake is closed: start another to count again.")
    earlier = (
        StocktakeScan.objects.select_related("copy__title", "copy__library")
        .filter(stocktake=stocktake, barcode=text)
        .first()
    )
    if earlier is not None:
        return Scanned(earlier, repeated=True)
    copy = Copy.objects.select_related("title", "library__site").filter(barcode=text).first()
    scan = StocktakeScan(
        stocktake=stocktake, barcode=text, copy=copy, scanned_by=actor, scanned_at=timezone.now()
    )
    result = Scanned(scan)
    if copy is None:
        scan.outcome = ScanOutcome.UNKNOWN
    elif copy.library_id != stocktake.library_id:
        scan.outcome = ScanOutcome.OTHER_LIBRARY
    else:
        expected = StocktakeItem.objects.filter(stocktake=stocktake, copy=copy).exists()
        lent = Loan.objects.filter(copy=copy, status__in=OPEN_LOAN_STATUSES).exists()
        if lent or copy.status in (CopyStatus.CHECKED_OUT, CopyStatus.LOST, CopyStatus.MISSING):
            done = circulation.check_in(actor=actor, copy=copy, library=stocktake.library)
            copy = done.copy
            scan.copy = copy
            if done.loan is not None:
                scan.outcome = ScanOutcome.CHECKED_IN
                scan.note = " ".join(done.notes)
            else:
                scan.outcome = ScanOutcome.FOUND if expected else ScanOutcome.NOT_EXPECTED
                scan.note = "It was listed as missing: back on the shelf."
            if done.hold is not None:
                result.hold = done.hold
                scan.note = f"{scan.note} Put it on the hold shelf for {done.hold.person}.".strip()
        elif expected:
            scan.outcome = ScanOutcome.FOUND
        else:
            scan.outcome = ScanOutcome.NOT_EXPECTED
            if copy.status != CopyStatus.AVAILABLE:
                scan.note = f"It is listed as {copy.get_status_display().lower()}."
    scan.note = scan.note[:300]
    scan.full_clean()
    scan.save()
    return result


def missing(stocktake: Stocktake) -> QuerySet[StocktakeItem]:
    """The expected copies nobody scanned that are still not off the shelf for a known
    reason (a copy lent during the count is not missing), in shelf order."""
    scanned = StocktakeScan.objects.filter(stocktake=OuterRef("stocktake"), copy=OuterRef("copy"))
    return (
        stocktake.items.filter(~Exists(scanned))
        .exclude(copy__status__in=OFF_SHELF_STATUSES)
        .select_related("copy__title")
        .order_by("copy__call_number", "copy__barcode")
    )


def misplaced(stocktake: Stocktake) -> QuerySet[StocktakeScan]:
    return (
        stocktake.scans.filter(outcome__in=MISPLACED_OUTCOMES)
        .select_related("copy__title", "copy__library")
        .order_by("outcome", "barcode")
    )


def counts(stocktake: Stocktake) -> dict:
    """Scans by outcome, and the copies expected, found and still to find: two queries."""
    by_outcome = dict(
        stocktake.scans.order_by()
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    scanned = StocktakeScan.objects.filter(stocktake=OuterRef("stocktake"), copy=OuterRef("copy"))
    found = stocktake.items.filter(Exists(scanned)).count()
    return {
        "expected": stocktake.expected_count,
        "found": found,
        "to_find": stocktake.expected_count - found,
        "scans": sum(by_outcome.values()),
        "outcomes": [(outcome, by_outcome.get(outcome.value, 0)) for outcome in ScanOutcome],
        "checked_in": by_outcome.get(ScanOutcome.CHECKED_IN, 0),
        "misplaced": sum(by_outcome.get(outcome, 0) for outcome in MISPLACED_OUTCOMES),
        "unknown": by_outcome.get(ScanOutcome.UNKNOWN, 0),
    }


def _set_status(stocktake: Stocktake, status: str) -> dict:
    if status not in STOCKTAKE_TRANSITIONS[StocktakeStatus(stocktake.status)]:
        raise Conflict(
            f"This stocktake is {stocktake.get_status_display().lower()}; it cannot become "
            f"{StocktakeStatus(status).label.lower()}."
        )
    return audit.apply_changes(stocktake, {"status": status})


@transaction.atomic
def stocktake_close(*, actor, stocktake: Stocktake) -> Stocktake:
    """Stop counting: what was not found is listed as missing (not yet marked)."""
    stocktake = _locked(stocktake)
    _allowed(actor, WORK, "close stocktakes", stocktake.library)
    changes = _set_status(stocktake, StocktakeStatus.CLOSED)
    stocktake.closed_by, stocktake.closed_at = actor, timezone.now()
    stocktake.save(update_fields=["status", "closed_by", "closed_at"])
    left = missing(stocktake).count()
    audit.record(
        actor=actor,
        obj=stocktake,
        verb=AuditVerb.STATUS_CHANGED,
        site=stocktake.library.site,
        changes=changes,
        message=f"{left} cop{'y' if left == 1 else 'ies'} not found",
    )
    return stocktake


@transaction.atomic
def stocktake_mark_missing(*, actor, stocktake: Stocktake) -> int:
    """Mark every copy a closed stocktake did not find, and which is still on the shelf by
    the library's record, as missing (each through the copy's lifecycle). Returns how many."""
    stocktake = _locked(stocktake)
    _allowed(actor, WORK, "mark copies missing", stocktake.library)
    services._require(actor, "library.change_copy", "change copies")
    if stocktake.status != StocktakeStatus.CLOSED:
        raise Conflict("Close the stocktake first: scans may still find these copies.")
    marked = 0
    note = f"Not found in the stocktake started {stocktake.started_at:%-d %b %Y}"
    for item in missing(stocktake).filter(copy__status__in=MARKABLE):
        services.copy_set_status(actor=actor, copy=item.copy, status=CopyStatus.MISSING, note=note)
        marked += 1
    stocktake.missing_marked_at = timezone.now()
    stocktake.missing_marked += marked
    stocktake.save(update_fields=["missing_marked_at", "missing_marked"])
    audit.record(
        actor=actor,
        obj=stocktake,
        verb=AuditVerb.UPDATED,
        site=stocktake.library.site,
        changes={"missing_marked": [None, marked]},
        message=f"Marked {marked} cop{'y' if marked == 1 else 'ies'} missing",
    )
    return marked


def stocktakes_for(user) -> QuerySet[Stocktake]:
    """The stocktakes of the libraries of the user's schools."""
    if not user.is_authenticated or not user.has_perm(VIEW):
        return Stocktake.objects.none()
    found = Stocktake.objects.select_related("library__site", "started_by", "closed_by")
    if user.sees_all_sites:
        return found
    return found.filter(library__site__in=sites_for(user))


def require_view(user, stocktake: Stocktake) -> None:
    if not stocktakes_for(user).filter(pk=stocktake.pk).exists():
        raise PermissionDenied("You do not work at this library's school.")
