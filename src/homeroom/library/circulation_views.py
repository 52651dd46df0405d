"""The circulation desk, built like the devices' scan station: scan a reader's badge (or
type a name), then scan books one after another; or, checking in, scan returns without a
reader. And the loan rules page, which says why a book is due when it is."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.calendar import calendar_for
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.library import circulation, circulation_selectors, rules, selectors
from homeroom.library.choices import LoanUnit
from homeroom.library.circulation_forms import LoanRuleForm
from homeroom.library.models import Copy, LoanRule
from homeroom.people.filters import PersonFilter
from homeroom.people.selectors import people_for

SESSION_KEY = "homeroom_circulation_desk"
LEND = "library.add_loan"


def _state(request) -> dict:
    return request.session.setdefault(SESSION_KEY, {"done": 0, "problems": 0})


def _desk_library(request, libraries):
    chosen = request.POST.get("library") or request.GET.get("library") or ""
    found = libraries.filter(pk=chosen).first() if chosen.isdigit() else None
    return found or libraries.first()


def _find_copy(user, text: str) -> Copy | None:
    barcode = "".join(text.split())
    if not barcode or len(barcode) > 40:
        return None
    return (
        selectors.copies_for(user)
        .select_related("title", "library")
        .filter(barcode=barcode)
        .first()
    )


def _reader(request):
    """The reader the desk is lending to: a badge scan (their local id) or a name typed in
    `who` lists matches; `person` picks one."""
    people = people_for(request.user).filter(is_active=True)
    who = (request.GET.get("who") or "").strip()[:100]
    matches = []
    if who:
        matches = list(people.filter(identifier=who)[:2]) or (
            list(PersonFilter(q=who).filter(people)[:8]) if len(who) >= 2 else []
        )
    chosen = request.POST.get("person") or request.GET.get("person") or ""
    person = people.filter(pk=chosen).first() if chosen.isdigit() and len(chosen) < 12 else None
    if person is None and len(matches) == 1:
        person = matches[0]
    return who, matches, person


def _due_label(loan) -> str:
    if loan.rule is not None and loan.rule.loan_unit == LoanUnit.HOURS:
        return f"{timezone.localtime(loan.due_at):%a %-d %b, %-I:%M %p}"
    return f"{loan.due_on:%a %-d %b}"


def _lend(request, copy, person, override: bool, state: dict) -> dict:
    if person is None:
        return _failed(state, "Scan the reader's badge or pick a reader first.")
    try:
        loan = circulation.check_out(
            actor=request.user, copy=copy, person=person, override=override
        )
    except circulation.Refused as refused:
        result = _failed(state, f"{copy.title.title} not checked out: {refused}", copy)
        result["reasons"] = refused.reasons
        if refused.overridable and request.user.has_perm(circulation.OVERRIDE):
            result["override"] = {"scan": copy.barcode, "person": person.pk}
        return result
    state["done"] += 1
    due = _due_label(loan)
    return {"ok": True, "text": f"✓ {copy.title.title} checked out to {person} — due {due}"}


def _return(request, copy, library, state: dict) -> dict:
    try:
        done = circulation.check_in(actor=request.user, copy=copy, library=library)
    except Conflict as error:
        return _failed(state, str(error), copy)
    state["done"] += 1
    reader = f" from {done.reader}" if done.reader else ""
    result = {"ok": True, "text": f"✓ {copy.title.title} checked in{reader}"}
    if done.notes:
        result["text"] += " — " + " ".join(done.notes)
    if done.hold is not None:
        result["warning"] = True
        result["slip"] = done.hold
        result["text"] = f"⚑ {copy.title.title}: put it on the hold shelf for {done.hold.person}"
    elif done.in_transit_to is not None:
        result["warning"] = True
        result["text"] = (
            f"↪ {copy.title.title} belongs to {done.in_transit_to.name}: put it in the transit bin"
        )
    return result


def _failed(state: dict, text: str, copy=None) -> dict:
    state["problems"] += 1
    return {"ok": False, "text": f"✗ {text}", "copy": copy}


@access(LEND)
def desk(request):
    """GET shows the desk (and, with `who` or `person`, the reader); each POST is one scan:
    a check-out to the reader, or with mode `in`, a return."""
    libraries = selectors.libraries_for(request.user)
    library = _desk_library(request, libraries)
    mode = "in" if (request.POST.get("mode") or request.GET.get("mode")) == "in" else "out"
    state = _state(request)
    who, matches, person = _reader(request)
    result = None
    if request.method == "POST":
        scan = (request.POST.get("scan") or "").strip()
        copy = _find_copy(request.user, scan) if scan else None
        if not scan:
            result = _failed(state, "Scan a book's barcode first.")
        elif copy is None:
            result = _failed(state, f"No copy has the barcode “{scan[:40]}”.")
        elif mode == "out":
            result = _lend(request, copy, person, request.POST.get("override") == "yes", state)
        else:
            result = _return(request, copy, library, state)
        request.session.modified = True
    context = {
        "library": library,
        "libraries": libraries,
        "mode": mode,
        "who": who,
        "matches": matches,
        "person": person,
        "loans": circulation_selectors.open_loans_of(person) if person else [],
        "result": result,
        "state": state,
        "today": timezone.localdate(),
    }
    if request.htmx:
        part = "scan-response" if request.method == "POST" else "person-picker"
        return render(request, f"library/circulation/desk.html#{part}", context)
    return render(request, "library/circulation/desk.html", context)


@access(LEND)
@require_POST
def desk_renew(request):
    """Renew one loan (`loan`) or all of a reader's (`person`), back to the desk."""
    loans = circulation_selectors.loans_for(request.user)
    loan_id, person_id = request.POST.get("loan", ""), request.POST.get("person", "")
    target = f"{reverse('library:desk')}?person={person_id}"
    if loan_id.isdigit() and len(loan_id) < 12:
        loan = get_object_or_404(loans, pk=loan_id)
        try:
            loan = circulation.renew(
                actor=request.user, loan=loan, override=request.POST.get("override") == "yes"
            )
        except (Conflict, PermissionDenied) as error:
            messages.error(request, f"Not renewed: {error}")
        else:
            messages.success(request, f"Renewed {loan.copy.title.title}: due {_due_label(loan)}.")
        return redirect(target)
    person = get_object_or_404(people_for(request.user), pk=person_id if person_id.isdigit() else 0)
    results = circulation.renew_all(actor=request.user, person=person)
    renewed = sum(1 for _, why in results if why is None)
    messages.success(request, f"Renewed {renewed} of {len(results)} books.")
    for _, why in results:
        if why:
            messages.error(request, why)
    return redirect(target)


@access(circulation.RETURN)
@require_POST
def loan_claim_returned(request, pk: int):
    loan = get_object_or_404(circulation_selectors.loans_for(request.user), pk=pk)
    try:
        circulation.claim_returned(actor=request.user, loan=loan)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"{loan.copy.title.title}: marked claimed returned.")
    return redirect(f"{reverse('library:desk')}?person={loan.person_id or ''}")


@access("library.view_loanrule")
def loan_rules(request):
    """The matrix, and for a chosen reader and book, which row applies and why the book is
    due when it is."""
    matrix = LoanRule.objects.select_related("library", "patron_type")
    who, matches, person = _reader(request)
    barcode = (request.GET.get("barcode") or "").strip()
    copy = _find_copy(request.user, barcode) if barcode else None
    why = None
    if person is not None and copy is not None:
        patron_type = rules.patron_type_for(person)
        found = rules.candidates(copy.library, patron_type, copy.circulation_type)
        why = {"patron_type": patron_type, "candidates": found, "rule": found[0] if found else None}
        if why["rule"] is not None:
            try:
                why["due"] = rules.due(
                    why["rule"], calendar_for(copy.library.site_id), timezone.now()
                )
            except rules.NoDueDate as error:
                why["problem"] = str(error)
    return render(
        request,
        "library/circulation/loan_rules.html",
        {
            "matrix": matrix,
            "who": who,
            "matches": matches,
            "person": person,
            "barcode": barcode[:40],
            "copy": copy,
            "why": why,
            "today": timezone.localdate(),
        },
    )


@access("library.change_loanrule")
def loan_rule_edit(request, pk: int | None = None):
    rule = get_object_or_404(LoanRule, pk=pk) if pk else None
    form = LoanRuleForm(
        request.POST or None,
        instance=rule,
        libraries=selectors.libraries_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            circulation.loan_rule_save(actor=request.user, rule=rule, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, "Loan rule saved.")
            return redirect("library:loan_rules")
    return render(request, "library/circulation/loan_rule_form.html", {"form": form, "rule": rule})
