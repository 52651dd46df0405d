"""Reads of classrooms: resources, bookings, bell schedules, AV details and maintenance,
each narrowed to the user's schools."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from homeroom.classrooms.choices import TaskStatus
from homeroom.classrooms.models import (
    LAMP_WARNING_SHARE,
    AVDetails,
    BellSchedule,
    MaintenancePlan,
    MaintenanceTask,
    Reservation,
    Resource,
)
from homeroom.core.calendar import district_zone
from homeroom.core.selectors import sites_for


def _at_sites(user, queryset: QuerySet, field: str = "site") -> QuerySet:
    if user.sees_all_sites:
        return queryset
    return queryset.filter(**{f"{field}__in": sites_for(user)})


def resources_for(user) -> QuerySet[Resource]:
    if not user.is_authenticated or not user.has_perm("classrooms.view_resource"):
        return Resource.objects.none()
    return _at_sites(user, Resource.objects.select_related("site", "room"))


def reservations_for(user) -> QuerySet[Reservation]:
    """Bookings of the resources at the user's schools: staff see who holds what, so a
    teacher can find a free slot or ask a colleague."""
    if not user.is_authenticated or not user.has_perm("classrooms.view_reservation"):
        return Reservation.objects.none()
    return _at_sites(
        user,
        Reservation.objects.select_related("resource__site", "holder"),
        "resource__site",
    )


def schedules_for(user) -> QuerySet[BellSchedule]:
    if not user.is_authenticated or not user.has_perm("classrooms.view_bellschedule"):
        return BellSchedule.objects.none()
    return _at_sites(user, BellSchedule.objects.select_related("site")).prefetch_related("periods")


def plans_for(user) -> QuerySet[MaintenancePlan]:
    """Plans of the user's schools, and the district's plans for every school."""
    if not user.is_authenticated or not user.has_perm("classrooms.view_maintenanceplan"):
        return MaintenancePlan.objects.none()
    plans = MaintenancePlan.objects.select_related("site", "device_model")
    if user.sees_all_sites:
        return plans
    from django.db.models import Q

    return plans.filter(Q(site__isnull=True) | Q(site__in=sites_for(user)))


def tasks_for(user) -> QuerySet[MaintenanceTask]:
    if not user.is_authenticated or not user.has_perm("classrooms.view_maintenancetask"):
        return MaintenanceTask.objects.none()
    return _at_sites(
        user, MaintenanceTask.objects.select_related("plan", "device__model", "site", "room")
    )


def av_for(user) -> QuerySet[AVDetails]:
    if not user.is_authenticated or not user.has_perm("classrooms.view_avdetails"):
        return AVDetails.objects.none()
    return _at_sites(
        user,
        AVDetails.objects.select_related("device__model", "device__site", "device__home_room"),
        "device__site",
    )


def end_of_week(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=6 - day.weekday())


def walking_route(tasks: QuerySet[MaintenanceTask]) -> QuerySet[MaintenanceTask]:
    """By school, then room number (the walking route), then the due day."""
    return tasks.order_by("site__name", "room__number", "due_on", "device__asset_tag", "pk")


def due_tasks(user, today: datetime.date | None = None) -> QuerySet[MaintenanceTask]:
    """Open tasks due by the end of this week (overdue ones included)."""
    today = today or timezone.localdate()
    return tasks_for(user).filter(status=TaskStatus.OPEN, due_on__lte=end_of_week(today))


def week_of(day: datetime.date) -> list[datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return [monday + datetime.timedelta(days=offset) for offset in range(7)]


def bookings_between(
    reservations: QuerySet[Reservation], first: datetime.date, last: datetime.date
) -> QuerySet[Reservation]:
    """Holding bookings that share time with the local days first..last."""
    zone = district_zone()
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return reservations.holding().overlapping(start, end).order_by("starts_at", "pk")


# A time grid shows at least the school day's hours; a booking outside them widens it.
GRID_FROM, GRID_TO = 7 * 60, 17 * 60


@dataclass
class GridColumn:
    """One column of a time grid: a day of a resource, or a resource on a day."""

    heading: str
    day: datetime.date
    bookings: list
    link: str = ""
    is_today: bool = False


def _minute_of(moment, day: datetime.date, *, rounding_up: bool = False) -> int:
    """The local minute of the day a moment falls on (0 before the day, 1440 after it)."""
    local = timezone.localtime(moment, district_zone())
    if local.date() != day:
        return 0 if local.date() < day else 24 * 60
    extra = rounding_up and (local.second or local.microsecond)
    return local.hour * 60 + local.minute + bool(extra)


def time_grid(columns: list[GridColumn], periods: Sequence) -> list[dict]:
    """Rows of a time grid: one per span between consecutive times at which a booking or a
    period starts or ends (or an hour strikes), so every booking covers whole rows. Each row
    has its start, the period starting then, and per column None (covered by a booking
    above), {"booking", "span"} or {"free"}. Bookings of one column never overlap (the
    database refuses it), so the cells never clash."""
    placed = []
    times = set(range(GRID_FROM, GRID_TO + 1, 60))
    for column in columns:
        spans = []
        for booking in column.bookings:
            start = _minute_of(booking.starts_at, column.day)
            end = _minute_of(booking.ends_at, column.day, rounding_up=True)
            if end > start:
                spans.append((start, end, booking))
                times.update((start, end))
        placed.append(spans)
    named = {}
    for period in periods:
        start = period.starts_at.hour * 60 + period.starts_at.minute
        end = period.ends_at.hour * 60 + period.ends_at.minute
        named.setdefault(start, str(period))
        times.update((start, end))
    marks = sorted(times)
    marks = [mark for mark in marks if min(marks[0], GRID_FROM) <= mark <= max(marks[-1], GRID_TO)]
    index = {mark: position for position, mark in enumerate(marks)}
    rows = [
        {
            "starts": datetime.time(start // 60, start % 60),
            "period": named.get(start, ""),
            "cells": [{"free": True} for _ in columns],
        }
        for start in marks[:-1]
    ]
    for number, spans in enumerate(placed):
        for start, end, booking in spans:
            first, last = index[start], index[end]
            rows[first]["cells"][number] = {"booking": booking, "span": last - first}
            for row in rows[first + 1 : last]:
                row["cells"][number] = None
    return rows


def lamps_near_end(details: QuerySet[AVDetails]) -> QuerySet[AVDetails]:
    """Lamps that have run their warning share of their rated life (in whole numbers, so
    the comparison is exact on every database)."""
    from django.db.models import F

    tenths = round(LAMP_WARNING_SHARE * 10)
    return (
        details.filter(lamp_life__gt=0, lamp_hours__isnull=False)
        .alias(tenfold=F("lamp_hours") * 10)
        .filter(tenfold__gte=F("lamp_life") * tenths)
    )


def room_story(user, room) -> dict:
    """What a room holds for its page: its AV with lamp health, its other devices by kind,
    the resources kept there with today's bookings, open tickets and maintenance due."""
    from django.apps import apps
    from django.db.models import Count

    from homeroom.devices.models import Device

    today = timezone.localdate()
    devices = Device.objects.filter(home_room=room).exclude(
        status__in=("lost", "stolen", "retired", "disposed")
    )
    av = list(
        devices.filter(model__category__in=("projector", "interactive_display", "document_camera"))
        .select_related("model", "av")
        .order_by("model__category", "asset_tag")[:20]
    )
    others = list(
        devices.exclude(model__category__in=("projector", "interactive_display", "document_camera"))
        .values("model__category")
        .annotate(count=Count("pk"))
        .order_by("model__category")
    )
    resources = list(resources_for(user).filter(room=room, is_active=True).order_by("name"))
    bookings = list(
        bookings_between(reservations_for(user).filter(resource__room=room), today, today)
    )
    tickets = 0
    if apps.is_installed("homeroom.helpdesk") and user.has_perm("helpdesk.view_ticket"):
        from homeroom.helpdesk.choices import OPEN_STATUSES
        from homeroom.helpdesk.models import Ticket

        tickets = Ticket.objects.filter(room=room, status__in=OPEN_STATUSES).count()
    due = list(
        tasks_for(user)
        .filter(room=room, status=TaskStatus.OPEN, due_on__lte=end_of_week(today))
        .order_by("due_on")[:10]
    )
    return {
        "room": room,
        "av": av,
        "others": others,
        "resources": resources,
        "bookings": bookings,
        "tickets": tickets,
        "due": due,
        "today": today,
    }


def rooms_of_teacher(user):
    """The rooms where the user teaches: the rooms named as the location of the classes
    they teach, at the class's school (one query)."""
    from django.db.models import Exists, OuterRef

    from homeroom.core.models import Room
    from homeroom.people.models import Enrollment

    teaches_here = Enrollment.objects.filter(
        person__user=user,
        role="teacher",
        is_active=True,
        school_class__site=OuterRef("site"),
        school_class__location__iexact=OuterRef("number"),
    )
    return Room.objects.filter(Exists(teaches_here), is_active=True).order_by("number")


def inspections_for(user):
    from homeroom.classrooms.models import Inspection

    if not user.is_authenticated or not user.has_perm("classrooms.view_inspection"):
        return Inspection.objects.none()
    return _at_sites(user, Inspection.objects.all())


def report_numbers(user, since: datetime.date, today: datetime.date) -> dict:
    """The classrooms reports from grouped queries: bookings per resource since `since`
    (how often each cart and lab is booked, and for how many hours), maintenance done since
    then and open by school, and lamp health by school."""
    from django.db.models import Count, F, Q, Sum

    start = datetime.datetime.combine(since, datetime.time(), tzinfo=district_zone())
    end = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), tzinfo=district_zone()
    )
    use = (
        reservations_for(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status__in=("cancelled", "declined"))
        .values("resource__name", "resource__site__name", "resource__kind")
        .annotate(bookings=Count("pk"), duration=Sum(F("ends_at") - F("starts_at")))
        .order_by("-bookings", "resource__site__name", "resource__name")
    )
    booked = [
        {
            "resource": row["resource__name"],
            "site": row["resource__site__name"],
            "kind": row["resource__kind"],
            "bookings": row["bookings"],
            "hours": round(row["duration"].total_seconds() / 3600, 1) if row["duration"] else 0,
        }
        for row in use
    ]
    tasks = (
        tasks_for(user)
        .values("site__name")
        .annotate(
            done=Count("pk", filter=Q(status=TaskStatus.DONE, completed_at__gte=start)),
            overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__lt=today)),
            due=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__gte=today)),
        )
        .order_by("site__name")
    )
    lamps = (
        lamps_near_end(av_for(user))
        .values("device__site__name")
        .annotate(count=Count("pk"))
        .order_by("device__site__name")
    )
    return {
        "use": booked,
        "maintenance": [
            {
                "site": row["site__name"],
                "done": row["done"],
                "overdue": row["overdue"],
                "due": row["due"],
            }
            for row in tasks
        ],
        "lamps": [(row["device__site__name"], row["count"]) for row in lamps],
    }
