"""Classrooms pages: resources and their week, booking, bookings, calendar feeds, AV and
maintenance."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.classrooms import feeds, selectors, services
from homeroom.classrooms.choices import (
    HOLDING,
    RESERVATION_TRANSITIONS,
    ReservationStatus,
    ResourceKind,
    TaskStatus,
)
from homeroom.classrooms.filters import (
    ClassroomReservationFilter,
    ClassroomResourceFilter,
    MaintenanceTaskFilter,
)
from homeroom.classrooms.forms import (
    AVForm,
    BellScheduleForm,
    PlanForm,
    ReservationForm,
    ResourceForm,
    TaskForm,
)
from homeroom.classrooms.models import CalendarFeed, Period, Reservation, Resource
from homeroom.core.access import PUBLIC, access
from homeroom.core.calendar import district_zone
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.forms import form_errors
from homeroom.core.lists import export_response, paginate
from homeroom.core.selectors import rooms_for, sites_for

VIEW_RESOURCES = "classrooms.view_resource"
VIEW_RESERVATIONS = "classrooms.view_reservation"
BOOK = "classrooms.add_reservation"
VIEW_TASKS = "classrooms.view_maintenancetask"
VIEW_PLANS = "classrooms.view_maintenanceplan"
VIEW_AV = "classrooms.view_avdetails"


def _day(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# --- resources -------------------------------------------------------------------------


@access(VIEW_RESOURCES)
def resource_list(request):
    resource_filter, resources = filtered(
        request, ClassroomResourceFilter, selectors.resources_for(request.user), site_field="site"
    )
    context = {
        "page": paginate(request, resources.filter(is_active=True).order_by("site__name", "name")),
        "filter": resource_filter,
        "kinds": ResourceKind.choices,
        "sites": sites_for(request.user),
    }
    template = (
        "classrooms/resource_list.html#table" if request.htmx else "classrooms/resource_list.html"
    )
    return render(request, template, context)


def _resource(request, pk: int) -> Resource:
    return get_object_or_404(selectors.resources_for(request.user), pk=pk)


@access(VIEW_RESOURCES)
def resource_detail(request, pk: int):
    """The resource's week (or, with view=day, one day) as a time grid of its bookings."""
    resource = _resource(request, pk)
    chosen = _day(request.GET.get("week") or request.GET.get("day"))
    one_day = request.GET.get("view") == "day"
    days = [chosen] if one_day else selectors.week_of(chosen)
    bookings = list(
        selectors.bookings_between(
            selectors.reservations_for(request.user).filter(resource=resource), days[0], days[-1]
        ).select_related("holder")
    )
    today = timezone.localdate()
    columns = [
        selectors.GridColumn(
            heading=f"{day:%a %-d %b}",
            day=day,
            bookings=[
                booking
                for booking in bookings
                if booking.starts_at < _day_end(day) and booking.ends_at > _day_start(day)
            ],
            link=f"?view=day&day={day:%Y-%m-%d}",
            is_today=day == today,
        )
        for day in days
    ]
    periods = (
        services.periods_on(resource.site, chosen)
        if one_day
        else Period.objects.filter(schedule__site=resource.site)
    )
    step = datetime.timedelta(days=1 if one_day else 7)
    return render(
        request,
        "classrooms/resource_detail.html",
        {
            "resource": resource,
            "columns": columns,
            "rows": selectors.time_grid(columns, periods),
            "one_day": one_day,
            "first": days[0],
            "previous": days[0] - step,
            "next": days[0] + step,
            "today": today,
            "feed_url": request.build_absolute_uri(
                reverse("classrooms:resource_feed", args=[resource.feed_token])
            ),
        },
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=district_zone())


def _day_end(day: datetime.date) -> datetime.datetime:
    return _day_start(day + datetime.timedelta(days=1))


@access("classrooms.add_resource")
def resource_create(request):
    form = ResourceForm(
        request.POST or None, sites=sites_for(request.user), rooms=rooms_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            values = dict(form.cleaned_data)
            resource = services.resource_create(actor=request.user, **values)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Added {resource.name}.")
            return redirect(resource)
    return render(request, "classrooms/resource_form.html", {"form": form})


@access("classrooms.change_resource")
def resource_edit(request, pk: int):
    resource = _resource(request, pk)
    form = ResourceForm(
        request.POST or None,
        instance=resource,
        sites=sites_for(request.user),
        rooms=rooms_for(request.user).filter(site=resource.site),
    )
    form.fields["site"].disabled = True
    if request.method == "POST" and form.is_valid():
        values = {key: value for key, value in form.cleaned_data.items() if key != "site"}
        try:
            services.resource_update(actor=request.user, resource=resource, **values)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Saved {values['name']}.")
            return redirect("classrooms:resource_detail", pk=resource.pk)
    resource.refresh_from_db()
    return render(request, "classrooms/resource_form.html", {"form": form, "resource": resource})


# --- bell schedules --------------------------------------------------------------------

VIEW_SCHEDULES = "classrooms.view_bellschedule"


@access(VIEW_SCHEDULES)
def schedule_list(request):
    """Each school's day types and their periods."""
    schedules = selectors.schedules_for(request.user).order_by("site__name", "name")
    if request.current_site is not None:
        schedules = schedules.filter(site=request.current_site)
    return render(request, "classrooms/schedule_list.html", {"page": paginate(request, schedules)})


@access("classrooms.add_bellschedule")
def schedule_create(request):
    form = BellScheduleForm(request.POST or None, sites=sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.bell_schedule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Added the bell schedule {schedule.name}.")
            return redirect("classrooms:schedule_list")
    return render(request, "classrooms/schedule_form.html", {"form": form})


@access("classrooms.change_bellschedule")
def schedule_edit(request, pk: int):
    schedule = get_object_or_404(selectors.schedules_for(request.user), pk=pk)
    form = BellScheduleForm(request.POST or None, sites=sites_for(request.user), schedule=schedule)
    if request.method == "POST" and form.is_valid():
        values = {key: value for key, value in form.cleaned_data.items() if key != "site"}
        try:
            services.bell_schedule_update(actor=request.user, schedule=schedule, **values)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Saved the bell schedule {values['name']}.")
            return redirect("classrooms:schedule_list")
    return render(request, "classrooms/schedule_form.html", {"form": form, "schedule": schedule})


@access(BOOK)
def reserve(request, pk: int):
    resource = _resource(request, pk)
    day = _day(request.POST.get("day") or request.GET.get("day"))
    periods = Period.objects.filter(
        pk__in=[period.pk for period in services.periods_on(resource.site, day)]
    ).select_related("schedule")
    form = ReservationForm(request.POST or None, periods=periods, initial={"day": day})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.reservation_create(
                actor=request.user, resource=resource, **form.values()
            )
        except ValidationError as error:
            form_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            form.add_error(None, problem_text(error))
        else:
            first = made[0]
            count = f" {len(made)} times" if len(made) > 1 else ""
            state = "asked for" if first.status == ReservationStatus.PENDING else "booked"
            messages.success(request, f"{resource} {state}{count}.")
            return redirect(first)
    return render(
        request,
        "classrooms/reserve.html",
        {"resource": resource, "form": form, "day": day, "has_periods": periods.exists()},
    )


# --- reservations ----------------------------------------------------------------------


@access(VIEW_RESERVATIONS)
def reservation_list(request):
    reservation_filter, reservations = filtered(
        request,
        ClassroomReservationFilter,
        selectors.reservations_for(request.user),
        site_field="resource__site",
    )
    if reservation_filter.mine:
        reservations = reservations.filter(holder=request.user)
    reservations = reservations.order_by("starts_at", "pk")
    if request.GET.get("export"):
        return export_response(
            request,
            "reservations",
            ["Resource", "School", "Starts", "Ends", "Periods", "Held by", "Status", "Purpose"],
            (
                [
                    r.resource.name,
                    r.resource.site.name,
                    timezone.localtime(r.starts_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(r.ends_at).strftime("%Y-%m-%d %H:%M"),
                    r.periods,
                    services.name_of(r.holder),
                    r.get_status_display(),
                    r.purpose,
                ]
                for r in reservations.iterator(chunk_size=500)
            ),
        )
    context = {
        "page": paginate(request, reservations),
        "filter": reservation_filter,
        "statuses": ReservationStatus.choices,
        "sites": sites_for(request.user),
    }
    template = (
        "classrooms/reservation_list.html#table"
        if request.htmx
        else "classrooms/reservation_list.html"
    )
    return render(request, template, context)


def _reservation(request, pk: int) -> Reservation:
    return get_object_or_404(selectors.reservations_for(request.user), pk=pk)


ACTION_LABELS = {
    ReservationStatus.CONFIRMED: "Approve",
    ReservationStatus.DECLINED: "Decline",
    ReservationStatus.PICKED_UP: "Picked up",
    ReservationStatus.RETURNED: "Returned",
    ReservationStatus.CANCELLED: "Cancel the booking",
}


@access(VIEW_RESERVATIONS)
def reservation_detail(request, pk: int):
    reservation = _reservation(request, pk)
    manages = services.may_manage(request.user, reservation)
    own = reservation.holder_id == request.user.pk
    actions = [
        (status, ACTION_LABELS[status])
        for status in sorted(RESERVATION_TRANSITIONS[reservation.status])
        if manages or (own and status == ReservationStatus.CANCELLED)
    ]
    later = 0
    if reservation.series:
        later = Reservation.objects.filter(
            series=reservation.series,
            starts_at__gt=reservation.starts_at,
            status__in=HOLDING,
        ).count()
    return render(
        request,
        "classrooms/reservation_detail.html",
        {"reservation": reservation, "actions": actions, "later": later},
    )


@access(VIEW_RESERVATIONS)
@require_POST
def reservation_status(request, pk: int):
    reservation = _reservation(request, pk)
    try:
        services.reservation_set_status(
            actor=request.user,
            reservation=reservation,
            status=request.POST.get("status", ""),
            whole_series=bool(request.POST.get("whole_series")),
        )
    except (ValidationError, PermissionDenied, Conflict) as error:
        messages.error(request, problem_text(error))
    else:
        reservation.refresh_from_db()
        messages.success(request, f"The booking is {reservation.get_status_display().lower()}.")
    return redirect(reservation)


@access(VIEW_RESOURCES)
def school_day(request):
    """Every resource of a school on one day as a time grid, or (view=week) its week."""
    sites = sites_for(request.user)
    site_id = request.GET.get("site")
    site = None
    if site_id and site_id.isdigit():
        site = sites.filter(pk=site_id).first()
    if site is None:
        site = request.current_site if request.current_site is not None else sites.first()
    day = _day(request.GET.get("day"))
    week = request.GET.get("view") == "week"
    days = selectors.week_of(day) if week else [day]
    resources = list(
        selectors.resources_for(request.user).filter(site=site, is_active=True).order_by("name")
    )
    bookings = selectors.bookings_between(
        selectors.reservations_for(request.user).filter(resource__site=site), days[0], days[-1]
    ).select_related("holder")
    by_resource = {resource.pk: [] for resource in resources}
    for booking in bookings:
        by_resource.setdefault(booking.resource_id, []).append(booking)
    step = datetime.timedelta(days=7 if week else 1)
    context = {
        "site": site,
        "sites": sites,
        "day": day,
        "days": days,
        "week": week,
        "previous": days[0] - step,
        "next": days[0] + step,
        "today": timezone.localdate(),
    }
    if week:
        context["week_rows"] = [
            (
                resource,
                [
                    (
                        one,
                        [
                            booking
                            for booking in by_resource[resource.pk]
                            if booking.starts_at < _day_end(one)
                            and booking.ends_at > _day_start(one)
                        ],
                    )
                    for one in days
                ],
            )
            for resource in resources
        ]
    else:
        columns = [
            selectors.GridColumn(
                heading=resource.name,
                day=day,
                bookings=by_resource[resource.pk],
                link=resource.get_absolute_url() + f"?view=day&day={day:%Y-%m-%d}",
            )
            for resource in resources
        ]
        context["columns"] = columns
        context["rows"] = selectors.time_grid(
            columns, services.periods_on(site, day) if site else []
        )
    return render(request, "classrooms/school_day.html", context)


# --- calendar feeds --------------------------------------------------------------------


@access(VIEW_RESERVATIONS)
def my_feed(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        feed = services.feed_renew(actor=request.user, user=request.user)
        messages.success(request, "Your calendar feed has a new address; the old one stopped.")
        return redirect("classrooms:my_feed")
    url = (
        request.build_absolute_uri(reverse("classrooms:person_feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(request, "classrooms/my_feed.html", {"feed": feed, "url": url})


def _ics(name: str, reservations) -> HttpResponse:
    body = feeds.calendar(name, reservations, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# A feed carries bookings from this long ago onward.
FEED_HISTORY = datetime.timedelta(days=60)


@access(PUBLIC)
def person_feed(request, token: str):
    """A person's bookings; the secret address is the key, so it is public."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    reservations = (
        Reservation.objects.filter(holder=feed.user, status__in=HOLDING)
        .filter(ends_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("resource__site", "holder")
        .order_by("starts_at")
    )
    return _ics(f"Bookings of {feed.user.get_full_name() or feed.user}", reservations)


@access(PUBLIC)
def resource_feed(request, token: str):
    resource = Resource.objects.select_related("site").filter(feed_token=token).first()
    if resource is None:
        raise Http404
    reservations = (
        resource.reservations.holding()
        .filter(ends_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("resource__site", "holder")
        .order_by("starts_at")
    )
    return _ics(f"{resource} ({resource.site})", reservations)


# --- AV --------------------------------------------------------------------------------


@access(VIEW_AV)
def av_list(request):
    """Displays and projectors with their lamp hours, the ones near their end first."""
    from homeroom.devices.choices import DeviceCategory
    from homeroom.devices.models import Device

    devices = Device.objects.filter(
        model__category__in=[DeviceCategory.PROJECTOR, DeviceCategory.INTERACTIVE_DISPLAY],
        site__in=sites_for(request.user),
    ).exclude(status__in=("lost", "stolen", "retired", "disposed"))
    if request.current_site is not None:
        devices = devices.filter(site=request.current_site)
    devices = devices.select_related("model", "site", "home_room", "av").order_by(
        "site__name", "home_room__number", "asset_tag"
    )
    return render(request, "classrooms/av_list.html", {"page": paginate(request, devices)})


@access("classrooms.change_avdetails")
def av_edit(request, device_pk: int):
    from homeroom.devices.selectors import devices_for

    device = get_object_or_404(devices_for(request.user), pk=device_pk)
    details = getattr(device, "av", None)
    form = AVForm(request.POST or None, instance=details)
    if request.method == "POST" and form.is_valid():
        try:
            services.av_update(actor=request.user, device=device, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Saved the AV details of {device.asset_tag}.")
            return redirect("classrooms:av_list")
    return render(request, "classrooms/av_form.html", {"form": form, "device": device})


# --- maintenance -----------------------------------------------------------------------


@access(VIEW_TASKS)
def task_list(request):
    """What is due and overdue this week, by school and room number (the walking route)."""
    today = timezone.localdate()
    task_filter, tasks = filtered(
        request, MaintenanceTaskFilter, selectors.tasks_for(request.user), site_field="site"
    )
    if not request.GET.get("status") and not request.GET.get("due_by"):
        tasks = tasks.filter(status=TaskStatus.OPEN, due_on__lte=selectors.end_of_week(today))
    context = {
        "page": paginate(request, selectors.walking_route(tasks)),
        "filter": task_filter,
        "today": today,
        "sites": sites_for(request.user),
        "statuses": TaskStatus.choices,
    }
    template = "classrooms/task_list.html#table" if request.htmx else "classrooms/task_list.html"
    return render(request, template, context)


@access(VIEW_TASKS)
def task_detail(request, pk: int):
    task = get_object_or_404(selectors.tasks_for(request.user), pk=pk)
    form = TaskForm(request.POST or None, checklist=task.plan.checklist)
    if request.method == "POST":
        if not request.user.has_perm("classrooms.change_maintenancetask"):
            raise PermissionDenied("Your role does not do maintenance.")
        if form.is_valid():
            try:
                services.task_complete(
                    actor=request.user,
                    task=task,
                    results=form.results(),
                    meter_reading=form.cleaned_data["meter_reading"],
                    minutes_spent=form.cleaned_data["minutes_spent"],
                    notes=form.cleaned_data["notes"],
                    escalate=form.cleaned_data["failed_opens"] == "repair",
                )
            except ValidationError as error:
                form_errors(form, error)
            except (Conflict, PermissionDenied) as error:
                form.add_error(None, problem_text(error))
            else:
                task.refresh_from_db()
                opened = len(task.ticket_ids)
                tickets = f" {opened} ticket{'s' if opened != 1 else ''} opened." if opened else ""
                if task.repair_id:
                    tickets = " A repair work order is open, escalated to district IT."
                messages.success(
                    request, f"✓ Done: {task.plan} on {task.device.asset_tag}.{tickets}"
                )
                return redirect("classrooms:task_list")
    results = []
    if task.status != TaskStatus.OPEN:
        results = list(task.results.items())
    return render(
        request,
        "classrooms/task_detail.html",
        {"task": task, "form": form, "results": results, "today": timezone.localdate()},
    )


@access(VIEW_PLANS)
def plan_list(request):
    plans = selectors.plans_for(request.user).order_by("name")
    return render(request, "classrooms/plan_list.html", {"page": paginate(request, plans)})


@access(VIEW_PLANS)
def plan_detail(request, pk: int):
    plan = get_object_or_404(selectors.plans_for(request.user), pk=pk)
    tasks = selectors.walking_route(
        selectors.tasks_for(request.user).filter(plan=plan, status=TaskStatus.OPEN)
    )[:50]
    return render(request, "classrooms/plan_detail.html", {"plan": plan, "tasks": tasks})


@access("classrooms.add_maintenanceplan")
def plan_create(request):
    from homeroom.devices.selectors import devices_for

    form = PlanForm(
        request.POST or None, sites=sites_for(request.user), devices=devices_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.values())
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            made = services.generate_tasks()
            messages.success(request, f"Added the plan {plan.name}; {made} tasks are due.")
            return redirect(plan)
    return render(request, "classrooms/plan_form.html", {"form": form})


@access("classrooms.change_maintenanceplan")
def plan_edit(request, pk: int):
    from homeroom.devices.selectors import devices_for

    plan = get_object_or_404(selectors.plans_for(request.user), pk=pk)
    form = PlanForm(
        request.POST or None,
        instance=plan,
        sites=sites_for(request.user),
        devices=devices_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            services.plan_update(actor=request.user, plan=plan, **values)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Saved the plan {values['name']}.")
            return redirect("classrooms:plan_detail", pk=plan.pk)
    plan.refresh_from_db()
    return render(request, "classrooms/plan_form.html", {"form": form, "plan": plan})


@access("classrooms.change_maintenanceplan")
@require_POST
def plan_pause(request, pk: int):
    """Pause a plan (no new tasks) or resume it, in one button."""
    plan = get_object_or_404(selectors.plans_for(request.user), pk=pk)
    try:
        plan = services.plan_update(actor=request.user, plan=plan, is_active=not plan.is_active)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(
            request,
            f"Resumed {plan.name}." if plan.is_active else f"Paused {plan.name}: no new tasks.",
        )
    return redirect(plan)


# --- inspections -----------------------------------------------------------------------

VIEW_INSPECTIONS = "classrooms.view_inspection"


@access(VIEW_INSPECTIONS)
def inspection_list(request):
    """Inspections at the user's schools, newest first; start one for a cart or a lab."""
    from homeroom.devices.models import Device

    sites = sites_for(request.user)
    inspections = (
        selectors.inspections_for(request.user)
        .select_related("cart", "room", "site", "started_by")
        .order_by("-started_at", "pk")
    )
    carts = Device.objects.filter(site__in=sites, model__category="cart").order_by("asset_tag")
    labs = rooms_for(request.user).filter(kind="lab").order_by("number")
    if request.method == "POST":
        if not request.user.has_perm("classrooms.add_inspection"):
            raise PermissionDenied("Your role does not inspect carts or labs.")
        cart = carts.filter(pk=request.POST.get("cart") or 0).first()
        room = labs.filter(pk=request.POST.get("room") or 0).first() if cart is None else None
        try:
            inspection = services.inspection_start(actor=request.user, cart=cart, room=room)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, problem_text(error))
        else:
            return redirect(inspection)
    return render(
        request,
        "classrooms/inspection_list.html",
        {"page": paginate(request, inspections), "carts": carts[:300], "labs": labs[:300]},
    )


@access(VIEW_INSPECTIONS)
def inspection_detail(request, pk: int):
    """The scan page: scan each device; what is never scanned stays missing."""
    from homeroom.classrooms.choices import InspectionState

    inspection = get_object_or_404(selectors.inspections_for(request.user), pk=pk)
    result = None
    if request.method == "POST":
        if not request.user.has_perm("classrooms.add_inspection"):
            raise PermissionDenied("Your role does not inspect carts or labs.")
        try:
            if request.POST.get("finish"):
                services.inspection_finish(
                    actor=request.user, inspection=inspection, notes=request.POST.get("notes", "")
                )
                messages.success(request, "Inspection finished and kept.")
                return redirect(inspection)
            line = services.inspection_scan(
                actor=request.user,
                inspection=inspection,
                scan=request.POST.get("scan", ""),
                state=request.POST.get("state", InspectionState.PRESENT),
            )
        except (ValidationError, PermissionDenied) as error:
            result = {"ok": False, "text": f"✗ {problem_text(error)}"}
        else:
            words = {
                "present": "Present",
                "damaged": "Damaged — ticket opened",
                "not_charging": "Not charging",
            }[line.state]
            slot = f" (slot {line.slot})" if line.slot else ""
            result = {
                "ok": line.state == "present",
                "text": f"✓ {line.device.asset_tag}{slot}: {words}",
            }
        inspection.refresh_from_db()
    lines = list(inspection.lines.select_related("device__model").order_by("slot", "pk"))
    counts = {state: 0 for state in InspectionState.values}
    for line in lines:
        counts[line.state] = counts.get(line.state, 0) + 1
    return render(
        request,
        "classrooms/inspection_detail.html",
        {
            "inspection": inspection,
            "lines": lines,
            "counts": counts,
            "result": result,
            "states": [
                (value, label)
                for value, label in InspectionState.choices
                if value != InspectionState.MISSING
            ],
        },
    )


# --- reports ---------------------------------------------------------------------------

REPORT_DAYS = {"30": 30, "90": 90, "365": 365}
REPORT_EXPORTS = {
    "use": (
        ["School", "Resource", "Kind", "Bookings", "Hours booked"],
        lambda n: (
            [r["site"], r["resource"], r["kind"], r["bookings"], r["hours"]] for r in n["use"]
        ),
    ),
    "maintenance": (
        ["School", "Done", "Overdue", "Due"],
        lambda n: ([r["site"], r["done"], r["overdue"], r["due"]] for r in n["maintenance"]),
    ),
    "lamps": (["School", "Lamps near their end"], lambda n: (list(row) for row in n["lamps"])),
}


@access(VIEW_PLANS)
def reports(request):
    """How often each cart and lab is booked, maintenance done and overdue by school, and
    lamps near their end; each table as CSV."""
    from homeroom.core.charts import bar_chart
    from homeroom.core.lists import csv_response

    days = REPORT_DAYS.get(request.GET.get("days", ""), 90)
    today = timezone.localdate()
    numbers = selectors.report_numbers(request.user, today - datetime.timedelta(days=days), today)
    export = request.GET.get("export", "")
    if export in REPORT_EXPORTS:
        header, rows = REPORT_EXPORTS[export]
        return csv_response(f"classrooms-{export}-{days}-days.csv", header, rows(numbers))
    charts = {
        "use": bar_chart(
            [(f"{r['resource']} ({r['site']})", r["bookings"]) for r in numbers["use"]],
            title="Bookings per resource",
            unit="bookings",
        ),
        "overdue": bar_chart(
            [(r["site"], r["overdue"]) for r in numbers["maintenance"]],
            title="Overdue maintenance by school",
            unit="tasks",
        ),
        "done": bar_chart(
            [(r["site"], r["done"]) for r in numbers["maintenance"]],
            title="Maintenance done by school",
            unit="tasks",
        ),
        "lamps": bar_chart(numbers["lamps"], title="Lamps near their end", unit="lamps"),
    }
    return render(
        request,
        "classrooms/reports.html",
        {"charts": charts, "days": days, "choices": REPORT_DAYS, "n": numbers},
    )
