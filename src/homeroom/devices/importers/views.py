"""Device import pages that are the devices app's own: the saved mappings of org units,
locations and categories. The imports themselves are core's pages under /imports/KIND/; the
old addresses under /devices/imports/ lead there."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.exceptions import problem_text
from homeroom.core.import_views import moved_run_page, run_list_page
from homeroom.core.lists import paginate
from homeroom.devices.importers import services
from homeroom.devices.importers.forms import SavedMappingForm
from homeroom.devices.importers.selectors import DEVICE_KINDS, value_mappings_for


@access("devices.view_deviceimport")
def import_list(request):
    """The history of device imports: core's list of import runs, of the device kinds."""
    links = [("Saved mappings", reverse("devices:value_mapping_list"))]
    return run_list_page(request, kinds=DEVICE_KINDS, title="Device imports", links=links)


@access("devices.add_deviceimport")
def import_create(request):
    kind = request.GET.get("kind") or DEVICE_KINDS[0]
    if kind == "csv":
        kind = DEVICE_KINDS[2]
    if kind not in DEVICE_KINDS:
        raise Http404("No such kind of device file.")
    return redirect("core:import_run_create", kind)


def _run_page(page: str):
    return moved_run_page(
        page,
        kinds=DEVICE_KINDS,
        old_id="device_import_id",
        view="devices.view_deviceimport",
        use="devices.add_deviceimport",
    )


import_detail = _run_page("detail")
import_mapping = _run_page("mapping")
import_map_values = _run_page("values")
import_problems = _run_page("problems")
import_apply = _run_page("apply")
import_recheck = _run_page("recheck")


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
