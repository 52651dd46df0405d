import datetime
import itertools

from django.utils import timezone

from homeroom.classrooms.models import (
    AVDetails,
    BellSchedule,
    CalendarFeed,
    Inspection,
    InspectionLine,
    MaintenancePlan,
    MaintenanceTask,
    Period,
    Reservation,
    Resource,
)
from homeroom.core.testing import WalkSamples
from homeroom.devices.models import Device, DeviceModel, Manufacturer


def samples(base) -> WalkSamples:
    """A cart to reserve at the walk's site with a bell schedule, a booking of it held by
    whichever role walks (so its holder may cancel it), a projector with a cleaning plan and
    a task due, and the teacher's calendar feed."""
    site = base.site
    cart = Resource.objects.create(site=site, kind="cart", name="Walk cart", room=base.room)
    schedule = BellSchedule.objects.create(site=site, name="Walk day", weekdays=[0, 1, 2, 3, 4])
    Period.objects.create(
        schedule=schedule, name="1", starts_at=datetime.time(8), ends_at=datetime.time(9)
    )
    days = itertools.count(3)

    def booking():
        start = timezone.now() + datetime.timedelta(days=next(days))
        holder = base.walk_user if base.walk_user.is_authenticated else base.user
        return Reservation.objects.create(
            resource=cart,
            holder=holder,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        ).pk

    hours = itertools.count(1)

    def new_booking_body():
        start = timezone.now() + datetime.timedelta(days=400, hours=2 * next(hours))
        start = start.replace(microsecond=0)
        return {
            "resource_id": cart.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
        }

    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Walk AV"),
        name="Walk projector",
        category="projector",
    )
    projector = Device.objects.create(
        asset_tag="WALK-AV-1", serial_number="WALKAV1", model=model, site=site, home_room=base.room
    )
    AVDetails.objects.create(device=projector, lamp_hours=100, lamp_life=3000)
    plan = MaintenancePlan.objects.create(
        name="Walk filters",
        site=site,
        target="model",
        device_model=model,
        every=3,
        unit="months",
        checklist=["Clean the filter"],
        starts_on=timezone.localdate(),
    )
    serials = itertools.count(2)

    def open_task():
        number = next(serials)
        device = Device.objects.create(
            asset_tag=f"WALK-AV-{number}",
            serial_number=f"WALKAV{number}",
            model=model,
            site=site,
            home_room=base.room,
        )
        return MaintenanceTask.objects.create(
            plan=plan, device=device, site=site, room=base.room, due_on=timezone.localdate()
        ).pk

    task = open_task()
    inspection = Inspection.objects.create(site=site, room=base.room, started_by=base.user)
    InspectionLine.objects.create(inspection=inspection, device=projector)

    def new_schedule_body():
        # Each call adds the weekend day type again, so the one an earlier call added goes.
        BellSchedule.objects.filter(site=site, name="Walk weekend").delete()
        return {
            "site_id": site.pk,
            "name": "Walk weekend",
            "weekdays": [5],
            "periods": [{"name": "1", "starts_at": "09:00", "ends_at": "10:00"}],
        }

    feed = CalendarFeed.objects.create(user=base.user)
    by_url_name = {
        "classrooms:resource_detail": cart.pk,
        "classrooms:reserve": cart.pk,
        "classrooms:resource_edit": cart.pk,
        "classrooms:schedule_edit": schedule.pk,
        "classrooms:reservation_detail": booking,
        "classrooms:reservation_status": booking,
        "classrooms:person_feed": feed.token,
        "classrooms:resource_feed": cart.feed_token,
        "classrooms:av_edit": projector.pk,
        "classrooms:task_detail": task,
        "classrooms:plan_detail": plan.pk,
        "classrooms:plan_edit": plan.pk,
        "classrooms:plan_pause": plan.pk,
        "classrooms:inspection_detail": inspection.pk,
    }
    by_key = {
        "resource_id": cart.pk,
        "reservation_id": booking,
        "maintenance_task_id": open_task,
        "inspection_id": inspection.pk,
        "bell_schedule_id": schedule.pk,
    }
    bodies = {
        "create_reservation": new_booking_body,
        "set_reservation_status": {"status": "cancelled"},
        "record_av_reading": {"lamp_hours": 120},
        "complete_maintenance_task": {"results": {"Clean the filter": "pass"}},
        "start_inspection": {"room_id": base.room.pk},
        "scan_inspection": {"scan": "WALK-AV-1"},
        "finish_inspection": {},
        "create_classroom_resource": lambda: {
            "site_id": site.pk,
            "kind": "equipment",
            "name": f"Walk kit {next(hours)}",
        },
        "update_classroom_resource": {"description": "Walked"},
        "create_bell_schedule": new_schedule_body,
        "update_bell_schedule": {
            "site_id": site.pk,
            "name": "Walk day",
            "weekdays": [0, 1, 2, 3, 4],
            "periods": [{"name": "1", "starts_at": "08:00", "ends_at": "09:00"}],
        },
        "renew_my_reservation_feed": {},
        "renew_resource_feed": {},
    }
    return WalkSamples(by_url_name=by_url_name, by_key=by_key, bodies=bodies)
