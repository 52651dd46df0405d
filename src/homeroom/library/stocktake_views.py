"""Stocktake pages: the list with a form to start one, the scanning page (built like the
circulation desk: a scan field that keeps focus, or the phone's camera), closing, marking
what was not found missing, and the report with its CSV."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.lists import csv_response
from homeroom.library import selectors, stocktake
from homeroom.library.choices import StocktakeStatus

SESSION_KEY = "homeroom_stocktake_scans"


@access(stocktake.VIEW)
def stocktake_list(request):
    """The stocktakes of the librarian's libraries, newest first, and the form to start
    one for a library or a range of call numbers."""
    stocktakes = list(stocktake.stocktakes_for(request.user)[:50])
    libraries = selectors.libraries_for(request.user).order_by("name")
    return render(
        request,
        "library/stocktake/list.html",
        {
            "stocktakes": stocktakes,
            "libraries": libraries if request.user.has_perm(stocktake.START) else [],
            "given": request.POST,
        },
    )


@access(stocktake.START)
@require_POST
def stocktake_start(request):
    libraries = selectors.libraries_for(request.user)
    wanted = request.POST.get("library", "")
    library = libraries.filter(pk=wanted).first() if wanted.isdigit() and len(wanted) < 12 else None
    if library is None:
        messages.error(request, "Choose the library to count.")
        return redirect("library:stocktake_list")
    try:
        started = stocktake.stocktake_start(
            actor=request.user,
            library=library,
            call_number_from=request.POST.get("call_number_from", "")[:100],
            call_number_to=request.POST.get("call_number_to", "")[:100],
        )
    except (ValidationError, Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
        return redirect("library:stocktake_list")
    messages.success(
        request,
        f"Stocktake started: {started.expected_count} copies expected on the shelves. "
        "Scan each one.",
    )
    return redirect(started)


def _get(request, pk: int):
    return get_object_or_404(stocktake.stocktakes_for(request.user), pk=pk)


@access(stocktake.WORK)
def stocktake_scan(request, pk: int):
    """GET shows the scanning page; each POST is one scanned barcode."""
    counted = _get(request, pk)
    if counted.status != StocktakeStatus.OPEN:
        return redirect("library:stocktake_report", pk=counted.pk)
    result = None
    if request.method == "POST":
        barcode = (request.POST.get("scan") or "").strip()
        try:
            done = stocktake.stocktake_scan(actor=request.user, stocktake=counted, barcode=barcode)
        except (ValidationError, Conflict, PermissionDenied) as error:
            result = {"ok": False, "text": f"✗ {problem_text(error)}"}
        else:
            result = {
                "ok": done.ok,
                "warning": not done.ok and done.scan.outcome != "unknown",
                "text": done.text,
            }
    context = {
        "stocktake": counted,
        "result": result,
        "counts": stocktake.counts(counted),
        "recent": counted.scans.select_related("copy__title", "scanned_by")[:10],
    }
    if request.htmx and request.method == "POST":
        return render(request, "library/stocktake/scan.html#scan-area", context)
    return render(request, "library/stocktake/scan.html", context)


@access(stocktake.WORK)
@require_POST
def stocktake_close(request, pk: int):
    counted = _get(request, pk)
    try:
        stocktake.stocktake_close(actor=request.user, stocktake=counted)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
        return redirect(counted)
    messages.success(request, "Stocktake closed. The copies not found are listed below.")
    return redirect("library:stocktake_report", pk=counted.pk)


@access(stocktake.WORK)
@require_POST
def stocktake_mark_missing(request, pk: int):
    counted = _get(request, pk)
    try:
        marked = stocktake.stocktake_mark_missing(actor=request.user, stocktake=counted)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Marked {marked} cop{'y' if marked == 1 else 'ies'} missing.")
    return redirect("library:stocktake_report", pk=counted.pk)


@access(stocktake.VIEW)
def stocktake_report(request, pk: int):
    """Counts, the copies not found and those found out of place; `export=missing` or
    `export=misplaced` as CSV."""
    counted = _get(request, pk)
    export = request.GET.get("export")
    name = f"stocktake-{counted.pk}-{slugify(counted.library.name)}"
    if export == "missing":
        return csv_response(
            f"{name}-missing.csv",
            ["Barcode", "Title", "Call number", "Location", "Status"],
            (
                [
                    item.copy.barcode,
                    item.copy.title.title,
                    item.copy.call_number,
                    item.copy.location,
                    item.copy.get_status_display(),
                ]
                for item in stocktake.missing(counted).iterator(chunk_size=2000)
            ),
        )
    if export == "misplaced":
        return csv_response(
            f"{name}-misplaced.csv",
            ["Barcode", "Title", "Call number", "What it was", "Its library"],
            (
                [
                    scan.barcode,
                    scan.copy.title.title if scan.copy else "",
                    scan.copy.call_number if scan.copy else "",
                    scan.get_outcome_display(),
                    scan.copy.library.name if scan.copy else "",
                ]
                for scan in stocktake.misplaced(counted)
            ),
        )
    missing = stocktake.missing(counted)
    return render(
        request,
        "library/stocktake/report.html",
        {
            "stocktake": counted,
            "counts": stocktake.counts(counted),
            "missing": list(missing[:500]),
            "missing_total": missing.count(),
            "markable": missing.filter(copy__status__in=stocktake.MARKABLE).count(),
            "misplaced": list(stocktake.misplaced(counted)[:500]),
            "may_work": request.user.has_perm(stocktake.WORK),
        },
    )
