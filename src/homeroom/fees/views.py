from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeroom.core.access import SIGNED_IN, access
from homeroom.core.exceptions import Conflict
from homeroom.core.filters import filtered
from homeroom.core.lists import export_response, paginate, sort
from homeroom.core.selectors import audit_events_for, scoped_sites, sites_for
from homeroom.fees import selectors, services, statements
from homeroom.fees.choices import UNPAID_STATUSES, ChargeStatus, FeeCategory
from homeroom.fees.filters import ChargeFilter
from homeroom.fees.forms import ChargeForm, FeePolicyForm, FeeReasonForm, PaymentForm, WaiverForm
from homeroom.fees.models import FeeReason
from homeroom.people.filters import PersonFilter
from homeroom.people.selectors import people_for

CHARGE_SORTS = {
    "created": "created_at",
    "person": ("person__family_name", "person__given_name", "created_at"),
    "amount": ("amount", "created_at"),
    "balance": ("balance", "created_at"),
    "status": ("status", "created_at"),
}
EXPORT_HEADER = [
    "charge",
    "date",
    "person",
    "local id",
    "site",
    "reason",
    "amount",
    "paid",
    "waived",
    "balance",
    "status",
    "for",
    "note",
]


def form_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it is about, or at the top."""
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@access("fees.view_charge")
def charge_list(request):
    charge_filter, charges = filtered(
        request, ChargeFilter, selectors.charges_for(request.user), site_field="site"
    )
    charges, current_sort = sort(request, charges, CHARGE_SORTS, "-created")
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(
            request,
            "fees",
            EXPORT_HEADER,
            (
                [
                    c.pk,
                    timezone.localtime(c.created_at).date().isoformat(),
                    str(c.person),
                    c.person.identifier,
                    c.site.name,
                    c.reason.name,
                    str(c.amount),
                    str(c.paid),
                    str(c.waived),
                    str(c.balance),
                    c.get_status_display(),
                    c.source_label,
                    c.note,
                ]
                for c in charges.iterator(chunk_size=2000)
            ),
        )
    context = {
        "page": paginate(request, charges),
        "totals": selectors.totals(charges),
        "filter": charge_filter,
        "sort": current_sort,
        "sites": scoped_sites(request),
        "statuses": ChargeStatus.choices,
        "reasons": [(reason.pk, reason.name) for reason in selectors.reasons()],
        "categories": FeeCategory.choices,
    }
    template = "fees/charge_list.html#table" if request.htmx else "fees/charge_list.html"
    return render(request, template, context)


@access("fees.view_charge")
def charge_detail(request, pk: int):
    charge = get_object_or_404(selectors.charges_for(request.user), pk=pk)
    return render(
        request,
        "fees/charge_detail.html",
        {
            "charge": charge,
            "shares": selectors.payments_of(charge),
            "waivers": charge.waivers.select_related("waived_by"),
            "source_url": _source_url(charge),
            "events": audit_events_for(request.user, charge)[:50],
            "can_settle": charge.status in UNPAID_STATUSES,
        },
    )


def _source_url(charge) -> str:
    source = charge.source if charge.source_type_id else None
    return source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""


def _find_person(request, title: str, template_action: str):
    """A person picker for pages opened without one: matches for the typed name or id."""
    query = request.GET.get("q", "").strip()
    matches = []
    if len(query) >= 2:
        people = people_for(request.user).filter(is_active=True)
        matches = list(people.filter(identifier=query)[:1]) or list(
            PersonFilter(q=query).filter(people)[:10]
        )
    return render(
        request,
        "fees/find_person.html",
        {"title": title, "query": query, "matches": matches, "action": template_action},
    )


@access("fees.add_charge")
def charge_create(request):
    person_id = request.GET.get("person", "")
    people = people_for(request.user)
    person = people.filter(pk=person_id).first() if person_id.isdigit() else None
    if person is None:
        return _find_person(request, "Add a charge", "fees:charge_create")
    reasons = selectors.reasons().filter(is_active=True)
    form = ChargeForm(
        request.POST or None,
        people=people.filter(pk=person.pk),
        reasons=reasons,
        sites=sites_for(request.user).filter(is_active=True),
        initial={"person": person.pk, "reason": request.GET.get("reason")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            charge = services.charge_create(
                actor=request.user,
                person=data["person"],
                reason=data["reason"],
                amount=data["amount"],
                site=data["site"],
                note=data["note"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"Charged {charge.person} {services.dollars(charge.amount)} for {charge.reason}.",
            )
            return redirect(charge)
    return render(
        request,
        "fees/charge_form.html",
        {
            "form": form,
            "person": person,
            "balance": selectors.balance(person),
            "defaults": {reason.pk: reason.default_amount for reason in reasons},
        },
    )


@access("fees.add_payment")
def payment_record(request):
    """Record a payment from one person; `charge` ticks one charge, `person` all they owe."""
    charges = selectors.charges_for(request.user).filter(status__in=UNPAID_STATUSES)
    ticked = request.GET.get("charge", "")
    person_id = request.GET.get("person", "")
    person = None
    if ticked.isdigit():
        charge = charges.filter(pk=ticked).first()
        person = charge.person if charge else None
    elif person_id.isdigit():
        person = people_for(request.user).filter(pk=person_id).first()
    if person is None:
        return _find_person(request, "Record a payment", "fees:payment_record")
    owed = charges.filter(person=person).order_by("created_at", "pk")
    if not owed.exists():
        messages.info(request, f"{person} owes nothing at your sites.")
        return redirect(person)
    form = PaymentForm(
        request.POST or None,
        charges=owed,
        initial={
            "charges": [int(ticked)] if ticked.isdigit() else [c.pk for c in owed],
            "amount": owed.get(pk=ticked).balance if ticked.isdigit() else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                actor=request.user,
                person=person,
                amount=data["amount"],
                method=data["method"],
                receipt_number=data["receipt_number"],
                charges=list(data["charges"]),
                note=data["note"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except Conflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Recorded {services.dollars(payment.amount)} from {person}. They now owe "
                f"{services.dollars(selectors.balance(person))}.",
            )
            if ticked.isdigit():
                return redirect("fees:charge_detail", pk=int(ticked))
            return redirect(person)
    return render(
        request,
        "fees/payment_form.html",
        {"form": form, "person": person, "owed": selectors.totals(owed)["balance"]},
    )


@access("fees.add_waiver")
def charge_waive(request, pk: int):
    charge = get_object_or_404(selectors.charges_for(request.user), pk=pk)
    if charge.status not in UNPAID_STATUSES:
        messages.info(request, f"This charge is {charge.get_status_display().lower()}.")
        return redirect(charge)
    form = WaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            waiver = services.charge_waive(
                actor=request.user,
                charge=charge,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except Conflict as error:
            messages.error(request, str(error))
            return redirect(charge)
        else:
            messages.success(request, f"Waived {services.dollars(waiver.amount)}.")
            return redirect(charge)
    return render(request, "fees/waiver_form.html", {"form": form, "charge": charge})


def _pdf(person, charges, user) -> HttpResponse:
    pdf = statements.render_statement(
        person, selectors.statement_charges(charges), prepared_by=str(user)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"fees-{person.family_name}-{person.given_name}".lower().replace(" ", "-")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@access("fees.view_charge")
def person_statement(request, person_id: int):
    person = get_object_or_404(people_for(request.user), pk=person_id)
    return _pdf(person, selectors.charges_of(request.user, person), request.user)


@access(SIGNED_IN)
def my_fees(request):
    charges = selectors.statement_charges(selectors.own_charges(request.user))
    person = getattr(request.user, "person", None)
    return render(
        request,
        "fees/my_fees.html",
        {
            "person": person,
            "charges": charges,
            "owed": sum((c.balance for c in charges), selectors.ZERO),
        },
    )


@access(SIGNED_IN)
def my_statement(request):
    person = getattr(request.user, "person", None)
    if person is None:
        messages.info(request, "Your account is not linked to a student or staff record.")
        return redirect("fees:my_fees")
    return _pdf(person, selectors.own_charges(request.user), request.user)


@access("fees.view_feereason")
def schedule(request):
    return render(
        request,
        "fees/schedule.html",
        {"reasons": selectors.reasons(), "policy": selectors.fee_policy()},
    )


@access("fees.add_feereason")
def reason_create(request):
    form = FeeReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reason = services.reason_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Added “{reason}” to the fee schedule.")
            return redirect("fees:schedule")
    return render(request, "fees/reason_form.html", {"form": form})


@access("fees.change_feereason")
def reason_edit(request, pk: int):
    reason = get_object_or_404(FeeReason, pk=pk)
    form = FeeReasonForm(request.POST or None, instance=FeeReason.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.reason_update(actor=request.user, reason=reason, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Saved “{form.cleaned_data['name']}”.")
            return redirect("fees:schedule")
    return render(request, "fees/reason_form.html", {"form": form, "reason": reason})


@access("fees.change_feepolicy")
def policy_edit(request):
    policy = selectors.fee_policy()
    form = FeePolicyForm(request.POST or None, instance=selectors.fee_policy())
    if request.method == "POST" and form.is_valid():
        services.policy_update(actor=request.user, **form.cleaned_data)
        messages.success(request, "Saved the fee policy.")
        return redirect("fees:schedule")
    return render(
        request,
        "fees/policy_form.html",
        {"form": form, "policy": policy, "events": audit_events_for(request.user, policy)[:20]},
    )
