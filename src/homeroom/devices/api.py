import json

from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate

from homeroom.core import import_services
from homeroom.core.access import requires
from homeroom.core.exceptions import Conflict
from homeroom.core.import_formats import format_for
from homeroom.core.import_views import UploadForm, split_options
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id, count_of
from homeroom.core.selectors import rooms_for, sites_for
from homeroom.devices import selectors, services
from homeroom.devices.choices import MAPPABLE_VALUES, DeviceCategory
from homeroom.devices.filters import DeviceFilter
from homeroom.devices.importers import generic
from homeroom.devices.importers import services as value_services
from homeroom.devices.importers.schemas import (
    DeviceImportOptions,
    DeviceImportOut,
    DeviceImportSummaryOut,
    ValueChoices,
    ValueMappingOut,
)
from homeroom.devices.importers.selectors import device_imports_for, value_mappings_for
from homeroom.devices.importers.sniff import CSV, HEAD_BYTES, preview
from homeroom.devices.models import Assignment, CartSlot, DeviceModel
from homeroom.devices.schemas import (
    AcknowledgmentOut,
    AssignmentOut,
    BulkIn,
    BulkOut,
    CartOut,
    CheckInIn,
    CheckOutIn,
    DeviceIn,
    DeviceModelIn,
    DeviceModelOut,
    DeviceOut,
    DevicePatch,
    SlotIn,
    SlotOut,
    StatusIn,
)
from homeroom.people.selectors import people_for

router = Router(tags=["Devices"])


def _device(request, device_id: Id):
    return get_object_or_404(
        selectors.with_current_assignment(selectors.devices_for(request.auth)), pk=device_id
    )


@router.get("/devices", response=list[DeviceOut])
@requires("devices.view_device")
@paginate(Pages)
def list_devices(request, filters: Query[DeviceFilter]):
    return selectors.with_current_assignment(
        filters.filter(selectors.devices_for(request.auth)).order_by("asset_tag")
    )


@router.get("/devices/lookup/{scan}", response=DeviceOut)
@requires("devices.view_device")
def lookup_device(request, scan: str):
    """The device with this asset tag or, failing that, this serial number."""
    device = selectors.find_device(request.auth, scan)
    if device is None:
        raise HttpError(404, f"No device has the tag or serial “{scan}”.")
    return _device(request, device.pk)


@router.get("/devices/{int:device_id}", response=DeviceOut)
@requires("devices.view_device")
def get_device(request, device_id: Id):
    return _device(request, device_id)


@router.post("/devices/{int:device_id}/status", response=DeviceOut)
@requires("devices.change_device")
def set_device_status(request, device_id: Id, payload: StatusIn):
    services.device_set_status(
        actor=request.auth,
        device=_device(request, device_id),
        status=payload.status,
        note=payload.note,
    )
    return _device(request, device_id)


@router.post("/devices/{int:device_id}/check-out", response={201: AssignmentOut})
@requires("devices.add_assignment")
def check_out(request, device_id: Id, payload: CheckOutIn):
    if (payload.person_id is None) == (payload.room_id is None):
        raise HttpError(400, "Give either person_id or room_id.")
    person = room = None
    if payload.person_id is not None:
        person = get_object_or_404(people_for(request.auth), pk=payload.person_id)
    else:
        room = get_object_or_404(rooms_for(request.auth), pk=payload.room_id)
    assignment = services.device_check_out(
        actor=request.auth,
        device=_device(request, device_id),
        person=person,
        room=room,
        kind=payload.kind,
        due_at=payload.due_at,
        notes=payload.notes,
        override_fees=payload.override_fees,
        confirm_second=payload.confirm_second,
    )
    return Status(201, assignment)


@router.post("/devices/{int:device_id}/check-in", response=AssignmentOut)
@requires("devices.change_assignment")
def check_in(request, device_id: Id, payload: CheckInIn):
    return services.device_check_in(
        actor=request.auth,
        device=_device(request, device_id),
        condition=payload.condition,
        checklist=payload.checklist,
        status=payload.status,
        notes=payload.notes,
    )


@router.get("/assignments", response=list[AssignmentOut])
@requires("devices.view_assignment")
@paginate(Pages)
def list_assignments(request, open: bool | None = None, person_id: Id | None = None):
    assignments = Assignment.objects.filter(
        device__in=selectors.devices_for(request.auth).values("pk")
    ).order_by("-pk")
    if open is not None:
        assignments = assignments.filter(checked_in_at__isnull=open)
    if person_id is not None:
        assignments = assignments.filter(person_id=person_id)
    return assignments


def _references(request, payload: dict) -> dict:
    """Turn the ids of a device payload into the objects the services take, each looked up
    among what the caller may see."""
    data = dict(payload)
    if data.get("model_id") is not None:
        data["model"] = get_object_or_404(DeviceModel, pk=data.pop("model_id"))
    data.pop("model_id", None)
    if data.get("site_id") is not None:
        data["site"] = get_object_or_404(sites_for(request.auth), pk=data.pop("site_id"))
    data.pop("site_id", None)
    if "home_room_id" in data:
        room_id = data.pop("home_room_id")
        data["home_room"] = (
            get_object_or_404(rooms_for(request.auth), pk=room_id) if room_id else None
        )
    return data


@router.post("/devices", response={201: DeviceOut})
@requires("devices.add_device")
def create_device(request, payload: DeviceIn):
    device = services.device_create(actor=request.auth, **_references(request, payload.dict()))
    return Status(201, _device(request, device.pk))


@router.patch("/devices/{int:device_id}", response=DeviceOut)
@requires("devices.change_device")
def update_device(request, device_id: Id, payload: DevicePatch):
    services.device_update(
        actor=request.auth,
        device=_device(request, device_id),
        **_references(request, payload.dict(exclude_unset=True)),
    )
    return _device(request, device_id)


@router.delete("/devices/{int:device_id}", response={204: None})
@requires("devices.delete_device")
def delete_device(request, device_id: Id):
    """Only a device with no check-outs on record; retire the others."""
    services.device_delete(actor=request.auth, device=_device(request, device_id))
    return Status(204, None)


@router.post("/devices/bulk", response=BulkOut)
@requires("devices.change_device")
def bulk_update_devices(request, payload: BulkIn):
    """Change the status, site or home room of up to 500 devices: all of them or none."""
    visible = list(
        selectors.devices_for(request.auth)
        .filter(pk__in=payload.device_ids)
        .values_list("pk", flat=True)
    )
    missing = sorted(set(payload.device_ids) - set(visible))
    if missing:
        raise HttpError(404, f"No device with the id {missing[0]}.")
    site = None
    if payload.site_id is not None:
        site = get_object_or_404(sites_for(request.auth), pk=payload.site_id)
    changed = services.devices_bulk_update(
        actor=request.auth,
        device_ids=visible,
        status=payload.status,
        site=site,
        room_number=payload.room_number,
        note=payload.note,
    )
    return {"changed": changed}


@router.get("/device-models", response=list[DeviceModelOut])
@requires("devices.view_devicemodel")
@paginate(Pages)
def list_device_models(request, category: DeviceCategory | None = None):
    models = DeviceModel.objects.select_related("manufacturer")
    return models.filter(category=category) if category else models


@router.post("/device-models", response={201: DeviceModelOut})
@requires("devices.add_devicemodel")
def create_device_model(request, payload: DeviceModelIn):
    return Status(201, services.device_model_create(actor=request.auth, **payload.dict()))


def _carts(request):
    return (
        selectors.devices_for(request.auth)
        .filter(model__category=DeviceCategory.CART)
        .prefetch_related("slots__device")
    )


@router.get("/carts", response=list[CartOut])
@requires("devices.view_device")
@paginate(Pages)
def list_carts(request, site: Id | None = None):
    carts = _carts(request).order_by("asset_tag")
    return carts.filter(site_id=site) if site else carts


@router.get("/carts/{int:cart_id}", response=CartOut)
@requires("devices.view_device")
def get_cart(request, cart_id: Id):
    return get_object_or_404(_carts(request), pk=cart_id)


@router.post("/carts/{int:cart_id}/slots", response={201: SlotOut})
@requires("devices.change_assignment")
def fill_cart_slot(request, cart_id: Id, payload: SlotIn):
    """Put the scanned device in the slot `number`, or the first empty one."""
    cart = get_object_or_404(_carts(request), pk=cart_id)
    device = selectors.find_device(request.auth, payload.scan)
    if device is None:
        raise HttpError(404, f"No device has the tag or serial “{payload.scan}”.")
    slot = services.cart_slot_fill(
        actor=request.auth, cart=cart, device=device, number=payload.number
    )
    return Status(201, {"number": slot.number, "device_id": device.pk, "asset_tag": str(device)})


@router.delete("/carts/{int:cart_id}/slots/{int:number}", response={204: None})
@requires("devices.change_assignment")
def empty_cart_slot(request, cart_id: Id, number: count_of(CartSlot, "number", least=1)):
    cart = get_object_or_404(_carts(request), pk=cart_id)
    services.cart_slot_empty(actor=request.auth, cart=cart, number=number)
    return Status(204, None)


@router.get("/people/{int:person_id}/acceptable-use", response=list[AcknowledgmentOut])
@requires("devices.view_assignment")
def list_acknowledgments(request, person_id: Id):
    return get_object_or_404(people_for(request.auth), pk=person_id).acceptable_use.all()


@router.post("/people/{int:person_id}/acceptable-use", response={201: AcknowledgmentOut})
@requires("devices.add_assignment")
def record_acknowledgment(request, person_id: Id, policy_version: str | None = None):
    """Record that the person signed the policy in force (or `policy_version`)."""
    person = get_object_or_404(people_for(request.auth), pk=person_id)
    return Status(
        201,
        services.acceptable_use_record(
            actor=request.auth, person=person, policy_version=policy_version
        ),
    )


# The device imports' own routes, kept for the clients that use them: they run on core's
# import lifecycle (/api/v1/imports) and answer in the shape they always had.
KINDS_IN = {"google-devices": "google-devices", "snipeit-assets": "snipeit-assets"}
KINDS_IN["csv"] = "devices-csv"


def _fields(form) -> ValidationError:
    names = {"default_category": "category"}
    return ValidationError(
        {
            names.get(name, name): [error["message"] for error in errors]
            for name, errors in form.errors.get_json_data().items()
        }
    )


@router.get("/imports/devices", response=list[DeviceImportSummaryOut], tags=["Imports"])
@requires("devices.view_deviceimport")
@paginate(Pages)
def list_device_imports(request):
    return device_imports_for(request.auth).defer("preview")


@router.get("/imports/devices/{device_import_id}", response=DeviceImportOut, tags=["Imports"])
@requires("devices.view_deviceimport")
def get_device_import(request, device_import_id: Id):
    return get_object_or_404(device_imports_for(request.auth), pk=device_import_id)


@router.post("/imports/devices", response={202: DeviceImportOut}, tags=["Imports"])
@requires("devices.add_deviceimport")
def upload_device_import(request, file: File[UploadedFile], options: Form[DeviceImportOptions]):
    """Upload a device file. It is checked in the background; with `dry_run=false` it is
    applied as soon as the check finds no problems. Poll the import for its status."""
    kind = KINDS_IN.get(options.kind)
    if kind is None:
        wrong = f"Select a valid choice. {options.kind} is not one of the available choices."
        raise ValidationError({"kind": [wrong]})
    found = format_for(kind)
    upload = UploadForm(files={"file": file}, found=found)
    chosen = {"site": options.site}
    if kind != "google-devices":
        chosen["default_category"] = options.category
    option_form = found.options_form(chosen, user=request.auth)
    site_field = option_form.fields["site"]
    site_field.error_messages["invalid_choice"] = ModelChoiceField.default_error_messages[
        "invalid_choice"
    ]
    upload_ok, options_ok = upload.is_valid(), option_form.is_valid()
    if not upload_ok:
        raise _fields(upload)
    if not options_ok:
        raise _fields(option_form)
    mapping = {}
    if kind == "devices-csv":
        mapping = _api_mapping(upload.cleaned_data["file"], options.mapping)
    run_options, site = split_options(option_form.cleaned_data)
    run = import_services.import_run_upload(
        actor=request.auth,
        kind=kind,
        upload=upload.cleaned_data["file"],
        site=site,
        options=run_options,
        mappings=mapping,
        apply=not options.dry_run,
    )
    return Status(202, run)


def _api_mapping(upload, text: str) -> dict:
    """An other CSV file's columns as the caller matched them (JSON), or as Homeroom guesses
    them from the names and values when the caller gave none."""
    found = preview(upload.read(HEAD_BYTES), CSV)
    upload.seek(0)
    try:
        mapping = json.loads(text) if text.strip() else None
    except json.JSONDecodeError as error:
        raise ValidationError({"mapping": [f"Not valid JSON: {error}"]}) from None
    if mapping is None:
        mapping = generic.guess_mapping(found.header, found.samples)
    if not isinstance(mapping, dict) or not all(
        isinstance(column, str) for column in mapping.values()
    ):
        raise ValidationError({"mapping": ['An object such as {"serial_number": "Serial"}.']})
    mapping = {key: column for key, column in mapping.items() if column}
    problems = generic.mapping_problems(mapping, found.header)
    if problems:
        raise ValidationError({"mapping": problems})
    return mapping


@router.post(
    "/imports/devices/{device_import_id}/apply", response={202: DeviceImportOut}, tags=["Imports"]
)
@requires("devices.add_deviceimport")
def apply_device_import(request, device_import_id: Id):
    run = get_object_or_404(device_imports_for(request.auth), pk=device_import_id)
    return Status(202, import_services.import_run_queue_apply(run, actor=request.auth))


@router.post(
    "/imports/devices/{device_import_id}/values",
    response={202: DeviceImportOut},
    tags=["Imports"],
)
@requires("devices.add_deviceimport")
def map_device_import_values(request, device_import_id: Id, payload: ValueChoices):
    """Say what org units, locations and categories the import lists in `unmapped` stand
    for. Saved for every later import; the file is checked again with them."""
    run = get_object_or_404(device_imports_for(request.auth), pk=device_import_id)
    if run.kind not in MAPPABLE_VALUES:
        raise Conflict("Only Google Admin and Snipe-IT files have values to map.")
    chosen = []
    for item in payload.mappings:
        site = None
        if item.site:
            site = sites_for(request.auth).filter(code__iexact=item.site).first()
            if site is None:
                raise ValidationError(
                    {"site": [f"You work at no site with the code “{item.site}”."]}
                )
        chosen.append(
            {
                "field": item.field,
                "value": item.value,
                "site": site,
                "room_number": item.room,
                "category": item.category,
            }
        )
    run = import_services.import_run_set_mappings(
        run, actor=request.auth, mappings={"values": chosen}
    )
    return Status(202, run)


@router.get("/imports/device-value-mappings", response=list[ValueMappingOut], tags=["Imports"])
@requires("devices.view_deviceimport")
@paginate(Pages)
def list_value_mappings(request):
    return value_mappings_for(request.auth)


@router.delete(
    "/imports/device-value-mappings/{mapping_id}", response={204: None}, tags=["Imports"]
)
@requires("devices.add_deviceimport")
def remove_value_mapping(request, mapping_id: Id):
    mapping = get_object_or_404(value_mappings_for(request.auth), pk=mapping_id)
    value_services.import_value_mapping_remove(actor=request.auth, mapping=mapping)
    return Status(204, None)
