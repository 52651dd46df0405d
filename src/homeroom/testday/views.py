from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from homeroom.core import roles
from homeroom.core.access import access
from homeroom.core.exceptions import problem_text
from homeroom.core.filters import filtered
from homeroom.core.lists import csv_response, export_response, paginate
from homeroom.core.models import Site
from homeroom.core.selectors import audit_events_for, sites_for
from homeroom.people.models import User
from homeroom.testday import selectors, services
from homeroom.testday.choices import FIGURES, PlatformKind, ReadinessState, WindowPhase
from homeroom.testday.filters import PlatformFilter, ReadinessFilter, WindowFilter
from homeroom.testday.forms import PlatformForm, WindowForm
from homeroom.testday.models import TestingWindow

VIEW_WINDOWS = "testday.view_testingwindow"
VIEW_PLATFORMS = "testday.view_assessmentplatform"


def form_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _with_sites(windows):
    return windows.prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("name")))


@access(VIEW_WINDOWS)
def window_list(request):
    """Testing windows, coming and open first, with one filter form; CSV or XLSX of what
    the filters show."""
    window_filter, windows = filtered(
        request, WindowFilter, selectors.windows_for(request.user), site_field="sites"
    )
    if window_filter.phase is None:
        # Without a choice of when: the windows open now and coming, soonest first.
        windows = selectors.current_and_coming(windows).order_by("ends_on", "pk")
    else:
        windows = windows.order_by("-ends_on", "pk")
    windows = _with_sites(windows)
    if request.GET.get("export") in {"csv", "xlsx"}:
        rows = (
            [
                window.assessment,
                window.content_area,
                window.platform.name,
                window.starts_on,
                window.ends_on,
                ", ".join(site.name for site in window.sites.all()),
                window.grades_label,
            ]
            for window in windows
        )
        header = ["Assessment", "Content area", "Platform", "First day", "Last day"]
        return export_response(request, "testing-windows", [*header, "Schools", "Grades"], rows)
    context = {
        "page": paginate(request, windows),
        "filter": window_filter,
        "phases": WindowPhase.choices,
        "platforms": selectors.platforms_for(request.user).order_by("name"),
        "sites": sites_for(request.user).filter(is_active=True).order_by("name"),
        "query": request.GET.urlencode(),
    }
    template = "testday/window_list.html#table" if request.htmx else "testday/window_list.html"
    return render(request, template, context)


def _window(request, pk: int):
    return get_object_or_404(_with_sites(selectors.windows_for(request.user)), pk=pk)


@access(VIEW_WINDOWS)
def window_detail(request, pk: int):
    window = _window(request, pk)
    return render(
        request,
        "testday/window_detail.html",
        {
            "window": window,
            "manages": selectors.can_manage(request.user, window),
            "coordinators": window.coordinators.order_by("last_name", "first_name"),
            "events": audit_events_for(request.user, window)[:50],
        },
    )


def _window_form(request, data=None, initial=None):
    return WindowForm(
        data,
        initial=initial,
        platforms=selectors.platforms_for(request.user).filter(is_active=True).order_by("name"),
        sites=sites_for(request.user).filter(is_active=True).order_by("name"),
        coordinators=User.objects.filter(
            is_active=True,
            groups__name__in=[roles.TEST_COORDINATOR, roles.TECHNICIAN, roles.DISTRICT_ADMIN],
        )
        .distinct()
        .order_by("last_name", "first_name", "username"),
    )


@access("testday.add_testingwindow")
def window_create(request):
    form = _window_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            window = services.window_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Planned {window.assessment}.")
            return redirect(window)
    return render(request, "testday/window_form.html", {"form": form, "window": None})


@access("testday.change_testingwindow")
def window_edit(request, pk: int):
    window = _window(request, pk)
    if not selectors.can_manage(request.user, window):
        raise PermissionDenied(
            "Only someone who works at every school of this window can change it."
        )
    initial = {
        "assessment": window.assessment,
        "content_area": window.content_area,
        "platform": window.platform_id,
        "starts_on": window.starts_on,
        "ends_on": window.ends_on,
        "sites": list(window.sites.all()),
        "grades": window.grades_label.replace("\N{EN DASH}", "-"),
        "coordinators": list(window.coordinators.all()),
        "notes": window.notes,
    }
    form = _window_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.window_update(actor=request.user, window=window, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Saved {window.assessment}.")
            return redirect(window)
    return render(request, "testday/window_form.html", {"form": form, "window": window})


@access(VIEW_PLATFORMS)
def platform_list(request):
    platform_filter, platforms = filtered(
        request, PlatformFilter, selectors.platforms_for(request.user)
    )
    context = {
        "page": paginate(request, platforms.order_by("-is_active", "name")),
        "filter": platform_filter,
        "kinds": PlatformKind.choices,
    }
    template = "testday/platform_list.html#table" if request.htmx else "testday/platform_list.html"
    return render(request, template, context)


def _platform(request, pk: int):
    return get_object_or_404(selectors.platforms_for(request.user), pk=pk)


@access(VIEW_PLATFORMS)
def platform_detail(request, pk: int):
    platform = _platform(request, pk)
    form = PlatformForm(instance=platform)
    figures = [
        (form.fields[figure].label, getattr(platform, figure), platform.sources.get(figure, ""))
        for figure in FIGURES
    ]
    return render(
        request,
        "testday/platform_detail.html",
        {
            "platform": platform,
            "figures": figures,
            "windows": selectors.current_and_coming(
                selectors.windows_for(request.user).filter(platform=platform)
            ).order_by("starts_on")[:20],
            "events": audit_events_for(request.user, platform)[:50],
        },
    )


@access("testday.add_assessmentplatform")
def platform_create(request):
    form = PlatformForm(request.POST or None, initial={"kind": PlatformKind.CUSTOM})
    if request.method == "POST" and form.is_valid():
        try:
            platform = services.platform_create(actor=request.user, **form.values())
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Added {platform.name}.")
            return redirect(platform)
    return render(request, "testday/platform_form.html", {"form": form, "platform": None})


@access("testday.change_assessmentplatform")
def platform_edit(request, pk: int):
    platform = _platform(request, pk)
    form = PlatformForm(request.POST or None, instance=platform)
    if request.method == "POST" and form.is_valid():
        try:
            services.platform_update(actor=request.user, platform=platform, **form.values())
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Saved {platform.name}.")
            return redirect(platform)
    return render(request, "testday/platform_form.html", {"form": form, "platform": platform})


@access(VIEW_WINDOWS)
def window_readiness(request, pk: int):
    """Each school's devices against the window's platform (counts, red/amber/green, spares,
    the reasons), and the devices of one school or state with the reason for each."""
    window = _window(request, pk)
    now = timezone.now()
    readiness_filter, _ = filtered(request, ReadinessFilter, TestingWindow.objects.none())
    schools = selectors.readiness_summary(request.user, window, now)
    site = None
    if readiness_filter.site:
        site = next((s.site for s in schools if s.site.pk == readiness_filter.site), None)
    states = (
        {readiness_filter.state}
        if readiness_filter.state
        else {ReadinessState.WARNING, ReadinessState.NOT_READY}
    )
    rows = []
    if site is not None or len(schools) == 1:
        chosen = site or schools[0].site
        rows = [
            (device, verdict)
            for device, verdict in selectors.device_verdicts(request.user, window, now, site=chosen)
            if verdict.state in states
        ]
    else:
        chosen = None
    context = {
        "window": window,
        "schools": schools,
        "filter": readiness_filter,
        "chosen": chosen,
        "page": paginate(request, rows),
        "states": ReadinessState.choices,
        "platform": window.platform,
        "query": request.GET.urlencode(),
        "technician_links": request.user.has_perm("devices.view_device"),
    }
    template = "testday/readiness.html#devices" if request.htmx else "testday/readiness.html"
    return render(request, template, context)


@access(VIEW_WINDOWS)
def readiness_export(request, pk: int):
    """Every testing device of the window that is not ready or needs a look, with the
    reasons (CSV or XLSX)."""
    window = _window(request, pk)
    rows = (
        [
            device["site__name"],
            device["asset_tag"],
            device["serial_number"],
            device["model__name"],
            device["os_version"],
            device["org_unit_path"],
            verdict.label,
            "; ".join(verdict.reasons),
        ]
        for device, verdict in selectors.device_verdicts(request.user, window, timezone.now())
        if verdict.state != ReadinessState.READY
    )
    header = ["School", "Asset tag", "Serial number", "Model", "OS version", "Org unit"]
    return export_response(
        request, f"readiness-{window.pk}", [*header, "Readiness", "Reasons"], rows
    )


@access(VIEW_WINDOWS)
def org_unit_moves(request, pk: int):
    """The Chromebooks outside the platform's testing org unit, as serial number and the
    org unit to move each to (the Directory API's serialNumber and orgUnitPath), for a bulk
    move in Google Admin."""
    window = _window(request, pk)
    unit = window.platform.testing_org_unit
    if not unit:
        messages.warning(
            request, f"{window.platform} names no testing org unit: set it on its page first."
        )
        return redirect("testday:window_readiness", pk=window.pk)
    rows = (
        [device["serial_number"], unit]
        for device, verdict in selectors.device_verdicts(request.user, window, timezone.now())
        if device["model__category"] == "chromebook"
        and any(reason.startswith("In org unit") for reason in verdict.reasons)
    )
    return csv_response(f"org-unit-moves-{window.pk}.csv", ["serialNumber", "orgUnitPath"], rows)


@access(VIEW_PLATFORMS)
@require_POST
def cache_check(request, pk: int):
    """Try the platform's caching server from this server, and say what happened."""
    platform = _platform(request, pk)
    reachable, message = services.cache_server_check(platform=platform)
    (messages.success if reachable else messages.error)(request, message)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(platform)
