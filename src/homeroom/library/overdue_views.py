"""The librarian's lists of the day: the overdue list per homeroom teacher (printed and
handed out, how school libraries reach students), its CSV, the holds to pull off the
shelves, and a copy checked in damaged at the desk."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.lists import csv_response
from homeroom.fees.services import dollars
from homeroom.library import circulation, circulation_selectors, overdues, selectors
from homeroom.library.choices import LoanStatus
from homeroom.library.circulation_views import _desk_library, _find_copy

EXPORT_HEADER = [
    "Homeroom",
    "Teacher",
    "Reader",
    "Grade",
    "Title",
    "Barcode",
    "Call number",
    "Due",
    "Days overdue",
    "Status",
]


def _library(request):
    libraries = selectors.libraries_for(request.user)
    return libraries, _desk_library(request, libraries)


@access("library.view_loan")
def overdue_list(request):
    """A library's overdue books grouped by homeroom teacher, ready to print."""
    libraries, library = _library(request)
    today = timezone.localdate()
    groups = (
        circulation_selectors.overdue_by_homeroom(request.user, library, today) if library else []
    )
    return render(
        request,
        "library/circulation/overdue_list.html",
        {
            "libraries": libraries,
            "library": library,
            "groups": groups,
            "count": sum(len(group.loans) for group in groups),
            "lost": sum(loan.status == LoanStatus.LOST for group in groups for loan in group.loans),
            "today": today,
        },
    )


@access("library.view_loan")
def overdue_export(request):
    _, library = _library(request)
    today = timezone.localdate()
    groups = (
        circulation_selectors.overdue_by_homeroom(request.user, library, today) if library else []
    )
    rows = (
        [
            group.label,
            "; ".join(group.teachers),
            str(loan.person),
            loan.person.grade_label,
            loan.copy.title.title,
            loan.copy.barcode,
            loan.copy.call_number,
            loan.due_on.isoformat(),
            loan.days_overdue,
            loan.get_status_display(),
        ]
        for group in groups
        for loan in group.loans
    )
    name = f"overdue-{library.site.code.lower() if library else 'none'}-{today.isoformat()}.csv"
    return csv_response(name, EXPORT_HEADER, rows)


@access("library.view_hold")
def holds_to_pull(request):
    """Copies on the shelf that readers wait for, in call number order."""
    libraries, library = _library(request)
    pulls = circulation_selectors.holds_to_pull(request.user, [library]) if library else []
    return render(
        request,
        "library/circulation/holds_to_pull.html",
        {"libraries": libraries, "library": library, "pulls": pulls},
    )


@access(circulation.RETURN)
@require_POST
def desk_damaged(request):
    """Check a book in as damaged: it comes off the shelf and, unless the librarian says
    not to, its reader is charged its replacement cost."""
    scan = (request.POST.get("scan") or "").strip()
    target = f"{reverse('library:desk')}?mode=in"
    copy = _find_copy(request.user, scan) if scan else None
    if copy is None:
        messages.error(request, f"No copy has the barcode “{scan[:40]}”.")
        return redirect(target)
    try:
        _, charge = overdues.copy_damaged(
            actor=request.user,
            copy=copy,
            charge=request.POST.get("charge") != "no",
            note=request.POST.get("note", ""),
        )
    except (Conflict, PermissionDenied) as error:
        messages.error(request, f"Not marked damaged: {problem_text(error)}")
    else:
        said = f"{copy.title.title} ({copy.barcode}) is damaged."
        if charge is not None:
            said += f" {charge.person} is charged {dollars(charge.amount)}."
        messages.success(request, said)
    return redirect(target)
