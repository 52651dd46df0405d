"""Classrooms in the API: resources and their bookings (a clash answers 409 naming who
holds the slot), bell schedules, AV details and readings, maintenance plans and tasks,
inspections, and calendar feeds (the caller's own and each resource's). The same services
and selectors as the pages, so the same rules."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from homeroom.classrooms import selectors, services
from homeroom.classrooms.filters import (
    ClassroomReservationFilter,
    ClassroomResourceFilter,
    MaintenanceTaskFilter,
)
from homeroom.classrooms.models import InspectionLine, Period
from homeroom.classrooms.schemas import (
    AVDetailsOut,
    AVReadingIn,
    BellScheduleIn,
    BellScheduleOut,
    ClassroomReservationIn,
    ClassroomReservationOut,
    ClassroomReservationStatusIn,
    ClassroomResourceIn,
    ClassroomResourceOut,
    ClassroomResourcePatch,
    InspectionFinishIn,
    InspectionLineOut,
    InspectionOut,
    InspectionScanIn,
    InspectionStartIn,
    MaintenancePlanOut,
    MaintenanceTaskOut,
    ReservationFeedOut,
    TaskCompleteIn,
)
from homeroom.core.access import requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id

router = Router(tags=["Classrooms"])

VIEW_RESOURCES = "classrooms.view_resource"
VIEW_RESERVATIONS = "classrooms.view_reservation"
BOOK = "classrooms.add_reservation"


@router.get("/classrooms/resources", response=list[ClassroomResourceOut])
@requires(VIEW_RESOURCES)
@paginate(Pages)
def list_classroom_resources(request, filters: Query[ClassroomResourceFilter]):
    return filters.filter(selectors.resources_for(request.auth)).order_by("site__name", "name")


@router.get("/classrooms/resources/{int:resource_id}", response=ClassroomResourceOut)
@requires(VIEW_RESOURCES)
def get_classroom_resource(request, resource_id: Id):
    return get_object_or_404(selectors.resources_for(request.auth), pk=resource_id)


def _resource_references(request, values: dict) -> dict:
    """The rooms and devices an input names, among those the caller sees (404 otherwise)."""
    from homeroom.core.selectors import rooms_for
    from homeroom.devices.selectors import devices_for

    if values.get("room_id") is not None:
        values["room"] = get_object_or_404(rooms_for(request.auth), pk=values["room_id"])
    elif "room_id" in values:
        values["room"] = None
    if values.get("device_id") is not None:
        values["device"] = get_object_or_404(devices_for(request.auth), pk=values["device_id"])
    elif "device_id" in values:
        values["device"] = None
    values.pop("room_id", None)
    values.pop("device_id", None)
    return values


@router.post("/classrooms/resources", response={201: ClassroomResourceOut})
@requires("classrooms.add_resource")
def create_classroom_resource(request, payload: ClassroomResourceIn):
    """Add a cart, lab, room or loanable equipment teachers may reserve."""
    from homeroom.core.selectors import sites_for

    values = _resource_references(request, payload.dict())
    values["site"] = get_object_or_404(sites_for(request.auth), pk=values.pop("site_id"))
    resource = services.resource_create(actor=request.auth, **values)
    return Status(201, selectors.resources_for(request.auth).get(pk=resource.pk))


@router.patch("/classrooms/resources/{int:resource_id}", response=ClassroomResourceOut)
@requires("classrooms.change_resource")
def update_classroom_resource(request, resource_id: Id, payload: ClassroomResourcePatch):
    resource = get_object_or_404(selectors.resources_for(request.auth), pk=resource_id)
    values = _resource_references(request, payload.dict(exclude_unset=True))
    services.resource_update(actor=request.auth, resource=resource, **values)
    return selectors.resources_for(request.auth).get(pk=resource_id)


@router.get("/classrooms/reservations", response=list[ClassroomReservationOut])
@requires(VIEW_RESERVATIONS)
@paginate(Pages)
def list_reservations(request, filters: Query[ClassroomReservationFilter]):
    return filters.apply(selectors.reservations_for(request.auth), request.auth).order_by(
        "starts_at", "pk"
    )


@router.get("/classrooms/reservations/{int:reservation_id}", response=ClassroomReservationOut)
@requires(VIEW_RESERVATIONS)
def get_reservation(request, reservation_id: Id):
    return get_object_or_404(selectors.reservations_for(request.auth), pk=reservation_id)


@router.post("/classrooms/reservations", response={201: list[ClassroomReservationOut]})
@requires(BOOK)
def create_reservation(request, payload: ClassroomReservationIn):
    """Book a resource; answers 409 with who holds the time when it is taken."""
    resource = get_object_or_404(selectors.resources_for(request.auth), pk=payload.resource_id)
    periods = []
    if payload.period_ids:
        periods = list(
            Period.objects.filter(
                schedule__site=resource.site, pk__in=payload.period_ids
            ).select_related("schedule")
        )
        if len(periods) != len(set(payload.period_ids)):
            from django.core.exceptions import ValidationError

            raise ValidationError({"period_ids": "Choose periods of the resource's school."})
    made = services.reservation_create(
        actor=request.auth,
        resource=resource,
        day=payload.day,
        periods=periods,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        repeat_until=payload.repeat_until,
        purpose=payload.purpose,
    )
    return Status(201, made)


@router.post(
    "/classrooms/reservations/{int:reservation_id}/status", response=list[ClassroomReservationOut]
)
@requires(VIEW_RESERVATIONS)
def set_reservation_status(request, reservation_id: Id, payload: ClassroomReservationStatusIn):
    """Cancel one's own booking; technicians at the school approve, decline, hand out and
    take back (a cart is checked out to the holder and back in)."""
    reservation = get_object_or_404(selectors.reservations_for(request.auth), pk=reservation_id)
    return services.reservation_set_status(
        actor=request.auth,
        reservation=reservation,
        status=payload.status,
        whole_series=payload.whole_series,
    )


@router.get("/classrooms/bell-schedules", response=list[BellScheduleOut])
@requires("classrooms.view_bellschedule")
def list_bell_schedules(request, site_id: Id | None = None):
    schedules = selectors.schedules_for(request.auth)
    if site_id:
        schedules = schedules.filter(site_id=site_id)
    return list(schedules.order_by("site__name", "name")[:500])


def _periods(payload: BellScheduleIn) -> list[tuple]:
    return [(period.name, period.starts_at, period.ends_at) for period in payload.periods]


@router.post("/classrooms/bell-schedules", response={201: BellScheduleOut})
@requires("classrooms.add_bellschedule")
def create_bell_schedule(request, payload: BellScheduleIn):
    """Add a day type with its periods (wall-clock times at the school, HH:MM)."""
    from homeroom.core.selectors import sites_for

    site = get_object_or_404(sites_for(request.auth), pk=payload.site_id)
    schedule = services.bell_schedule_create(
        actor=request.auth,
        site=site,
        name=payload.name,
        weekdays=payload.weekdays,
        periods=_periods(payload),
    )
    return Status(201, selectors.schedules_for(request.auth).get(pk=schedule.pk))


@router.put("/classrooms/bell-schedules/{int:bell_schedule_id}", response=BellScheduleOut)
@requires("classrooms.change_bellschedule")
def update_bell_schedule(request, bell_schedule_id: Id, payload: BellScheduleIn):
    """Replace a day type's name, weekdays and periods; it stays at its school."""
    schedule = get_object_or_404(selectors.schedules_for(request.auth), pk=bell_schedule_id)
    if payload.site_id != schedule.site_id:
        from django.core.exceptions import ValidationError

        raise ValidationError({"site_id": "A bell schedule stays at its school."})
    services.bell_schedule_update(
        actor=request.auth,
        schedule=schedule,
        name=payload.name,
        weekdays=payload.weekdays,
        periods=_periods(payload),
    )
    return selectors.schedules_for(request.auth).get(pk=schedule.pk)


@router.get("/classrooms/feed", response=ReservationFeedOut)
@requires(VIEW_RESERVATIONS)
def get_my_reservation_feed(request):
    """The caller's secret iCalendar address for their bookings (made on first ask)."""
    from homeroom.classrooms.models import CalendarFeed

    feed = CalendarFeed.objects.filter(user=request.auth).first() or services.feed_renew(
        actor=request.auth, user=request.auth
    )
    return {"url": request.build_absolute_uri(reverse("classrooms:person_feed", args=[feed.token]))}


@router.get("/classrooms/resources/{int:resource_id}/feed", response=ReservationFeedOut)
@requires("classrooms.change_resource")
def get_resource_feed(request, resource_id: Id):
    """The secret iCalendar address of a resource's bookings (for staff to subscribe to)."""
    resource = get_object_or_404(selectors.resources_for(request.auth), pk=resource_id)
    return {"url": _resource_feed_url(request, resource)}


@router.post("/classrooms/resources/{int:resource_id}/feed", response=ReservationFeedOut)
@requires("classrooms.change_resource")
def renew_resource_feed(request, resource_id: Id):
    """A new secret address for the resource's feed; the old one stops working."""
    resource = get_object_or_404(selectors.resources_for(request.auth), pk=resource_id)
    resource = services.resource_new_feed(actor=request.auth, resource=resource)
    return {"url": _resource_feed_url(request, resource)}


def _resource_feed_url(request, resource) -> str:
    return request.build_absolute_uri(
        reverse("classrooms:resource_feed", args=[resource.feed_token])
    )


@router.post("/classrooms/feed", response=ReservationFeedOut)
@requires(VIEW_RESERVATIONS)
def renew_my_reservation_feed(request):
    """A new secret address for the caller's bookings feed; the old one stops working."""
    feed = services.feed_renew(actor=request.auth, user=request.auth)
    return {"url": request.build_absolute_uri(reverse("classrooms:person_feed", args=[feed.token]))}


@router.get("/classrooms/av", response=list[AVDetailsOut])
@requires("classrooms.view_avdetails")
@paginate(Pages)
def list_av_details(request):
    return selectors.av_for(request.auth).order_by("device__asset_tag")


@router.post("/classrooms/av/{int:device_id}", response=AVDetailsOut)
@requires("classrooms.change_avdetails")
def record_av_reading(request, device_id: Id, payload: AVReadingIn):
    """Record a display's or projector's readings by hand or from a phone."""
    from homeroom.devices.selectors import devices_for

    device = get_object_or_404(devices_for(request.auth), pk=device_id)
    values = payload.dict(exclude_unset=True)
    return services.av_update(actor=request.auth, device=device, **values)


@router.get("/classrooms/maintenance/plans", response=list[MaintenancePlanOut])
@requires("classrooms.view_maintenanceplan")
@paginate(Pages)
def list_maintenance_plans(request):
    return selectors.plans_for(request.auth).order_by("name", "pk")


@router.get("/classrooms/maintenance/tasks", response=list[MaintenanceTaskOut])
@requires("classrooms.view_maintenancetask")
@paginate(Pages)
def list_maintenance_tasks(request, filters: Query[MaintenanceTaskFilter]):
    return selectors.walking_route(filters.filter(selectors.tasks_for(request.auth)))


@router.get("/classrooms/maintenance/tasks/{int:maintenance_task_id}", response=MaintenanceTaskOut)
@requires("classrooms.view_maintenancetask")
def get_maintenance_task(request, maintenance_task_id: Id):
    return get_object_or_404(selectors.tasks_for(request.auth), pk=maintenance_task_id)


@router.post(
    "/classrooms/maintenance/tasks/{int:maintenance_task_id}/complete", response=MaintenanceTaskOut
)
@requires("classrooms.change_maintenancetask")
def complete_maintenance_task(request, maintenance_task_id: Id, payload: TaskCompleteIn):
    """Record each checklist step, the reading and the time spent; a failed step opens a
    help-desk ticket unless `open_tickets` is false, or with `escalate` one repair work order
    escalated to district IT."""
    task = get_object_or_404(selectors.tasks_for(request.auth), pk=maintenance_task_id)
    return services.task_complete(
        actor=request.auth,
        task=task,
        results={item: str(result.value) for item, result in payload.results.items()},
        meter_reading=payload.meter_reading,
        minutes_spent=payload.minutes_spent,
        notes=payload.notes,
        open_tickets=payload.open_tickets,
        escalate=payload.escalate,
    )


def _inspections(request):
    lines = InspectionLine.objects.select_related("device").order_by("slot", "pk")
    return selectors.inspections_for(request.auth).prefetch_related(
        Prefetch("lines", queryset=lines)
    )


@router.get("/classrooms/inspections", response=list[InspectionOut])
@requires("classrooms.view_inspection")
@paginate(Pages)
def list_inspections(request):
    """Cart and lab inspections with what each found of every device, newest first."""
    return _inspections(request).order_by("-started_at", "pk")


@router.get("/classrooms/inspections/{int:inspection_id}", response=InspectionOut)
@requires("classrooms.view_inspection")
def get_inspection(request, inspection_id: Id):
    return get_object_or_404(_inspections(request), pk=inspection_id)


@router.post("/classrooms/inspections", response={201: InspectionOut})
@requires("classrooms.add_inspection")
def start_inspection(request, payload: InspectionStartIn):
    """Start inspecting a cart (`cart_id`) or a lab (`room_id`): every device expected there
    is missing until it is scanned."""
    from homeroom.core.selectors import rooms_for
    from homeroom.devices.selectors import devices_for

    cart = room = None
    if payload.cart_id is not None:
        cart = get_object_or_404(devices_for(request.auth), pk=payload.cart_id)
    if payload.room_id is not None:
        room = get_object_or_404(rooms_for(request.auth), pk=payload.room_id)
    inspection = services.inspection_start(actor=request.auth, cart=cart, room=room)
    return Status(201, _inspections(request).get(pk=inspection.pk))


@router.post("/classrooms/inspections/{int:inspection_id}/scan", response=InspectionLineOut)
@requires("classrooms.add_inspection")
def scan_inspection(request, inspection_id: Id, payload: InspectionScanIn):
    """Mark a scanned device (asset tag or serial) present, damaged (which opens a ticket)
    or not charging."""
    inspection = get_object_or_404(selectors.inspections_for(request.auth), pk=inspection_id)
    return services.inspection_scan(
        actor=request.auth, inspection=inspection, scan=payload.scan, state=payload.state
    )


@router.post("/classrooms/inspections/{int:inspection_id}/finish", response=InspectionOut)
@requires("classrooms.add_inspection")
def finish_inspection(request, inspection_id: Id, payload: InspectionFinishIn):
    """Close the inspection; what was never scanned stays missing in the kept result."""
    inspection = get_object_or_404(selectors.inspections_for(request.auth), pk=inspection_id)
    services.inspection_finish(actor=request.auth, inspection=inspection, notes=payload.notes)
    return _inspections(request).get(pk=inspection.pk)
