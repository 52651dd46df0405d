from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from homeroom.core import roles
from homeroom.core.access import access
from homeroom.core.charts import bar_chart
from homeroom.core.exceptions import problem_text
from homeroom.core.filters import filtered
from homeroom.core.forms import form_errors
from homeroom.core.lists import csv_response, export_response, paginate
from homeroom.core.models import Site
from homeroom.core.selectors import audit_events_for, rooms_for, sites_for
from homeroom.people.models import User
from homeroom.people.selectors import classes_for
from homeroom.testday import documents, selectors, services
from homeroom.testday.choices import (
    FIGURES,
    SESSION_TRANSITIONS,
    Accommodation,
    CheckItem,
    PlatformKind,
    ReadinessState,
    SessionStatus,
    WindowPhase,
)
from homeroom.testday.filters import (
    PlatformFilter,
    ReadinessFilter,
    TestingSessionFilter,
    WindowFilter,
)
from homeroom.testday.forms import (
    IncidentForm,
    PlatformForm,
    ResolveForm,
    SessionForm,
    StudentsForm,
    WindowForm,
)
from homeroom.testday.models import TestingWindow

VIEW_WINDOWS = "testday.view_testingwindow"
VIEW_PLATFORMS = "testday.view_assessmentplatform"


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


# Sessions -------------------------------------------------------------------------------

VIEW_SESSIONS = "testday.view_testsession"


@access(VIEW_SESSIONS)
def session_list(request):
    """Test sessions the user may see, coming first, with one filter form."""
    session_filter, sessions = filtered(
        request, TestingSessionFilter, selectors.sessions_for(request.user), site_field="site"
    )
    if session_filter.day is None and session_filter.window is None:
        sessions = sessions.filter(ends_at__gte=timezone.now())
    sessions = sessions.annotate(student_count=Count("students")).order_by("starts_at", "pk")
    context = {
        "page": paginate(request, sessions),
        "filter": session_filter,
        "statuses": SessionStatus.choices,
        "windows": selectors.windows_for(request.user).order_by("-ends_on")[:50],
        "sites": sites_for(request.user).filter(is_active=True).order_by("name"),
    }
    template = "testday/session_list.html#table" if request.htmx else "testday/session_list.html"
    return render(request, template, context)


def _staff():
    return (
        User.objects.filter(is_active=True)
        .exclude(groups__name=roles.STUDENT)
        .order_by("last_name", "first_name", "username")
    )


@access("testday.add_testsession")
def session_create(request):
    windows = selectors.windows_for(request.user).order_by("-ends_on")
    initial = {}
    chosen = request.GET.get("window", "")
    if chosen.isdigit() and windows.filter(pk=chosen).exists():
        initial["window"] = int(chosen)
    form = SessionForm(
        request.POST or None,
        initial=initial,
        windows=windows,
        rooms=rooms_for(request.user).filter(is_active=True).order_by("site__name", "number"),
        staff=_staff(),
        sessions=selectors.sessions_for(request.user).order_by("-starts_at")[:200],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=request.user,
                window=data["window"],
                room=data["room"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                administrators=data["administrators"],
                proctors=data["proctors"],
                make_up_for=data["make_up_for"],
                notes=data["notes"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Scheduled {session}. Add its students next.")
            return redirect(session)
    return render(request, "testday/session_form.html", {"form": form})


def _session(request, pk: int):
    return get_object_or_404(selectors.sessions_for(request.user), pk=pk)


@access(VIEW_SESSIONS)
def session_detail(request, pk: int):
    session = _session(request, pk)
    runs = selectors.can_run(request.user, session)
    entries = list(selectors.roster(session))
    verdicts = selectors.session_verdicts(session, timezone.now())
    rows = [(entry, verdicts.get(entry.pk)) for entry in entries]
    plans = request.user.has_perm("testday.add_testsession")
    checks = {check.item: check for check in session.checks.select_related("done_by")}
    return render(
        request,
        "testday/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "runs": runs,
            "plans": plans,
            "accommodations": selectors.sees_accommodations(request.user, session),
            "accommodation_choices": Accommodation.choices,
            "student_ids": request.user.has_perm("people.view_student_ids"),
            "next_statuses": [
                (status, SessionStatus(status).label)
                for status in (SessionStatus.TESTING, SessionStatus.DONE, SessionStatus.SCHEDULED)
                if status in SESSION_TRANSITIONS[session.status]
            ],
            "administrators": session.administrators.order_by("last_name", "first_name"),
            "proctors": session.proctors.order_by("last_name", "first_name"),
            "students_form": StudentsForm(
                classes=classes_for(request.user)
                .filter(site=session.site, is_active=True)
                .order_by("title")
            )
            if plans
            else None,
            "bound": sum(1 for entry in entries if entry.device_id),
            "incidents": session.incidents.select_related("student__person"),
            "checklist": [(value, label, checks.get(value)) for value, label in CheckItem.choices],
            "not_ready": sum(
                1 for verdict in verdicts.values() if verdict.state != ReadinessState.READY
            ),
        },
    )


def _problem(request, error) -> None:
    messages.error(request, problem_text(error))


@access(VIEW_SESSIONS)
@require_POST
def session_status(request, pk: int):
    session = _session(request, pk)
    try:
        services.session_set_status(
            actor=request.user, session=session, status=request.POST.get("status", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        session.refresh_from_db()
        messages.success(request, f"{session} is now {session.get_status_display().lower()}.")
    return redirect(session)


@access("testday.add_testsession")
@require_POST
def session_students(request, pk: int):
    session = _session(request, pk)
    form = StudentsForm(
        request.POST,
        classes=classes_for(request.user).filter(site=session.site, is_active=True),
    )
    if not form.is_valid():
        messages.error(request, "Choose a class from the list, a grade, or paste ids.")
        return redirect(session)
    try:
        added = services.students_add(actor=request.user, session=session, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        messages.success(request, f"Added {added} students." if added else "No one new to add.")
    return redirect(session)


def _entry(request, session, value):
    value = str(value or "")
    entry = session.students.filter(pk=value).first() if value.isdigit() else None
    if entry is None:
        messages.error(request, "That student is not in this session.")
    return entry


@access(VIEW_SESSIONS)
@require_POST
def session_bind(request, pk: int):
    """Bind the scanned device to one student; says at once whether it is ready."""
    session = _session(request, pk)
    entry = _entry(request, session, request.POST.get("entry"))
    if entry is None:
        return redirect(session)
    try:
        entry = services.device_bind(
            actor=request.user, entry=entry, scan=request.POST.get("device", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
        return redirect(session)
    verdict = selectors.session_verdicts(session, timezone.now()).get(entry.pk)
    text = f"✓ {entry.device} is {entry.person}'s device"
    if verdict is None or verdict.state == ReadinessState.READY:
        messages.success(request, f"{text}. Ready.")
    else:
        messages.warning(request, f"{text}. {verdict.label}: {'; '.join(verdict.reasons)}.")
    return redirect(session)


@access(VIEW_SESSIONS)
@require_POST
def session_cart(request, pk: int):
    session = _session(request, pk)
    try:
        bound = services.cart_bind(
            actor=request.user, session=session, scan=request.POST.get("cart", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        messages.success(request, f"Bound {bound} devices from the cart, slot by slot.")
    return redirect(session)


@access(VIEW_SESSIONS)
@require_POST
def session_student(request, pk: int):
    """Mark a student absent or present, or set their accommodations."""
    session = _session(request, pk)
    entry = _entry(request, session, request.POST.get("entry"))
    if entry is None:
        return redirect(session)
    values = {}
    if "absent" in request.POST:
        values["absent"] = request.POST["absent"] == "1"
    if "accommodations" in request.POST:
        values["accommodations"] = [
            value
            for value in request.POST.getlist("accommodation")
            if value in Accommodation.values
        ]
    try:
        services.student_update(actor=request.user, entry=entry, **values)
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        messages.success(request, f"Saved {entry.person}.")
    return redirect(session)


# The live board and incidents -------------------------------------------------------------

BOARD_REFRESH_SECONDS = 20


@access(VIEW_SESSIONS)
def live_board(request):
    """Every session today, school by school and room by room, with its state, open
    incidents and swaps; refreshes itself."""
    today = timezone.localdate()
    sessions = selectors.board(request.user, today)
    if request.current_site is not None:
        sessions = [s for s in sessions if s.site_id == request.current_site.pk]
    schools = {}
    for session in sessions:
        schools.setdefault(session.site.name, []).append(session)
    context = {
        "schools": list(schools.items()),
        "today": today,
        "refreshed": timezone.localtime(),
        "refresh": BOARD_REFRESH_SECONDS,
        "testing": sum(1 for s in sessions if s.status == SessionStatus.TESTING),
        "open_incidents": sum(s.open_incidents for s in sessions),
    }
    template = "testday/board.html#board" if request.htmx else "testday/board.html"
    return render(request, template, context)


@access(VIEW_SESSIONS)
def incident_new(request, pk: int):
    """The quick form: what, who, which device, when; swap to a spare in the same step."""
    session = _session(request, pk)
    if not selectors.can_run(request.user, session):
        raise PermissionDenied("Only the people running this session log its incidents.")
    students = selectors.roster(session)
    form = IncidentForm(request.POST or None, students=students)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                incident = services.incident_log(
                    actor=request.user,
                    session=session,
                    kind=data["kind"],
                    student=data["student"],
                    device_scan=data["device"],
                    noticed_at=data["noticed_at"],
                    description=data["description"],
                    action_taken=data["action_taken"],
                    resolved=data["resolved"],
                    testing_resumed=data["testing_resumed"],
                    open_ticket=data["open_ticket"] and not data["swap_to"],
                )
                if data["swap_to"]:
                    swap = services.device_swap(
                        actor=request.user,
                        entry=data["student"],
                        scan=data["swap_to"],
                        incident=incident,
                    )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, ValidationError):
                form_errors(form, error)
            else:
                form.add_error(None, problem_text(error))
        else:
            text = f"Logged: {incident.get_kind_display().lower()} in {session.room}."
            if data["swap_to"]:
                text += f" {swap.student.person} now tests on {swap.to_device}."
            messages.success(request, text)
            return redirect(incident)
    return render(request, "testday/incident_form.html", {"form": form, "session": session})


def _incident(request, pk: int):
    return get_object_or_404(selectors.incidents_for(request.user), pk=pk)


@access(VIEW_SESSIONS)
def incident_detail(request, pk: int):
    incident = _incident(request, pk)
    return render(
        request,
        "testday/incident_detail.html",
        {
            "incident": incident,
            "session": incident.session,
            "runs": selectors.can_run(request.user, incident.session),
            "swaps": incident.swaps.select_related("from_device", "to_device"),
            "resolve_form": ResolveForm(),
            "student_ids": request.user.has_perm("people.view_student_ids"),
            "due_at": None if incident.report_filed_at else documents.report_due_at(incident),
        },
    )


@access(VIEW_SESSIONS)
@require_POST
def incident_resolve(request, pk: int):
    incident = _incident(request, pk)
    form = ResolveForm(request.POST)
    form.is_valid()
    resumed = {"yes": True, "no": False}.get(form.cleaned_data.get("testing_resumed"))
    try:
        services.incident_resolve(
            actor=request.user,
            incident=incident,
            action_taken=form.cleaned_data.get("action_taken", ""),
            testing_resumed=resumed,
        )
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        messages.success(request, "Resolved.")
    return redirect(incident)


@access(VIEW_SESSIONS)
@require_POST
def incident_escalate(request, pk: int):
    incident = _incident(request, pk)
    try:
        services.incident_escalate(actor=request.user, incident=incident)
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        messages.success(request, "Escalated to the district test coordinator.")
    return redirect(incident)


# Irregularity reports and seating charts ---------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@access(VIEW_SESSIONS)
def incident_report(request, pk: int):
    """The irregularity report of one incident as a PDF."""
    incident = _incident(request, pk)
    content = documents.irregularity_report(
        incident, student_ids=request.user.has_perm("people.view_student_ids")
    )
    return _pdf(content, f"irregularity-{incident.pk}.pdf")


@access("testday.add_testsession")
@require_POST
def incident_report_filed(request, pk: int):
    incident = _incident(request, pk)
    try:
        services.incident_report_filed(actor=request.user, incident=incident)
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        messages.success(request, "Recorded: the irregularity report is filed.")
    return redirect(incident)


@access(VIEW_WINDOWS)
def window_incidents(request, pk: int):
    """Every incident of the window at the user's schools, as the irregularity fields (CSV
    or XLSX, formulas neutralised)."""
    window = _window(request, pk)
    student_ids = request.user.has_perm("people.view_student_ids")
    incidents = (
        selectors.incidents_for(request.user)
        .filter(session__window=window)
        .select_related("reported_by", "student__person")
        .order_by("noticed_at", "pk")
    )
    header = ["School", "School code", "Session", "Room", "Noticed", "Kind", "Grade"]
    header += ["Student", "State id"] if student_ids else []
    header += ["Device", "What happened", "Corrective action", "Resolved", "Testing resumed"]
    header += ["Reported by", "Report filed"]

    def stamp(moment) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    def rows():
        for incident in incidents:
            person = incident.student.person if incident.student_id else None
            row = [
                incident.session.site.name,
                incident.session.site.code,
                str(incident.session),
                str(incident.session.room),
                stamp(incident.noticed_at),
                incident.get_kind_display(),
                person.grade if person else "",
            ]
            if student_ids:
                row += [str(person) if person else "", person.state_id if person else ""]
            row += [
                str(incident.device) if incident.device_id else "",
                incident.description,
                incident.action_taken,
                stamp(incident.resolved_at),
                {True: "yes", False: "no"}.get(incident.testing_resumed, ""),
                str(incident.reported_by or ""),
                "yes" if incident.report_filed_at else "no",
            ]
            yield row

    return export_response(request, f"incidents-{window.pk}", header, rows())


@access(VIEW_SESSIONS)
def seating_chart(request, pk: int):
    session = _session(request, pk)
    return _pdf(
        documents.seating_chart(session, list(selectors.roster(session))),
        f"seating-{session.pk}.pdf",
    )


@access(VIEW_SESSIONS)
@require_POST
def session_check(request, pk: int):
    """Tick or untick an item of the pre-test checklist."""
    session = _session(request, pk)
    try:
        services.check_tick(
            actor=request.user,
            session=session,
            item=request.POST.get("item", ""),
            done=request.POST.get("done", "1") == "1",
        )
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    return redirect(session)


@access("helpdesk.add_ticket")
@require_POST
def readiness_tickets(request, pk: int):
    """One click: a ticket for each not-ready device of a school that needs a technician."""
    window = _window(request, pk)
    chosen = request.POST.get("site", "")
    site = window.sites.filter(pk=chosen).first() if chosen.isdigit() else None
    if site is None:
        messages.error(request, "Choose one of the window's schools.")
        return redirect("testday:window_readiness", pk=window.pk)
    try:
        opened = services.readiness_tickets(actor=request.user, window=window, site=site)
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    else:
        messages.success(
            request,
            f"Opened {opened} tickets for {site}." if opened else "No device needs a new ticket.",
        )
    return redirect(f"{reverse('testday:window_readiness', args=[window.pk])}?site={site.pk}")


REPORT_EXPORTS = {
    "kinds": (["kind", "incidents"], lambda r: r["incidents_by_kind"]),
    "schools": (["school", "incidents"], lambda r: r["incidents_by_school"]),
    "readiness": (
        ["day", "ready", "devices"],
        lambda r: [[day.isoformat(), ready, total] for day, ready, total in r["readiness"]],
    ),
}


@access(VIEW_WINDOWS)
def window_report(request, pk: int):
    """A window at the user's schools: sessions held, students tested, incidents by kind
    and school, swaps, readiness over time; `export=<table>` downloads one as CSV."""
    window = _window(request, pk)
    numbers = selectors.window_report(request.user, window)
    export = request.GET.get("export", "")
    if export in REPORT_EXPORTS:
        header, rows = REPORT_EXPORTS[export]
        return csv_response(f"testday-{window.pk}-{export}.csv", header, rows(numbers))
    charts = {
        "kinds": bar_chart(
            numbers["incidents_by_kind"], title="Incidents by kind", unit="incidents"
        ),
        "schools": bar_chart(
            numbers["incidents_by_school"], title="Incidents by school", unit="incidents"
        ),
        "readiness": bar_chart(
            [
                (f"{day:%a %-d %b}", round(ready * 100 / total, 1))
                for day, ready, total in numbers["readiness"]
            ],
            title="Devices ready, day by day",
            unit="% ready",
            limit=31,
        ),
    }
    return render(
        request,
        "testday/window_report.html",
        {"window": window, "r": numbers, "charts": charts},
    )
