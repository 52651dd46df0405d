"""A reader's own side of circulation: "My books" (loans, holds, renewals) and holds placed
from the students' catalog. A reader is the roster record linked to the account."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.exceptions import Conflict
from homeroom.library import circulation, selectors
from homeroom.library.circulation_selectors import active_holds_of, open_loans_of, own_person
from homeroom.library.models import Hold, Library, Loan

SEARCH = "library.search_catalog"


@access(SEARCH)
def my_books(request):
    person = own_person(request.user)
    return render(
        request,
        "library/circulation/my_books.html",
        {
            "person": person,
            "loans": open_loans_of(person) if person else [],
            "holds": active_holds_of(person) if person else [],
            "today": timezone.localdate(),
        },
    )


@access(SEARCH)
@require_POST
def my_loan_renew(request, pk: int):
    person = own_person(request.user)
    loan = get_object_or_404(
        Loan.objects.filter(person=person) if person else Loan.objects.none(), pk=pk
    )
    try:
        loan = circulation.renew(actor=request.user, loan=loan)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, f"Not renewed: {error}")
    else:
        messages.success(request, f"Renewed: due {loan.due_on:%a %-d %b}.")
    return redirect("library:my_books")


@access(SEARCH)
@require_POST
def my_hold_cancel(request, pk: int):
    person = own_person(request.user)
    hold = get_object_or_404(
        Hold.objects.filter(person=person) if person else Hold.objects.none(), pk=pk
    )
    try:
        circulation.hold_cancel(actor=request.user, hold=hold)
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Hold on {hold.title.title} cancelled.")
    return redirect("library:my_books")


@access(SEARCH)
@require_POST
def hold_place(request, pk: int):
    """A reader asks for a book from the catalog, at the library they choose."""
    title = get_object_or_404(selectors.titles_for(request.user), pk=pk)
    person = own_person(request.user)
    if person is None:
        messages.error(
            request,
            "Your account is not linked to a student or staff record, so holds cannot be "
            "placed for you; ask the librarian.",
        )
        return redirect("library:catalog_title", pk=title.pk)
    chosen = request.POST.get("library", "")
    library = (
        Library.objects.filter(pk=chosen).first() if chosen.isdigit() and len(chosen) < 12 else None
    )
    if library is None:
        raise Http404("No such library.")
    try:
        circulation.hold_place(actor=request.user, person=person, title=title, library=library)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, f"No hold placed: {error}")
    else:
        messages.success(
            request,
            f"You are in the queue for {title.title} at {library.name}; you will hear when it "
            "is waiting for you.",
        )
    return redirect("library:catalog_title", pk=title.pk)
