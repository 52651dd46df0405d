"""The demo district's classrooms: at each school a bell schedule, its carts, computer lab
and loanable kits to reserve, a term of weekly bookings (some behind the demo's day, the
rest ahead of it), the AV details of every display and projector (one lamp near its end)
maintenance plans with tasks due this week and overdue, and a finished inspection of a cart
with one device missing."""

import contextlib
import datetime

from django.core.exceptions import ValidationError

from homeroom.classrooms import services
from homeroom.classrooms.choices import ReservationStatus
from homeroom.classrooms.models import AVDetails, Reservation
from homeroom.core.calendar import calendar_for, district_zone
from homeroom.core.choices import RoomKind, SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.core.exceptions import Conflict

PERIODS = [
    ("1", datetime.time(8, 0), datetime.time(8, 50)),
    ("2", datetime.time(8, 55), datetime.time(9, 45)),
    ("3", datetime.time(9, 50), datetime.time(10, 40)),
    ("4", datetime.time(10, 45), datetime.time(11, 35)),
    ("Lunch", datetime.time(11, 40), datetime.time(12, 10)),
    ("5", datetime.time(12, 15), datetime.time(13, 5)),
    ("6", datetime.time(13, 10), datetime.time(14, 0)),
]
TERM_WEEKS = 10
PAST_WEEKS = 6
LAMP_LIFE = 3500


@demo_step(order=85)
def classrooms(context: DemoContext) -> None:
    accounts = context.shared["accounts"]
    admin = accounts["admin"]
    schools = [s for s in context.shared["sites"] if s.type != SiteType.DISTRICT_OFFICE]
    for school in schools:
        schedule = services.bell_schedule_create(
            actor=admin, site=school, name="Regular day", weekdays=[0, 1, 2, 3, 4], periods=PERIODS
        )
        resources = _resources(admin, school)
        holders = [
            user
            for user in accounts.values()
            if user.has_perm("classrooms.add_reservation")
            and not user.sees_all_sites
            and user.sites.filter(pk=school.pk).exists()
        ] or [admin]
        periods = {period.name: period for period in schedule.periods.all()}
        _bookings(context, school, resources, holders, periods)
    _av_details(context, schools)
    _maintenance(context, admin)
    _cart_inspection(context, accounts.get("tech") or admin, schools)


def _resources(admin, school):
    from homeroom.devices.models import Device

    made = []
    carts = Device.objects.filter(site=school, model__category="cart").order_by("asset_tag")
    for number, cart in enumerate(carts[:2], start=1):
        made.append(
            services.resource_create(
                actor=admin,
                site=school,
                kind="cart",
                name=f"Chromebook cart {number}",
                device=cart,
                room=cart.home_room,
                description="30 Chromebooks with chargers. Pick it up from the tech room.",
            )
        )
    lab = school.rooms.filter(kind=RoomKind.LAB).order_by("number").first()
    if lab is not None:
        made.append(
            services.resource_create(
                actor=admin, site=school, kind="lab", name="Computer lab", room=lab, max_minutes=240
            )
        )
    made.append(
        services.resource_create(
            actor=admin, site=school, kind="equipment", name="Document camera kit"
        )
    )
    made.append(
        services.resource_create(
            actor=admin,
            site=school,
            kind="equipment",
            name="VR headset kit",
            needs_approval=True,
            advance_days=21,
            description="Ten headsets; a technician approves each booking.",
        )
    )
    return made


def _bookings(context, school, resources, holders, periods) -> None:
    """A weekly booking of each of the first resources by one of the school's staff: the
    weeks behind the demo's day as they happened, the term ahead through the service."""
    zone = district_zone()
    school_days = calendar_for(school)
    for index, resource in enumerate(resources[:3]):
        holder = holders[index % len(holders)]
        weekday = (1 + 2 * index) % 5  # Tuesday, Thursday, Monday
        chosen = [periods["2"], periods["3"]] if index == 0 else [periods[str(index + 2)]]
        label = services.periods_label(chosen)
        first = context.today - datetime.timedelta(days=(context.today.weekday() - weekday) % 7)
        past = []
        for week in range(PAST_WEEKS, 0, -1):
            day = first - datetime.timedelta(weeks=week)
            if not school_days.is_school_day(day):
                continue
            starts = datetime.datetime.combine(day, chosen[0].starts_at, zone)
            past.append(
                Reservation(
                    resource=resource,
                    holder=holder,
                    starts_at=starts,
                    ends_at=datetime.datetime.combine(day, chosen[-1].ends_at, zone),
                    periods=label,
                    purpose="Weekly class project",
                    status=ReservationStatus.RETURNED
                    if resource.device_id
                    else ReservationStatus.CONFIRMED,
                    created_at=starts - datetime.timedelta(days=7),
                    created_by=holder,
                )
            )
        Reservation.objects.bulk_create(past)
        start = first + datetime.timedelta(weeks=1)
        for offset in range(0, 5 * 7, 7):
            # The first week ahead the school is open on that weekday.
            day = start + datetime.timedelta(days=offset)
            if school_days.is_school_day(day):
                # The demo's day may be far from the clock's: then the term ahead is not booked.
                with contextlib.suppress(ValidationError, Conflict):
                    made = services.reservation_create(
                        actor=holder,
                        resource=resource,
                        day=day,
                        periods=chosen,
                        repeat_until=start + datetime.timedelta(weeks=TERM_WEEKS),
                        purpose="Weekly class project",
                    )
                    # Booked at the demo's moment, which the clock may have passed by now.
                    Reservation.objects.filter(pk__in=[r.pk for r in made]).update(
                        created_at=context.now
                    )
                break


def _av_details(context, schools) -> None:
    """Every display and projector's details; each projector's lamp partway through its
    life, one at each high school near its end."""
    from homeroom.devices.models import Device

    devices = Device.objects.filter(
        site__in=schools, model__category__in=["projector", "interactive_display"]
    ).select_related("model", "home_room")
    rows = []
    near_end_given = set()
    for device in devices.order_by("asset_tag").iterator(chunk_size=1000):
        if device.model.category == "projector":
            if device.site_id not in near_end_given:
                hours = LAMP_LIFE - 180
                near_end_given.add(device.site_id)
            else:
                hours = context.rng.randint(150, LAMP_LIFE * 7 // 10)
            rows.append(
                AVDetails(
                    device=device,
                    mount="ceiling",
                    lamp_hours=hours,
                    lamp_life=LAMP_LIFE,
                    filter_cleaned_on=context.today
                    - datetime.timedelta(days=context.rng.randint(20, 120)),
                    updated_at=context.now - datetime.timedelta(days=context.rng.randint(1, 30)),
                )
            )
        else:
            rows.append(
                AVDetails(
                    device=device,
                    firmware=context.rng.choice(["ActivPanel 9 v2.3.1", "ActivPanel 9 v2.4.0"]),
                    mount="wall",
                    connected_computer=f"Teacher laptop, room {device.home_room.number}"
                    if device.home_room
                    else "",
                    updated_at=context.now - datetime.timedelta(days=context.rng.randint(1, 60)),
                )
            )
    AVDetails.objects.bulk_create(rows, batch_size=1000)


def _maintenance(context, admin) -> None:
    """District plans: projector filters due within the week, display firmware overdue,
    and a lamp check every 1,500 hours (which the lamps past it have set off)."""
    services.plan_create(
        actor=admin,
        name="Clean projector filters",
        target="category",
        category="projector",
        every=3,
        unit="months",
        window_days=14,
        checklist=["Clean the dust filter", "Check the lamp hours", "Test the image and sound"],
        starts_on=context.today + datetime.timedelta(days=4),
    )
    services.plan_create(
        actor=admin,
        name="Update display firmware and wipe the screen",
        target="category",
        category="interactive_display",
        every=6,
        unit="months",
        window_days=14,
        checklist=["Update the display firmware", "Wipe the screen", "Test the speakers"],
        starts_on=context.today - datetime.timedelta(days=3),
    )
    services.plan_create(
        actor=admin,
        name="Projector lamp check",
        target="category",
        category="projector",
        meter_every=1500,
        checklist=["Check the lamp", "Order a lamp if under 300 hours are left"],
        starts_on=context.today,
    )
    services.generate_tasks(today=context.today, now=context.now)


def _cart_inspection(context, inspector, schools) -> None:
    """Yesterday afternoon's inspection of the first filled cart at the inspector's schools:
    every device scanned but one, which stays missing in the kept result."""
    from homeroom.classrooms.models import Inspection, InspectionLine
    from homeroom.devices.models import CartSlot

    works_at = set(inspector.sites.values_list("pk", flat=True))
    sites = [s for s in schools if inspector.sees_all_sites or s.pk in works_at]
    slots = CartSlot.objects.filter(device__isnull=False, cart__site__in=sites)
    first = (
        slots.select_related("cart")
        .order_by("cart__site__name", "cart__asset_tag", "number")
        .first()
    )
    if first is None:
        return
    inspection = services.inspection_start(actor=inspector, cart=first.cart)
    lines = list(inspection.lines.select_related("device").order_by("slot", "pk"))
    for line in lines[:-1]:
        services.inspection_scan(actor=inspector, inspection=inspection, scan=line.device.asset_tag)
    services.inspection_finish(
        actor=inspector, inspection=inspection, notes=f"Slot {lines[-1].slot} was empty."
    )
    # Done the afternoon before the demo's moment, which the clock may have passed.
    started = context.now - datetime.timedelta(hours=20)
    Inspection.objects.filter(pk=inspection.pk).update(
        started_at=started, finished_at=started + datetime.timedelta(minutes=12)
    )
    InspectionLine.objects.filter(inspection=inspection, scanned_at__isnull=False).update(
        scanned_at=started + datetime.timedelta(minutes=6)
    )
