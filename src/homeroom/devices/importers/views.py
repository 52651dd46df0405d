"""Device import pages: the history, a new import, matching an other CSV file's columns, an
import's progress, preview (counts, device by device changes, problems, the org units,
locations and categories that match nothing with a picker each) and result, and the saved
mappings of such values."""

import re
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.lists import csv_response, paginate
from homeroom.devices.choices import DeviceImportKind, DeviceImportStatus, DeviceStatus
from homeroom.devices.importers import generic, services
from homeroom.devices.importers.forms import (
    DeviceImportForm,
    MappingForm,
    RecheckForm,
    SavedMappingForm,
    UnmappedForm,
)
from homeroom.devices.importers.selectors import device_imports_for, value_mappings_for
from homeroom.devices.importers.upload import NotADeviceFile
from homeroom.devices.models import Device

CHANGES_SHOWN = 200
REMAPPABLE = {DeviceImportStatus.MAPPING, DeviceImportStatus.CHECKED, DeviceImportStatus.REJECTED}
CHECKABLE = {DeviceImportStatus.CHECKED, DeviceImportStatus.REJECTED, DeviceImportStatus.FAILED}
LINE = re.compile(r"(\d+): ")
FIELD_NAMES = {
    "asset_tag": "Asset tag",
    "serial_number": "Serial number",
    "model": "Model",
    "site": "Site",
    "status": "Status",
    "holder": "Checked out to",
    "mac_addresses": "MAC addresses",
    "os_version": "OS version",
    "org_unit_path": "Org unit path",
    "last_sync": "Last sync",
    "home_room": "Home room",
}


@access("devices.view_deviceimport")
def import_list(request):
    imports = device_imports_for(request.user).defer("changes", "warnings", "mapping")
    page = paginate(request, imports, per_page=25)
    return render(request, "devices/imports/import_list.html", {"page": page})


@access("devices.add_deviceimport")
def import_create(request):
    form = DeviceImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = services.device_import_upload(
            actor=request.user,
            upload=data["file"],
            kind=data["kind"],
            site=data["site"],
            default_category=data["default_category"],
        )
        if record.status == DeviceImportStatus.MAPPING:
            messages.success(request, f"Uploaded {record.file_name}. Match its columns next.")
            return redirect("devices:import_mapping", record.pk)
        messages.success(
            request,
            f"Uploaded {record.file_name}. Checking it now; nothing changes until you apply it.",
        )
        return redirect(record)
    return render(request, "devices/imports/import_form.html", {"form": form})


@access("devices.add_deviceimport")
def import_mapping(request, pk: int):
    record = get_object_or_404(device_imports_for(request.user), pk=pk)
    if record.kind != DeviceImportKind.CSV or record.status not in REMAPPABLE:
        messages.error(request, "This import's columns cannot be matched now.")
        return redirect(record)
    try:
        preview = services.file_preview(record)
    except (OSError, NotADeviceFile) as error:
        messages.error(request, f"The uploaded file cannot be read any more ({error}).")
        return redirect(record)
    initial = record.mapping or generic.guess_mapping(preview.header, preview.samples)
    form = MappingForm(request.POST or None, preview=preview, initial_mapping=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.device_import_set_mapping(
                record, actor=request.user, mapping=form.cleaned_data["mapping"]
            )
        except Conflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Columns matched. Checking the file now.")
        return redirect(record)
    context = {"record": record, "form": form, "preview": preview}
    return render(request, "devices/imports/import_mapping.html", context)


@access("devices.view_deviceimport")
def import_detail(request, pk: int):
    record = get_object_or_404(device_imports_for(request.user), pk=pk)
    template = "devices/imports/import_detail.html"
    context = detail_context(request, record)
    return render(request, f"{template}#progress" if request.htmx else template, context)


def detail_context(request, record, unmapped_form: UnmappedForm | None = None) -> dict:
    if (
        unmapped_form is None
        and record.unmapped
        and record.status in CHECKABLE
        and request.user.has_perm("devices.add_deviceimport")
    ):
        unmapped_form = UnmappedForm(user=request.user, record=record)
    return {
        "unmapped_form": unmapped_form,
        "record": record,
        "counts": count_rows(record.counts),
        "changes": [change_row(change) for change in record.changes[:CHANGES_SHOWN]],
        "changes_hidden": record.changes_total - min(len(record.changes), CHANGES_SHOWN),
        "mapping": [
            (generic.FIELD_LABELS.get(key, key), column) for key, column in record.mapping.items()
        ],
        "remappable": record.kind == DeviceImportKind.CSV and record.status in REMAPPABLE,
        "recheck_form": RecheckForm(
            user=request.user,
            kind=record.kind,
            initial={
                "site": record.site.code if record.site else "",
                "default_category": record.default_category,
            },
        ),
    }


@access("devices.add_deviceimport")
@require_POST
def import_map_values(request, pk: int):
    """Save the sites and kinds of device chosen for the values that match nothing, and
    check the file again with them."""
    record = get_object_or_404(device_imports_for(request.user), pk=pk)
    if record.status not in CHECKABLE:
        messages.error(request, "This import cannot be checked again now.")
        return redirect(record)
    form = UnmappedForm(request.POST, user=request.user, record=record)
    if form.is_valid():
        try:
            services.device_import_map_values(
                record, actor=request.user, chosen=form.cleaned_data["chosen"]
            )
        except Conflict as error:
            messages.error(request, str(error))
            return redirect(record)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, "Saved for this and later imports. Checking the file again.")
            return redirect(record)
    context = detail_context(request, record, unmapped_form=form)
    return render(request, "devices/imports/import_detail.html", context, status=400)


@access("devices.view_deviceimport")
def value_mapping_list(request):
    mappings = value_mappings_for(request.user)
    page = paginate(request, mappings, per_page=50)
    return render(request, "devices/imports/value_mapping_list.html", {"page": page})


@access("devices.add_deviceimport")
def value_mapping_edit(request, pk: int):
    mapping = get_object_or_404(value_mappings_for(request.user), pk=pk)
    initial = {
        "site": mapping.site.code if mapping.site else "",
        "room": mapping.room.number if mapping.room else "",
        "category": mapping.category,
    }
    form = SavedMappingForm(
        request.POST or None, user=request.user, mapping=mapping, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.import_value_mapping_save(
                actor=request.user,
                source=mapping.source,
                field=mapping.field,
                value=mapping.value,
                site=data.get("site"),
                room_number=data.get("room", ""),
                category=data.get("category", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, "Mapping saved; later imports use it.")
            return redirect("devices:value_mapping_list")
    context = {"mapping": mapping, "form": form}
    return render(request, "devices/imports/value_mapping_form.html", context)


@access("devices.add_deviceimport")
@require_POST
def value_mapping_remove(request, pk: int):
    mapping = get_object_or_404(value_mappings_for(request.user), pk=pk)
    try:
        services.import_value_mapping_remove(actor=request.user, mapping=mapping)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{mapping.value}” is no longer mapped.")
    return redirect("devices:value_mapping_list")


@access("devices.view_deviceimport")
def import_problems(request, pk: int):
    """The problems and warnings as a CSV file: kind, file, line, column, message."""
    record = get_object_or_404(device_imports_for(request.user), pk=pk)
    try:
        header = services.file_preview(record).header
    except (OSError, NotADeviceFile):
        header = []
    return csv_response(
        f"device-import-{pk}-problems.csv",
        ["kind", "file", "line", "column", "message"],
        [
            [kind, *split_problem(text, Path(record.file_path).name, header)]
            for kind, found in (("problem", record.errors), ("warning", record.warnings))
            for text in found
        ],
    )


@access("devices.add_deviceimport")
@require_POST
def import_apply(request, pk: int):
    record = get_object_or_404(device_imports_for(request.user), pk=pk)
    try:
        services.device_import_queue_apply(record, actor=request.user)
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Applying the file. You can leave this page; it keeps going.")
    return redirect(record)


@access("devices.add_deviceimport")
@require_POST
def import_recheck(request, pk: int):
    record = get_object_or_404(device_imports_for(request.user), pk=pk)
    form = RecheckForm(request.POST, user=request.user, kind=record.kind)
    if not form.is_valid():
        messages.error(request, "Choose one of your sites for new devices.")
        return redirect(record)
    try:
        services.device_import_recheck(record, actor=request.user, **form.cleaned_data)
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Checking the file again.")
    return redirect(record)


def split_problem(text: str, file: str, header: list[str]) -> list:
    """`file:line: column: message` back into its parts. A column name may itself hold
    “: ” (Snipe-IT's “Checked Out To: Email”), so the file's own column names go first."""
    match = LINE.match(text.removeprefix(f"{file}:")) if text.startswith(f"{file}:") else None
    if match is None:
        return ["", "", "", text]  # “… and 12 more problems”
    line, rest = int(match[1]), text[len(file) + 1 + match.end() :]
    for name in sorted((name for name in header if name), key=len, reverse=True):
        if rest.startswith(f"{name}: "):
            return [file, line, name, rest[len(name) + 2 :]]
    column, _, message = rest.partition(": ")
    return [file, line, column, message]


COUNT_LABELS = {
    "devices": "Devices",
    "models": "Models",
    "manufacturers": "Manufacturers",
    "assignments": "Check-outs",
}


def count_rows(counts: dict) -> list[tuple[str, dict]]:
    return [(label, counts[key]) for key, label in COUNT_LABELS.items() if key in counts]


def change_row(change: dict) -> dict:
    """One device's change in words: “Status: In stock → Deployed”."""
    shown = []
    for name, (old, new) in change["fields"].items():
        if name == "asset_tag" and old is None:
            continue  # the tag is its own column
        label = FIELD_NAMES.get(name) or _verbose(name)
        if name == "status":
            old, new = _status(old), _status(new)
        shown.append((label, "" if old in (None, "") else str(old), str(new or "")))
    return {**change, "shown": shown}


def _verbose(name: str) -> str:
    try:
        return str(Device._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def _status(value):
    return DeviceStatus(value).label if value in DeviceStatus.values else value
