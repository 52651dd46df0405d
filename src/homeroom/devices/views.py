from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.charts import bar_chart
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.lists import export_response, paginate, sort
from homeroom.core.selectors import audit_events_for, rooms_for, scoped_sites, sites_for
from homeroom.devices import labels, selectors, services
from homeroom.devices.choices import (
    AssignmentKind,
    DeviceCategory,
    DeviceStatus,
    FundingSource,
)
from homeroom.devices.filters import DeviceFilter
from homeroom.devices.forms import (
    BulkForm,
    CheckOutForm,
    DeviceForm,
    DeviceModelForm,
    ScanForm,
    SlotForm,
)
from homeroom.devices.models import Assignment, Device, DeviceModel
from homeroom.fees.services import UnpaidFeesBlock, dollars
from homeroom.people.filters import PersonFilter
from homeroom.people.selectors import people_for

SESSION_KEY = "homeroom_scan_station"


def station_state(request) -> dict:
    return request.session.setdefault(SESSION_KEY, {"done": 0, "problems": 0, "last": None})


@access("devices.add_assignment")
def scan_station(request):
    """Check devices out to a person, or back in, one scan after another. GET `who` finds
    the person (a badge scan is their local id; a name lists matches), GET `person` picks
    them; each POST is one device scan."""
    state = station_state(request)
    mode = request.POST.get("mode") or request.GET.get("mode", "out")
    people = people_for(request.user).filter(is_active=True)
    who = request.GET.get("who", "").strip()
    matches = []
    if who:
        matches = list(people.filter(identifier=who)[:2]) or (
            list(PersonFilter(q=who).filter(people)[:8]) if len(who) >= 2 else []
        )
    chosen = request.POST.get("person") or request.GET.get("person")
    person = people.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
    if person is None and len(matches) == 1:
        person = matches[0]
    form = ScanForm(request.POST or None, initial={"mode": mode})
    result = None
    if request.method == "POST":
        if form.is_valid():
            result = scan(request, form.cleaned_data, person, state)
            request.session.modified = True
        else:
            result = {"ok": False, "text": "✗ Scan a device tag or serial number first."}
        form = ScanForm(initial=next_settings(form.data, result))
    context = {
        "form": form,
        "mode": mode,
        "person": person,
        "aup_missing": person is not None
        and person.kind == "student"
        and not selectors.acceptable_use_signed(person),
        "aup_version": settings.ACCEPTABLE_USE_POLICY_VERSION,
        "who": who,
        "matches": matches,
        "result": result,
        "state": state,
    }
    if request.htmx:
        part = "scan-response" if request.method == "POST" else "person-picker"
        return render(request, f"devices/scan_station.html#{part}", context)
    return render(request, "devices/scan_station.html", context)


def next_settings(data, result: dict) -> dict:
    """The station's settings for the next scan: as they were, except that after a check-in
    the exceptions (condition, charger, where it goes) go back to the usual ones unless they
    are kept for every scan. Marks the result when they went back."""
    settings = {
        field: data.get(field, "") for field in ("mode", "kind", "status_after", "condition")
    }
    settings["charger_returned"] = "charger_returned" in data
    settings["keep_settings"] = "keep_settings" in data
    if result.get("checked_in") and not settings["keep_settings"]:
        usual = ScanForm.CHECK_IN_DEFAULTS
        result["reset"] = any(settings[field] != value for field, value in usual.items())
        settings.update(usual)
    return settings


def scan(request, data: dict, person, state: dict) -> dict:
    """Do what one scan asks; returns what to show: ok, the words, and the device."""
    device = selectors.find_device(request.user, data["scan"])
    if device is None:
        return failed(state, f"No device has the tag or serial “{data['scan']}”.")
    kind = data["kind"] or AssignmentKind.ONE_TO_ONE
    try:
        if data["mode"] == "out":
            if person is None:
                return failed(state, "Scan the student's badge or pick a person first.")
            assignment = services.device_check_out(
                actor=request.user,
                device=device,
                person=person,
                kind=kind,
                override_fees=data["override_fees"],
                confirm_second=data["confirm_second"],
            )
            state["last"] = {"mode": "out", "device": device.pk, "assignment": assignment.pk}
            text = f"✓ {device} checked out to {person}"
        else:
            charger = data["charger_returned"]
            assignment = services.device_check_in(
                actor=request.user,
                device=device,
                condition=data["condition"] or "good",
                checklist={"charger": charger},
                status=data["status_after"] or None,
            )
            state["last"] = {"mode": "in", "device": device.pk, "assignment": assignment.pk}
            state["done"] += 1
            text = f"✓ {device} checked in from {assignment.holder}"
            if not charger:
                return {
                    "ok": True,
                    "warning": True,
                    "checked_in": True,
                    "text": f"{text} — charger missing",
                    "device": device,
                    "charge": charger_charge_offer(request.user, assignment),
                }
            return {"ok": True, "checked_in": True, "text": text, "device": device}
    except UnpaidFeesBlock as block:
        result = failed(
            state,
            f"Unpaid fees {dollars(block.unpaid)} exceed {dollars(block.limit)} — "
            f"{device} not checked out to {person}",
            device,
        )
        result["retry"] = retry(data, device, person, override_fees=True)
        result["retry"]["note"] = "The override is recorded in the device's history."
        return result
    except services.SecondOneToOne as refusal:
        held = ", ".join(str(other) for other in refusal.held)
        result = failed(
            state,
            f"{person} already has the 1:1 device {held}. Check out {device} as a second "
            "1:1 device?",
            device,
            mark="⚠",
        )
        result["warning"] = True
        result["retry"] = retry(data, device, person, confirm_second=True)
        result["retry"]["note"] = (
            "A second 1:1 device is recorded in the device's history. For a loan, choose "
            "Loaner or Short-term above and scan again."
        )
        return result
    except Conflict as error:
        return failed(state, str(error), device)
    state["done"] += 1
    return {"ok": True, "text": text, "device": device}


def retry(data: dict, device, person, **confirmed) -> dict:
    """The hidden fields of a one-click “Check out anyway”: the same scan, with what was
    confirmed before and now."""
    return {
        "scan": device.asset_tag,
        "person": person.pk,
        "kind": data["kind"] or AssignmentKind.ONE_TO_ONE,
        "override_fees": data["override_fees"],
        "confirm_second": data["confirm_second"],
        **confirmed,
    }


def charger_charge_offer(user, assignment) -> dict | None:
    """What the one-click charge for a charger that did not come back would charge, when the
    fee schedule has such a fee and the user may charge."""
    if assignment.person_id is None or not user.has_perm("fees.add_charge"):
        return None
    reason = selectors.lost_charger_fee()
    if reason is None:
        return None
    return {"assignment": assignment.pk, "amount": reason.default_amount}


def failed(state: dict, text: str, device=None, mark: str = "✗") -> dict:
    state["problems"] += 1
    return {"ok": False, "text": f"{mark} {text}", "device": device}


@access("fees.add_charge")
@require_POST
def scan_charge(request):
    """Charge the person whose device just came back without its charger the fee schedule's
    lost-charger fee (`assignment` is the check-out that ended)."""
    state = station_state(request)
    chosen = request.POST.get("assignment", "")
    assignment = (
        Assignment.objects.filter(
            pk=chosen, device__in=selectors.devices_for(request.user).values("pk")
        ).first()
        if chosen.isdigit()
        else None
    )
    if assignment is None:
        result = {"ok": False, "text": "✗ That check-in is not at your sites; scan it again."}
    else:
        try:
            charge = services.charge_lost_charger(actor=request.user, assignment=assignment)
        except (Conflict, ValidationError) as error:
            result = {"ok": False, "text": f"✗ {problem_text(error)}"}
        else:
            result = {
                "ok": True,
                "text": f"✓ Charged {charge.person} {dollars(charge.amount)} for {charge.reason}",
            }
    if request.htmx:
        return render(
            request,
            "devices/scan_station.html#scan-area",
            {"result": result, "state": state, "mode": "in"},
        )
    (messages.success if result["ok"] else messages.error)(request, result["text"])
    return redirect(f"{reverse('devices:scan_station')}?mode=in")


@access("devices.add_assignment")
@require_POST
def scan_undo(request):
    """Undo the last scan of this station: a check-out is checked back in, a check-in is
    checked out again to the same holder."""
    state = station_state(request)
    last = state.get("last")
    device = selectors.devices_for(request.user).filter(pk=(last or {}).get("device")).first()
    if not last or device is None:
        messages.error(request, "There is no scan to undo.")
        return redirect("devices:scan_station")
    assignment = device.assignments.get(pk=last["assignment"])
    try:
        if last["mode"] == "out":
            services.device_check_in(
                actor=request.user, device=device, notes="Undone at the scan station"
            )
        else:
            services.device_check_out(
                actor=request.user,
                device=device,
                person=assignment.person,
                room=assignment.room,
                cart=assignment.cart,
                kind=assignment.kind,
                override_fees=True,
                confirm_second=True,
            )
    except Conflict as error:
        messages.error(request, f"Could not undo: {error}")
    else:
        state["last"] = None
        state["done"] = max(0, state["done"] - 1)
        request.session.modified = True
        messages.success(request, f"Undid the last scan of {device}.")
    return redirect(f"{reverse('devices:scan_station')}?mode={last['mode']}")


@access("devices.view_device")
def device_detail(request, pk: int):
    device = get_object_or_404(
        selectors.with_current_assignment(selectors.devices_for(request.user)), pk=pk
    )
    form = None
    if request.user.has_perm("devices.add_assignment") and not device.current:
        form = check_out_form(request, device)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.device_check_out(
                    actor=request.user,
                    device=device,
                    room=data["room"],
                    person=data["person"],
                    kind=data["kind"],
                    override_fees=data["override_fees"],
                )
            except UnpaidFeesBlock as block:
                form.offer_fee_override(block)
            except Conflict as error:
                messages.error(request, str(error))
                return redirect(device)
            else:
                messages.success(
                    request, f"Checked {device} out to {data['room'] or data['person']}."
                )
                return redirect(device)
    slots = (
        list(device.slots.select_related("device"))
        if device.model.category == DeviceCategory.CART
        else None
    )
    filled = sum(1 for slot in slots if slot.device_id) if slots else 0
    return render(
        request,
        "devices/device_detail.html",
        {
            "device": device,
            "current": device.current[0] if device.current else None,
            "history": device.assignments.select_related("person", "room", "cart")[:50],
            "slots": slots,
            "filled_slots": filled,
            "empty_slots": len(slots) - filled if slots else 0,
            "slot_form": SlotForm()
            if slots is not None and request.user.has_perm("devices.change_assignment")
            else None,
            "form": form,
            "events": audit_events_for(request.user, device)[:50],
        },
    )


def check_out_form(request, device) -> CheckOutForm:
    return CheckOutForm(
        request.POST or None,
        rooms=rooms_for(request.user).filter(site=device.site, is_active=True),
        staff=people_for(request.user)
        .filter(primary_site=device.site, is_active=True)
        .exclude(kind="student"),
    )


DEVICE_SORTS = {
    "tag": "asset_tag",
    "model": ("model__name", "asset_tag"),
    "site": ("site__name", "asset_tag"),
    "status": ("status", "asset_tag"),
}
EXPORT_HEADER = [
    "asset tag",
    "serial number",
    "model",
    "category",
    "site",
    "status",
    "checked out to",
    "org unit",
    "funding",
    "auto-update through",
]


@access("devices.view_device")
def device_list(request):
    device_filter, devices = filtered(
        request, DeviceFilter, selectors.devices_for(request.user), site_field="site"
    )
    devices, current_sort = sort(request, devices, DEVICE_SORTS, "tag")
    devices = selectors.with_current_assignment(devices)
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(
            request,
            "devices",
            EXPORT_HEADER,
            (
                [
                    d.asset_tag,
                    d.serial_number,
                    str(d.model),
                    d.model.get_category_display(),
                    d.site.name,
                    d.get_status_display(),
                    str(d.current[0].holder) if d.current else "",
                    d.org_unit_path,
                    d.get_funding_source_display(),
                    d.model.auto_update_through.isoformat() if d.model.auto_update_through else "",
                ]
                for d in devices.iterator(chunk_size=2000)
            ),
        )
    context = {
        "page": paginate(request, devices),
        "filter": device_filter,
        "sort": current_sort,
        "sites": scoped_sites(request),
        "statuses": DeviceStatus.choices,
        "categories": DeviceCategory.choices,
        "sheets": labels.SHEET_CHOICES,
        "fundings": FundingSource.choices,
        "models": [
            (model.pk, str(model)) for model in DeviceModel.objects.select_related("manufacturer")
        ],
        "bulk_form": bulk_form(request) if request.user.has_perm("devices.change_device") else None,
    }
    template = "devices/device_list.html#table" if request.htmx else "devices/device_list.html"
    return render(request, template, context)


@access("devices.view_device")
def fleet(request):
    """The fleet in pictures: status, when Chromebooks stop getting updates (the replacement
    budget), and 1:1 coverage per site."""
    devices = selectors.devices_for(request.user)
    sites = list(scoped_sites(request).filter(is_active=True))
    if request.current_site is not None:
        devices = devices.filter(site=request.current_site)
    return render(
        request,
        "devices/fleet.html",
        {
            "by_status": bar_chart(
                selectors.status_counts(devices), title="Devices by status", unit="devices"
            ),
            "by_year": bar_chart(
                selectors.auto_update_years(devices),
                title="Chromebooks by the school year their updates end",
                unit="Chromebooks",
                limit=20,
            ),
            "coverage": selectors.devices_per_student(sites),
            "overdue": selectors.overdue_loaners(request.user)[:50],
        },
    )


LABELS_AT_ONCE = 300


@access("devices.change_device")
def device_labels(request):
    """Asset-tag labels as a PDF: for the ticked devices (`device`, repeated, posted from the
    list or in the query) or else for all the list's filters show, in the list's order.
    `sheet` picks the label stock (a key of labels.LABEL_SHEETS), `start` the first unused
    label on a partly used sheet, and `outlines=1` draws the label edges for a test print on
    plain paper."""
    _, devices = filtered(
        request, DeviceFilter, selectors.devices_for(request.user), site_field="site"
    )
    options = request.POST if request.method == "POST" else request.GET
    ticked = [pk for pk in options.getlist("device") if pk.isdigit()]
    if ticked:
        devices = devices.filter(pk__in=ticked)
    devices, _ = sort(request, devices, DEVICE_SORTS, "tag")
    back = list_url(request)
    count = devices.count()
    if count > LABELS_AT_ONCE:
        messages.error(
            request,
            f"That would be {count:,} labels; print up to {LABELS_AT_ONCE} at a time. "
            "Filter by site or model, or tick the devices you need.",
        )
        return redirect(back)
    sheet = options.get("sheet") or labels.DEFAULT_SHEET
    start = options.get("start", "").strip() or "1"
    try:
        pdf = labels.render_labels(
            devices,
            sheet,
            base_url=settings.SITE_URL,
            start_position=int(start) if start.isdigit() else 0,
            outlines=options.get("outlines") == "1",
        )
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(back)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="asset-labels-{sheet}.pdf"'
    return response


def list_url(request) -> str:
    """The device list with the filters of this request."""
    query = request.GET.copy()
    query.pop("export", None)
    return (
        f"{reverse('devices:device_list')}?{query.urlencode()}"
        if query
        else reverse("devices:device_list")
    )


def bulk_form(request) -> BulkForm:
    return BulkForm(
        request.POST if request.method == "POST" else None,
        prefix="bulk",
        sites=sites_for(request.user).filter(is_active=True),
    )


@access("devices.change_device")
@require_POST
def device_bulk(request):
    """Change the status, site or home room of the devices ticked in the list."""
    form = bulk_form(request)
    back = list_url(request)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("__all__", [])) or "Check the choices.")
        return redirect(back)
    ticked = [pk for pk in request.POST.getlist("device") if pk.isdigit()]
    device_ids = list(
        selectors.devices_for(request.user).filter(pk__in=ticked).values_list("pk", flat=True)
    )
    data = form.cleaned_data
    try:
        changed = services.devices_bulk_update(
            actor=request.user,
            device_ids=device_ids,
            status=data["status"] or None,
            site=data["site"],
            room_number=data["room_number"] or None,
            note=data["note"],
        )
    except (Conflict, ValidationError) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Changed {changed} of {len(device_ids)} devices.")
    return redirect(back)


def device_form(request, instance=None) -> DeviceForm:
    return DeviceForm(
        request.POST or None,
        instance=instance,
        sites=sites_for(request.user).filter(is_active=True),
        rooms=rooms_for(request.user).filter(is_active=True),
    )


def save_device(request, form: DeviceForm, device=None):
    """Create or update through the services; model errors go back onto the form."""
    try:
        if device is None:
            return services.device_create(actor=request.user, **form.cleaned_data)
        return services.device_update(actor=request.user, device=device, **form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    except Conflict as error:
        form.add_error(None, str(error))
    return None


@access("devices.add_device")
def device_create(request):
    initial_model = request.GET.get("model")
    form = device_form(request)
    if initial_model and initial_model.isdigit() and not request.POST:
        form.initial["model"] = int(initial_model)
    if request.method == "POST" and form.is_valid():
        device = save_device(request, form)
        if device is not None:
            messages.success(request, f"Added {device}.")
            if "add_another" in request.POST:
                return redirect(f"{reverse('devices:device_create')}?model={device.model_id}")
            return redirect(device)
    return render(request, "devices/device_form.html", {"form": form, "device": None})


@access("devices.change_device")
def device_edit(request, pk: int):
    device = get_object_or_404(selectors.devices_for(request.user), pk=pk)
    form = device_form(request, instance=device)
    if request.method == "POST" and form.is_valid():
        # Validating the form already set its values on `device`; the service compares
        # against the stored row to record what changed.
        saved = save_device(request, form, device=Device.objects.get(pk=pk))
        if saved is not None:
            messages.success(request, f"Saved {saved}.")
            return redirect(saved)
    return render(request, "devices/device_form.html", {"form": form, "device": device})


@access("devices.delete_device")
@require_POST
def device_delete(request, pk: int):
    device = get_object_or_404(selectors.devices_for(request.user), pk=pk)
    try:
        services.device_delete(actor=request.user, device=device)
    except Conflict as error:
        messages.error(request, str(error))
        return redirect(device)
    messages.success(request, f"Deleted {device}.")
    return redirect("devices:device_list")


@access("devices.add_devicemodel")
def device_model_create(request):
    form = DeviceModelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.device_model_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Added the model {model}.")
            return redirect(f"{reverse('devices:device_create')}?model={model.pk}")
    return render(request, "devices/device_model_form.html", {"form": form})


@access("devices.change_assignment")
@require_POST
def cart_slots(request, pk: int):
    """Fill a cart's slot by scanning a device, or empty one (`empty` = the slot number)."""
    cart = get_object_or_404(selectors.devices_for(request.user), pk=pk)
    try:
        if request.POST.get("empty", "").isdigit():
            device = services.cart_slot_empty(
                actor=request.user, cart=cart, number=int(request.POST["empty"])
            )
            messages.success(request, f"Took {device} out of {cart}.")
        else:
            form = SlotForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Scan a device tag or serial number first.")
                return redirect(cart)
            device = selectors.find_device(request.user, form.cleaned_data["scan"])
            if device is None:
                messages.error(request, f"No device has the tag “{form.cleaned_data['scan']}”.")
                return redirect(cart)
            slot = services.cart_slot_fill(
                actor=request.user, cart=cart, device=device, number=form.cleaned_data["number"]
            )
            messages.success(request, f"Put {device} in slot {slot.number}.")
    except Conflict as error:
        messages.error(request, str(error))
    return redirect(cart)


@access("devices.add_assignment")
@require_POST
def acceptable_use_record(request, person_id: int):
    """Record a signed acceptable-use policy, from the scan station or the person page."""
    person = get_object_or_404(people_for(request.user), pk=person_id)
    services.acceptable_use_record(actor=request.user, person=person)
    messages.success(
        request,
        f"Recorded that {person} signed the acceptable-use policy "
        f"{settings.ACCEPTABLE_USE_POLICY_VERSION}.",
    )
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else person)
