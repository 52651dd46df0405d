from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from homeroom.core.access import requires
from homeroom.core.selectors import rooms_for
from homeroom.devices import selectors, services
from homeroom.devices.filters import DeviceFilter
from homeroom.devices.importers import forms as import_forms
from homeroom.devices.importers import services as import_services
from homeroom.devices.importers.schemas import DeviceImportOptions, DeviceImportOut
from homeroom.devices.importers.selectors import device_imports_for
from homeroom.devices.models import Assignment
from homeroom.devices.schemas import AssignmentOut, CheckInIn, CheckOutIn, DeviceOut, StatusIn
from homeroom.people.selectors import people_for

router = Router(tags=["Devices"])


def _device(request, device_id: int):
    return get_object_or_404(
        selectors.with_current_assignment(selectors.devices_for(request.auth)), pk=device_id
    )


@router.get("/devices", response=list[DeviceOut])
@requires("devices.view_device")
@paginate(PageNumberPagination)
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


@router.get("/devices/{device_id}", response=DeviceOut)
@requires("devices.view_device")
def get_device(request, device_id: int):
    return _device(request, device_id)


@router.post("/devices/{device_id}/status", response=DeviceOut)
@requires("devices.change_device")
def set_device_status(request, device_id: int, payload: StatusIn):
    services.device_set_status(
        actor=request.auth,
        device=_device(request, device_id),
        status=payload.status,
        note=payload.note,
    )
    return _device(request, device_id)


@router.post("/devices/{device_id}/check-out", response={201: AssignmentOut})
@requires("devices.add_assignment")
def check_out(request, device_id: int, payload: CheckOutIn):
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
    )
    return Status(201, assignment)


@router.post("/devices/{device_id}/check-in", response=AssignmentOut)
@requires("devices.change_assignment")
def check_in(request, device_id: int, payload: CheckInIn):
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
@paginate(PageNumberPagination)
def list_assignments(request, open: bool | None = None, person_id: int | None = None):
    assignments = Assignment.objects.filter(
        device__in=selectors.devices_for(request.auth).values("pk")
    ).order_by("-pk")
    if open is not None:
        assignments = assignments.filter(checked_in_at__isnull=open)
    if person_id is not None:
        assignments = assignments.filter(person_id=person_id)
    return assignments


@router.get("/imports/devices", response=list[DeviceImportOut], tags=["Imports"])
@requires("devices.view_deviceimport")
@paginate(PageNumberPagination)
def list_device_imports(request):
    return device_imports_for(request.auth)


@router.get("/imports/devices/{device_import_id}", response=DeviceImportOut, tags=["Imports"])
@requires("devices.view_deviceimport")
def get_device_import(request, device_import_id: int):
    return get_object_or_404(device_imports_for(request.auth), pk=device_import_id)


@router.post("/imports/devices", response={202: DeviceImportOut}, tags=["Imports"])
@requires("devices.add_deviceimport")
def upload_device_import(request, file: File[UploadedFile], options: Form[DeviceImportOptions]):
    """Upload a device file. It is checked in the background; with `dry_run=false` it is
    applied as soon as the check finds no problems. Poll the import for its status."""
    form = import_forms.ApiImportForm(
        {
            "kind": options.kind,
            "site": options.site,
            "default_category": options.category,
            "mapping": options.mapping,
        },
        {"file": file},
        user=request.auth,
    )
    if not form.is_valid():
        names = {"default_category": "category"}
        raise ValidationError(
            {
                names.get(name, name): [error["message"] for error in errors]
                for name, errors in form.errors.get_json_data().items()
            }
        )
    data = form.cleaned_data
    record = import_services.device_import_upload(
        actor=request.auth,
        upload=data["file"],
        kind=data["kind"],
        site=data["site"],
        default_category=data["default_category"],
        mapping=data["mapping"],
        apply=not options.dry_run,
    )
    return Status(202, record)


@router.post(
    "/imports/devices/{device_import_id}/apply", response={202: DeviceImportOut}, tags=["Imports"]
)
@requires("devices.add_deviceimport")
def apply_device_import(request, device_import_id: int):
    record = get_object_or_404(device_imports_for(request.auth), pk=device_import_id)
    return Status(202, import_services.device_import_queue_apply(record, actor=request.auth))
