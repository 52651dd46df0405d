"""Classrooms in the API: resources and their bookings (a clash answers 409 naming who
holds the slot), bell schedules, AV details and readings, maintenance plans and tasks, and
calendar feeds. The same services and selectors as the pages, so the same rules."""

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
from homeroom.classrooms.models import Period
from homeroom.classrooms.schemas import (
    AVDetailsOut,
    AVReadingIn,
    BellScheduleOut,
    ClassroomReservationIn,
    ClassroomReservationOut,
    ClassroomReservationStatusIn,
    ClassroomResourceOut,
    InspectionOut,
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


@router.get("/classrooms/feed", response=ReservationFeedOut)
@requires(VIEW_RESERVATIONS)
def get_my_reservation_feed(request):
    """The caller's secret iCalendar address for their bookings (made on first ask)."""
    from homeroom.classrooms.models import CalendarFeed

    feed = CalendarFeed.objects.filter(user=request.auth).first() or services.feed_renew(
        actor=request.auth, user=request.auth
    )
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
    help-desk ticket unless `open_tickets` is false."""
    task = get_object_or_404(selectors.tasks_for(request.auth), pk=maintenance_task_id)
    return services.task_complete(
        actor=request.auth,
        task=task,
        results={item: str(result.value) for item, result in payload.results.items()},
        meter_reading=payload.meter_reading,
        minutes_spent=payload.minutes_spent,
        notes=payload.notes,
        open_tickets=payload.open_tickets,
    )


@router.get("/classrooms/inspections", response=list[InspectionOut])
@requires("classrooms.view_inspection")
@paginate(Pages)
def list_inspections(request):
    """Cart and lab inspections with what each found of every device, newest first."""
    from django.db.models import Prefetch

    from homeroom.classrooms.models import InspectionLine

    lines = InspectionLine.objects.select_related("device").order_by("slot", "pk")
    return (
        selectors.inspections_for(request.auth)
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-started_at", "pk")
    )
