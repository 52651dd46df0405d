from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from homeroom.core.access import SIGNED_IN, requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.core.selectors import sites_for
from homeroom.fees import selectors, services
from homeroom.fees.filters import ChargeFilter
from homeroom.fees.schemas import (
    BalanceOut,
    ChargeDetailOut,
    ChargeIn,
    ChargeOut,
    FeeReasonOut,
    PaymentIn,
    PaymentOut,
    WaiverIn,
    WaiverOut,
)
from homeroom.people.selectors import people_for

router = Router(tags=["Fees"])


@router.get("/fees/charges", response=list[ChargeOut])
@requires("fees.view_charge")
@paginate(Pages)
def list_charges(request, filters: Query[ChargeFilter]):
    """Charges at the caller's sites, newest first, with the fees page's filters."""
    return filters.filter(selectors.charges_for(request.auth)).order_by("-created_at", "-pk")


@router.get("/fees/charges/{int:charge_id}", response=ChargeDetailOut)
@requires("fees.view_charge")
def get_charge(request, charge_id: Id):
    return get_object_or_404(selectors.charges_for(request.auth), pk=charge_id)


@router.post("/fees/charges", response={201: ChargeOut})
@requires("fees.add_charge")
def create_charge(request, payload: ChargeIn):
    site = None
    if payload.site_id is not None:
        site = get_object_or_404(sites_for(request.auth), pk=payload.site_id)
    charge = services.charge_create(
        actor=request.auth,
        person=get_object_or_404(people_for(request.auth), pk=payload.person_id),
        reason=get_object_or_404(selectors.reasons(), pk=payload.reason_id),
        amount=payload.amount,
        site=site,
        note=payload.note,
    )
    return Status(201, charge)


@router.post("/fees/charges/{int:charge_id}/waivers", response={201: WaiverOut})
@requires("fees.add_waiver")
def waive_charge(request, charge_id: Id, payload: WaiverIn):
    charge = get_object_or_404(selectors.charges_for(request.auth), pk=charge_id)
    waiver = services.charge_waive(
        actor=request.auth, charge=charge, amount=payload.amount, reason=payload.reason
    )
    return Status(201, waiver)


@router.post("/fees/payments", response={201: PaymentOut})
@requires("fees.add_payment")
def record_payment(request, payload: PaymentIn):
    """Money received from a person, spread over the charges given (oldest first) or over
    everything they owe at the caller's sites. More than is owed is refused."""
    person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
    charges = None
    if payload.charge_ids is not None:
        charges = list(selectors.charges_of(request.auth, person).filter(pk__in=payload.charge_ids))
        missing = set(payload.charge_ids) - {charge.pk for charge in charges}
        if missing:
            raise HttpError(404, f"No charge {min(missing)} of {person} is visible to you.")
    payment = services.payment_record(
        actor=request.auth,
        person=person,
        amount=payload.amount,
        method=payload.method,
        receipt_number=payload.receipt_number,
        charges=charges,
        note=payload.note,
    )
    return Status(201, payment)


@router.get("/fees/people/{int:person_id}/balance", response=BalanceOut)
@requires("fees.view_charge")
def person_balance(request, person_id: Id):
    person = get_object_or_404(people_for(request.auth), pk=person_id)
    policy = selectors.fee_policy()
    return {
        "person_id": person.pk,
        "balance": selectors.balance(person),
        "check_out_blocked": selectors.check_out_block(person) is not None,
        "limit": policy.block_above if policy.block_check_out else None,
    }


@router.get("/fees/schedule", response=list[FeeReasonOut])
@requires("fees.view_feereason")
def fee_schedule(request):
    return selectors.reasons()


@router.get("/fees/mine", response=list[ChargeOut])
@requires(SIGNED_IN)
@paginate(Pages)
def my_charges(request):
    """The caller's own charges (a student's, for instance)."""
    return selectors.own_charges(request.auth).order_by("-created_at", "-pk")
