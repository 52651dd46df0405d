from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.lists import export_response, paginate, sort
from homeroom.core.selectors import audit_events_for, scoped_sites, sites_for
from homeroom.devices.models import DeviceModel
from homeroom.devices.selectors import devices_for, find_device
from homeroom.fees import selectors as fee_selectors
from homeroom.repairs import selectors, services
from homeroom.repairs.choices import (
    REPAIR_TRANSITIONS,
    Outcome,
    PartKind,
    RepairKind,
    RepairStatus,
)
from homeroom.repairs.filters import PartFilter, RepairFilter
from homeroom.repairs.forms import (
    AdjustForm,
    ChargeForm,
    ChecklistForm,
    LoanerForm,
    PartEditForm,
    PartForm,
    ReceiveForm,
    RepairDetailsForm,
    RepairOpenForm,
    StatusForm,
    UsePartForm,
    VendorForm,
)

REPAIR_SORTS = {
    "opened": "opened_at",
    "status": ("status", "opened_at"),
    "site": ("site__name", "opened_at"),
    "cost": "total_cost",
}
REPAIR_EXPORT_HEADER = [
    "repair",
    "asset tag",
    "model",
    "site",
    "status",
    "kind",
    "coverage",
    "vendor",
    "RMA number",
    "opened",
    "shipped",
    "returned",
    "completed",
    "outcome",
    "parts cost",
    "labor cost",
    "vendor cost",
    "total cost",
]


def _kept_filters(request) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.GET.items() if k not in {"page", "export"} and v]


@access("repairs.view_repairorder")
def repair_list(request):
    repair_filter, repairs = filtered(
        request, RepairFilter, selectors.repairs_for(request.user), site_field="site"
    )
    repairs, current_sort = sort(request, repairs, REPAIR_SORTS, "-opened")
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(
            request,
            "repairs",
            REPAIR_EXPORT_HEADER,
            (
                [
                    r.number,
                    r.device.asset_tag,
                    str(r.device.model),
                    r.site.name,
                    r.get_status_display(),
                    r.get_kind_display(),
                    r.get_coverage_display(),
                    r.vendor.name if r.vendor else "",
                    r.rma_number,
                    timezone.localtime(r.opened_at).date().isoformat(),
                    r.shipped_on.isoformat() if r.shipped_on else "",
                    r.returned_on.isoformat() if r.returned_on else "",
                    timezone.localtime(r.completed_at).date().isoformat() if r.completed_at else "",
                    r.get_outcome_display(),
                    str(r.parts_cost),
                    str(r.labor_cost),
                    str(r.vendor_cost),
                    str(r.total_cost),
                ]
                for r in repairs.iterator(chunk_size=2000)
            ),
        )
    context = {
        "page": paginate(request, repairs),
        "filter": repair_filter,
        "sort": current_sort,
        "sites": scoped_sites(request),
        "statuses": RepairStatus.choices,
        "kinds": RepairKind.choices,
        "vendors": selectors.vendors_for(request.user).filter(is_active=True),
        "models": selectors.repaired_models(request.user),
    }
    template = "repairs/repair_list.html#table" if request.htmx else "repairs/repair_list.html"
    return render(request, template, context)


@access("repairs.add_repairorder")
def repair_open(request):
    """Open a repair for a scanned device, or from a device's page (`device`) or a ticket's
    (`ticket`: its device, its problem and the person it is about come along)."""
    vendors = selectors.vendors_for(request.user).filter(is_active=True)
    initial = {}
    ticket_id = request.POST.get("ticket") or request.GET.get("ticket", "")
    ticket = None
    if str(ticket_id).isdigit():
        ticket = selectors.tickets_to_link(request.user).filter(pk=ticket_id).first()
    if ticket is not None:
        initial |= {"ticket": ticket.pk, "problem": ticket.subject}
        if ticket.device is not None:
            initial["scan"] = ticket.device.asset_tag
    device_id = request.GET.get("device", "")
    if device_id.isdigit():
        device = devices_for(request.user).filter(pk=device_id).first()
        if device is not None:
            initial["scan"] = device.asset_tag
    form = RepairOpenForm(request.POST or None, initial=initial, vendors=vendors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        device = find_device(request.user, data["scan"])
        if device is None:
            form.add_error("scan", f"No device has the tag or serial “{data['scan']}”.")
        else:
            try:
                repair = services.repair_open(
                    actor=request.user,
                    device=device,
                    problem=data["problem"],
                    ticket=ticket,
                    person=ticket.affected_person if ticket is not None else None,
                    kind=data["kind"],
                    coverage=data["coverage"] or None,
                    vendor=data["vendor"],
                    expected_back=data["expected_back"],
                )
            except (Conflict, ValidationError) as error:
                form.add_error(None, problem_text(error))
            else:
                messages.success(request, f"Opened {repair.number}: {device} is in repair.")
                return redirect(repair)
    return render(request, "repairs/repair_open.html", {"form": form, "ticket": ticket})


def _repair(request, pk: int):
    return get_object_or_404(selectors.repairs_for(request.user).select_related("ticket"), pk=pk)


@access("repairs.view_repairorder")
def repair_detail(request, pk: int):
    repair = _repair(request, pk)
    vendors = selectors.vendors_for(request.user).filter(is_active=True)
    site_parts = selectors.parts_for(request.user).filter(site=repair.site, is_active=True)
    loaners = repair.loaners.select_related("assignment__device", "assignment__person")
    can_change = request.user.has_perm("repairs.change_repairorder") and repair.is_open
    context = {
        "repair": repair,
        "checklist": repair.checklist.select_related("done_by"),
        "parts_used": repair.parts_used.select_related("part"),
        "loaners": loaners,
        "loaner_out": next((loan for loan in loaners if loan.assignment.is_open), None),
        "can_change": can_change,
        "next_statuses": [
            (value, label)
            for value, label in RepairStatus.choices
            if value in REPAIR_TRANSITIONS[RepairStatus(repair.status)]
            and value != RepairStatus.COMPLETED
        ],
        "can_complete": RepairStatus.COMPLETED in REPAIR_TRANSITIONS[RepairStatus(repair.status)],
        "outcomes": Outcome.choices,
        "now": timezone.now(),
        "events": audit_events_for(request.user, repair)[:50],
    }
    if can_change:
        context["details_form"] = RepairDetailsForm(
            vendors=vendors,
            initial={
                "kind": repair.kind,
                "coverage": repair.coverage,
                "vendor": repair.vendor_id,
                "rma_number": repair.rma_number,
                "expected_back": repair.expected_back,
                "labor_minutes": repair.labor_minutes,
                "labor_rate": repair.labor_rate,
                "vendor_cost": repair.vendor_cost,
                "notes": repair.notes,
            },
        )
        # Each form of the page gets its own ids: two “scan” fields must not share one.
        context["part_form"] = UsePartForm(parts=site_parts, auto_id="part_%s")
    if repair.is_open and request.user.has_perm("repairs.add_loaner"):
        context["loaner_form"] = LoanerForm(auto_id="loaner_%s")
    if request.user.has_perm("fees.view_charge"):
        context["charges"] = fee_selectors.charges_for(request.user).filter(
            pk__in=fee_selectors.charges_from(repair).values("pk")
        )
    if repair.person is not None and request.user.has_perm("fees.add_charge"):
        context["charge_form"] = _charge_form(repair)
    return render(request, "repairs/repair_detail.html", context)


@access("repairs.change_repairorder")
@require_POST
def repair_edit(request, pk: int):
    repair = _repair(request, pk)
    vendors = selectors.vendors_for(request.user).filter(is_active=True)
    form = RepairDetailsForm(request.POST, vendors=vendors)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label or 'Details'}: {' '.join(errors)}")
        return redirect(repair)
    try:
        services.repair_update(actor=request.user, repair=repair, **form.cleaned_data)
    except (Conflict, ValidationError) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Saved the details of {repair.number}.")
    return redirect(repair)


@access("repairs.change_repairorder")
@require_POST
def repair_status(request, pk: int):
    repair = _repair(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happens to the repair next.")
        return redirect(repair)
    data = form.cleaned_data
    try:
        repair = services.repair_set_status(
            actor=request.user,
            repair=repair,
            status=data["status"],
            outcome=data["outcome"],
            on=data["on"],
            note=data["note"],
        )
    except (Conflict, ValidationError) as error:
        messages.error(request, problem_text(error))
    else:
        text = f"{repair.number} is now {repair.get_status_display().lower()}."
        loaner_out = repair.loaners.filter(assignment__checked_in_at__isnull=True).first()
        if repair.status == RepairStatus.COMPLETED and loaner_out is not None:
            due = timezone.localtime(loaner_out.assignment.due_at)
            text += f" The loaner is due back {due:%a %-d %b}."
        messages.success(request, text)
    return redirect(repair)


@access("repairs.change_repairorder")
@require_POST
def repair_checklist(request, pk: int):
    repair = _repair(request, pk)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.repair_check_item(
                actor=request.user,
                repair=repair,
                step=form.cleaned_data["step"],
                done=form.cleaned_data["done"],
            )
        except Conflict as error:
            messages.error(request, problem_text(error))
    else:
        messages.error(request, "That is not a step of this checklist.")
    return redirect(f"{repair.get_absolute_url()}#checklist-heading")


@access("repairs.change_repairorder")
@require_POST
def repair_add_part(request, pk: int):
    repair = _repair(request, pk)
    parts = selectors.parts_for(request.user).filter(site=repair.site, is_active=True)
    form = UsePartForm(request.POST, parts=parts)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(f"{repair.get_absolute_url()}#parts-heading")
    data = form.cleaned_data
    try:
        used = services.repair_use_part(
            actor=request.user, repair=repair, part=data["part"], quantity=data["quantity"]
        )
    except (Conflict, ValidationError) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"✓ Used {used} on {repair.number}.")
    return redirect(f"{repair.get_absolute_url()}#parts-heading")


def _charge_form(repair, data=None) -> ChargeForm:
    reasons = fee_selectors.reasons().filter(is_active=True)
    damage = reasons.filter(category="device_damage").first()
    return ChargeForm(
        data,
        reasons=reasons,
        initial={"amount": repair.total_cost or None, "reason": damage},
    )


@access("fees.add_charge")
@require_POST
def repair_charge(request, pk: int):
    """Charge the repair's student; the amount comes prefilled from the repair's total."""
    repair = _repair(request, pk)
    form = _charge_form(repair, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Charge"
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect(f"{repair.get_absolute_url()}#charge-heading")
    try:
        charge = services.repair_charge(actor=request.user, repair=repair, **form.cleaned_data)
    except (Conflict, ValidationError) as error:
        messages.error(request, problem_text(error))
    else:
        text = f"✓ Charged {charge.person} ${charge.amount} for {charge.reason}."
        messages.success(request, text)
    return redirect(f"{repair.get_absolute_url()}#charge-heading")


@access("repairs.add_loaner")
@require_POST
def repair_loaner(request, pk: int):
    """Give the repair's student a loaner: the scanned one, or the next free one."""
    repair = _repair(request, pk)
    form = LoanerForm(request.POST)
    form.is_valid()
    scan = form.cleaned_data.get("scan", "")
    device = None
    if scan:
        device = find_device(request.user, scan)
        if device is None:
            messages.error(request, f"No device has the tag or serial “{scan}”.")
            return redirect(f"{repair.get_absolute_url()}#loaner-heading")
    try:
        loaner = services.loaner_issue(
            actor=request.user, person=repair.person, repair=repair, device=device
        )
    except (Conflict, ValidationError) as error:
        messages.error(request, problem_text(error))
    else:
        assignment = loaner.assignment
        messages.success(
            request,
            f"✓ Loaner {assignment.device} checked out to {assignment.person}, due back "
            f"{timezone.localtime(assignment.due_at):%a %-d %b}.",
        )
    return redirect(f"{repair.get_absolute_url()}#loaner-heading")


@access("repairs.add_loaner")
@require_POST
def ticket_loaner(request, ticket_id: int):
    """Give the student a ticket is about a loaner, in one step from the ticket's page. With
    an open repair of the ticket's device, the loaner is due when that repair is."""
    ticket = get_object_or_404(selectors.tickets_to_link(request.user), pk=ticket_id)
    if ticket.affected_person is None:
        messages.error(request, "The ticket names no student or staff member to lend to.")
        return redirect(ticket)
    repair = None
    if ticket.device is not None:
        repair = selectors.open_repairs(request.user).filter(device=ticket.device).first()
    scan = request.POST.get("scan", "").strip()
    device = find_device(request.user, scan) if scan else None
    if scan and device is None:
        messages.error(request, f"No device has the tag or serial “{scan}”.")
        return redirect(ticket)
    try:
        loaner = services.loaner_issue(
            actor=request.user,
            person=ticket.affected_person,
            repair=repair,
            ticket=ticket,
            device=device,
        )
    except (Conflict, ValidationError) as error:
        messages.error(request, problem_text(error))
    else:
        assignment = loaner.assignment
        messages.success(
            request,
            f"✓ Loaner {assignment.device} checked out to {assignment.person}, due back "
            f"{timezone.localtime(assignment.due_at):%a %-d %b}.",
        )
    return redirect(ticket)


PART_SORTS = {
    "name": ("name",),
    "site": ("site__name", "name"),
    "kind": ("kind", "name"),
    "stock": ("quantity_on_hand", "name"),
}


@access("repairs.view_part")
def part_list(request):
    part_filter, parts = filtered(
        request, PartFilter, selectors.parts_for(request.user), site_field="site"
    )
    parts, current_sort = sort(request, parts, PART_SORTS, "site")
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(
            request,
            "parts",
            ["site", "name", "kind", "part number", "unit cost", "on hand", "reorder point"],
            (
                [
                    p.site.name,
                    p.name,
                    p.get_kind_display(),
                    p.part_number,
                    str(p.unit_cost),
                    p.quantity_on_hand,
                    p.reorder_point,
                ]
                for p in parts.iterator(chunk_size=2000)
            ),
        )
    context = {
        "page": paginate(request, parts),
        "filter": part_filter,
        "sort": current_sort,
        "sites": scoped_sites(request),
        "kinds": PartKind.choices,
    }
    template = "repairs/part_list.html#table" if request.htmx else "repairs/part_list.html"
    return render(request, template, context)


@access("repairs.add_part")
def part_new(request):
    form = PartForm(
        request.POST or None,
        sites=sites_for(request.user).filter(is_active=True),
        models=DeviceModel.objects.select_related("manufacturer"),
        initial={"site": request.current_site},
    )
    if request.method == "POST" and form.is_valid():
        try:
            part = services.part_create(actor=request.user, **form.cleaned_data)
        except (Conflict, ValidationError) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Added {part} to the stock of {part.site}.")
            return redirect(part)
    return render(request, "repairs/part_form.html", {"form": form})


def _part(request, pk: int):
    return get_object_or_404(selectors.parts_for(request.user), pk=pk)


@access("repairs.view_part")
def part_detail(request, pk: int):
    """A part's stock and movements; its details can be edited here (POST)."""
    part = _part(request, pk)
    models = part.compatible_models.select_related("manufacturer")
    edit_form = None
    if request.user.has_perm("repairs.change_part"):
        edit_form = PartEditForm(
            request.POST or None,
            sites=None,
            models=DeviceModel.objects.select_related("manufacturer"),
            initial={
                "name": part.name,
                "kind": part.kind,
                "part_number": part.part_number,
                "unit_cost": part.unit_cost,
                "reorder_point": part.reorder_point,
                "compatible_models": list(models),
                "is_active": part.is_active,
            },
        )
        if request.method == "POST" and edit_form.is_valid():
            try:
                services.part_update(actor=request.user, part=part, **edit_form.cleaned_data)
            except ValidationError as error:
                edit_form.add_error(None, problem_text(error))
            else:
                messages.success(request, f"Saved {part}.")
                return redirect(part)
    return render(
        request,
        "repairs/part_detail.html",
        {
            "part": part,
            "edit_form": edit_form,
            "models": models,
            "movements": selectors.movements_for(request.user, part)[:100],
            "receive_form": ReceiveForm(),
            "adjust_form": AdjustForm(initial={"quantity_on_hand": part.quantity_on_hand}),
            "events": audit_events_for(request.user, part)[:20],
        },
    )


@access("repairs.add_stockmovement")
@require_POST
def part_receive(request, pk: int):
    part = _part(request, pk)
    form = ReceiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say how many arrived (at least one).")
        return redirect(part)
    try:
        part = services.part_receive(actor=request.user, part=part, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, problem_text(error))
    else:
        received = form.cleaned_data["quantity"]
        messages.success(request, f"✓ Received {received}; {part.quantity_on_hand} on hand.")
    return redirect(part)


@access("repairs.add_stockmovement")
@require_POST
def part_adjust(request, pk: int):
    part = _part(request, pk)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the count on the shelf (zero or more) and the reason.")
        return redirect(part)
    try:
        part = services.part_adjust(actor=request.user, part=part, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"✓ Stock set to {part.quantity_on_hand}.")
    return redirect(part)


@access("repairs.view_vendor")
def vendor_list(request):
    vendors = selectors.vendors_for(request.user).order_by("-is_active", "name")
    return render(request, "repairs/vendor_list.html", {"page": paginate(request, vendors)})


@access("repairs.add_vendor")
def vendor_new(request):
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        vendor = services.vendor_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"Added {vendor}.")
        return redirect(vendor)
    return render(request, "repairs/vendor_form.html", {"form": form, "vendor": None})


@access("repairs.view_vendor")
def vendor_detail(request, pk: int):
    vendor = get_object_or_404(selectors.vendors_for(request.user), pk=pk)
    form = None
    if request.user.has_perm("repairs.change_vendor"):
        form = VendorForm(request.POST or None, instance=vendor)
        if request.method == "POST" and form.is_valid():
            services.vendor_update(actor=request.user, vendor=vendor, **form.cleaned_data)
            messages.success(request, f"Saved {vendor}.")
            return redirect(vendor)
    return render(
        request,
        "repairs/vendor_detail.html",
        {
            "vendor": vendor,
            "form": form,
            "repairs": selectors.repairs_for(request.user).filter(vendor=vendor)[:20],
        },
    )


@access("repairs.view_loaner")
def loaner_list(request):
    """Loaners out now, the overdue ones first."""
    loans = selectors.loaners_out(request.user)
    if request.current_site is not None:
        loans = loans.filter(device__site=request.current_site)
    return render(
        request,
        "repairs/loaner_list.html",
        {"page": paginate(request, loans), "now": timezone.now()},
    )
