"""Writes to classrooms: resources and bell schedules, reservations, AV readings,
maintenance plans and tasks.

Every write checks the actor's role and that the record's school is one of the actor's
before anything is saved, validates the whole record and records an audit event; a refused
write raises and changes nothing. Bookings of one resource take turns on a row lock of the
resource, so two people booking the same slot at once get one booking and one refusal."""

import calendar as month_calendar
import datetime
import itertools
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from homeroom.classrooms import mail
from homeroom.classrooms.choices import (
    RESERVATION_TRANSITIONS,
    TASK_TRANSITIONS,
    IntervalUnit,
    ItemResult,
    PlanTarget,
    ReservationStatus,
    TaskStatus,
)
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
from homeroom.core import audit
from homeroom.core.calendar import calendar_for, district_zone
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.services import require_site_access
from homeroom.core.templatetags.homeroom import when

# PostgreSQL's exclusion constraint on held bookings of one resource (migration 0002).
NO_OVERLAP = "classrooms_reservation_no_overlap"
# A weekly series covers at most a school year.
LONGEST_SERIES = datetime.timedelta(days=370)


def _require(actor, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(message)


def _created(obj, fields: Iterable[str]) -> dict:
    return {
        field: [None, audit.as_json(getattr(obj, field))]
        for field in fields
        if getattr(obj, field) not in ("", None, [])
    }


def name_of(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone"


# --- resources and bell schedules -------------------------------------------------------

RESOURCE_FIELDS = (
    "site",
    "kind",
    "name",
    "room",
    "device",
    "description",
    "needs_approval",
    "max_minutes",
    "advance_days",
    "is_active",
)


@transaction.atomic
def resource_create(*, actor, site, kind: str, name: str, **fields) -> Resource:
    """Add something teachers may reserve at a school."""
    _require(actor, "classrooms.add_resource", "Your role does not add reservable resources.")
    require_site_access(actor, site)
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    resource = Resource(site=site, kind=kind, name=(name or "").strip(), **fields)
    _check_resource(resource)
    resource.full_clean()
    resource.save()
    audit.record(
        actor=actor,
        obj=resource,
        verb=AuditVerb.CREATED,
        site=site,
        changes=_created(resource, ("kind", "name", "needs_approval", "max_minutes")),
        message=f"Added {resource.name} for reservations",
    )
    return resource


def _check_resource(resource: Resource) -> None:
    if resource.room_id and resource.room.site_id != resource.site_id:
        raise ValidationError({"room": "Choose a room of the same school."})
    if resource.device_id and resource.device.site_id != resource.site_id:
        raise ValidationError({"device": "Choose a device of the same school."})
    if (
        resource.pk is None
        and Resource.objects.filter(site=resource.site, name__iexact=resource.name).exists()
    ):
        raise ValidationError({"name": f"{resource.site} already has {resource.name}."})


@transaction.atomic
def resource_update(*, actor, resource: Resource, **fields) -> Resource:
    _require(actor, "classrooms.change_resource", "Your role does not change resources.")
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    require_site_access(actor, resource.site)
    unknown = set(fields) - (set(RESOURCE_FIELDS) - {"site"})
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    changes = audit.apply_changes(resource, fields)
    if not changes:
        return resource
    _check_resource(resource)
    resource.full_clean()
    resource.save()
    audit.record(
        actor=actor, obj=resource, verb=AuditVerb.UPDATED, site=resource.site, changes=changes
    )
    return resource


@transaction.atomic
def resource_new_feed(*, actor, resource: Resource) -> Resource:
    """A new secret address for the resource's calendar feed; the old one stops working."""
    _require(actor, "classrooms.change_resource", "Your role does not change resources.")
    require_site_access(actor, resource.site)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    resource.feed_token = Resource._meta.get_field("feed_token").default()
    resource.save(update_fields=["feed_token"])
    audit.record(
        actor=actor,
        obj=resource,
        verb=AuditVerb.UPDATED,
        site=resource.site,
        message="Gave the calendar feed a new address",
    )
    return resource


@transaction.atomic
def bell_schedule_create(
    *, actor, site, name: str, weekdays: Sequence[int], periods: Sequence[tuple]
) -> BellSchedule:
    """A day type of a school with its periods, each (name, starts_at, ends_at)."""
    _require(actor, "classrooms.add_bellschedule", "Your role does not add bell schedules.")
    require_site_access(actor, site)
    schedule = BellSchedule(site=site)
    made = _save_schedule(schedule, name, weekdays, periods)
    audit.record(
        actor=actor,
        obj=schedule,
        verb=AuditVerb.CREATED,
        site=site,
        changes={"weekdays": [None, schedule.weekdays]},
        message=f"Added the bell schedule {schedule.name} with {len(made)} periods",
    )
    return schedule


@transaction.atomic
def bell_schedule_update(
    *, actor, schedule: BellSchedule, name: str, weekdays: Sequence[int], periods: Sequence[tuple]
) -> BellSchedule:
    """Change a day type: its name, weekdays and periods (which replace the old ones;
    bookings keep their times and the period names they were made with)."""
    _require(actor, "classrooms.change_bellschedule", "Your role does not change bell schedules.")
    schedule = BellSchedule.objects.select_for_update().select_related("site").get(pk=schedule.pk)
    require_site_access(actor, schedule.site)
    before = {
        "name": schedule.name,
        "weekdays": schedule.weekdays,
        "periods": [_period_text(p) for p in schedule.periods.order_by("starts_at")],
    }
    made = _save_schedule(schedule, name, weekdays, periods)
    after = {
        "name": schedule.name,
        "weekdays": schedule.weekdays,
        "periods": [_period_text(p) for p in made],
    }
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changes:
        audit.record(
            actor=actor,
            obj=schedule,
            verb=AuditVerb.UPDATED,
            site=schedule.site,
            changes=changes,
        )
    return schedule


def _period_text(period: Period) -> str:
    return f"{period.name} {period.starts_at:%H:%M}-{period.ends_at:%H:%M}"


def _save_schedule(schedule: BellSchedule, name, weekdays, periods) -> list[Period]:
    """Validate the whole day type, then save it with these periods in place of any it had."""
    schedule.name = (name or "").strip()
    try:
        schedule.weekdays = sorted(set(weekdays))
    except TypeError as error:
        raise ValidationError({"weekdays": "Give the weekdays as numbers from 0 to 6."}) from error
    schedule.full_clean()
    others = BellSchedule.objects.filter(site=schedule.site).exclude(pk=schedule.pk)
    if others.filter(name__iexact=schedule.name).exists():
        raise ValidationError({"name": f"{schedule.site} already has {schedule.name}."})
    for other in others:
        shared = set(other.weekdays) & set(schedule.weekdays)
        if shared:
            raise ValidationError(
                {"weekdays": f"{other.name} already covers {_weekday_names(shared)}."}
            )
    if not periods:
        raise ValidationError({"periods": "Give at least one period."})
    made = []
    for period_name, starts_at, ends_at in periods:
        period = Period(name=str(period_name).strip(), starts_at=starts_at, ends_at=ends_at)
        period.full_clean(exclude=["schedule"], validate_constraints=False)
        if period.ends_at <= period.starts_at:
            raise ValidationError({"periods": f"{period} must end after it starts."})
        made.append(period)
    names = [period.name.lower() for period in made]
    if len(set(names)) != len(names):
        raise ValidationError({"periods": "Give each period its own name."})
    made.sort(key=lambda period: period.starts_at)
    for earlier, later in itertools.pairwise(made):
        if later.starts_at < earlier.ends_at:
            raise ValidationError({"periods": f"{earlier} and {later} overlap."})
    schedule.save()
    schedule.periods.all().delete()
    for period in made:
        period.schedule = schedule
    return Period.objects.bulk_create(made)


def _weekday_names(days: Iterable[int]) -> str:
    return ", ".join(month_calendar.day_name[day] for day in sorted(days))


def periods_on(site, day: datetime.date) -> list[Period]:
    """The periods of the school's bell schedule for that weekday, in order (a school has a
    few schedules, so they are read whole)."""
    return [
        period
        for period in Period.objects.filter(schedule__site=site)
        .select_related("schedule")
        .order_by("starts_at")
        if day.weekday() in period.schedule.weekdays
    ]


# --- reservations ------------------------------------------------------------------------


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware moment of a school's local time on a day (daylight saving time included)."""
    return datetime.datetime.combine(day, time, tzinfo=district_zone())


def periods_label(periods: Sequence[Period]) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return str(periods[0])
    first, last = periods[0], periods[-1]
    if first.name[:1].isdigit() and last.name[:1].isdigit():
        return f"Periods {first.name}\N{EN DASH}{last.name}"
    return f"{first} \N{EN DASH} {last}"


def _occurrence_days(
    site, first: datetime.date, repeat_until: datetime.date | None
) -> tuple[list[datetime.date], list[datetime.date]]:
    """The days of a weekly series from `first` to `repeat_until`, and those it skips
    because the school is closed."""
    school = calendar_for(site)
    if repeat_until is None:
        return ([first], []) if school.is_school_day(first) else ([], [first])
    if repeat_until < first:
        raise ValidationError({"repeat_until": "The last day comes before the first."})
    if repeat_until - first > LONGEST_SERIES:
        raise ValidationError({"repeat_until": "A weekly booking covers at most a school year."})
    days, skipped = [], []
    day = first
    while day <= repeat_until:
        (days if school.is_school_day(day) else skipped).append(day)
        day += datetime.timedelta(days=7)
    return days, skipped


@transaction.atomic
def reservation_create(
    *,
    actor,
    resource: Resource,
    day: datetime.date | None = None,
    periods: Sequence[Period] = (),
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    repeat_until: datetime.date | None = None,
    purpose: str = "",
) -> list[Reservation]:
    """Book a resource for periods of a school day (`day` and `periods` of the school's bell
    schedule for that weekday) or for a span of time; `repeat_until` repeats it every week
    to that day, skipping the days the school is closed. A booking that overlaps one
    already held is refused (Conflict) naming who holds it; back to back is fine. Returns
    the bookings made."""
    _require(actor, "classrooms.add_reservation", "Your role does not reserve resources.")
    resource = (
        Resource.objects.select_for_update(of=("self",)).select_related("site").get(pk=resource.pk)
    )
    require_site_access(actor, resource.site)
    if not resource.is_active:
        raise ValidationError(f"{resource} is not taking bookings.")
    purpose = (purpose or "").strip()
    if len(purpose) > 200:
        raise ValidationError({"purpose": "Say what it is for in at most 200 characters."})
    zone = district_zone()
    if periods:
        if day is None:
            raise ValidationError({"day": "Choose the day."})
        chosen = sorted(periods, key=lambda period: period.starts_at)
        offered = {period.pk for period in periods_on(resource.site, day)}
        if any(period.pk not in offered for period in chosen):
            raise ValidationError(
                {"periods": f"Choose periods of {resource.site}'s bell schedule on {day:%A}."}
            )
        for earlier, later in itertools.pairwise(chosen):
            gap = Period.objects.filter(
                schedule=earlier.schedule,
                starts_at__gt=earlier.starts_at,
                starts_at__lt=later.starts_at,
            ).exclude(pk__in=[p.pk for p in chosen])
            if gap.exists():
                raise ValidationError({"periods": "Choose periods that follow one another."})
        start_time, end_time = chosen[0].starts_at, chosen[-1].ends_at
        label = periods_label(chosen)
        first_day = day
    else:
        if starts_at is None or ends_at is None:
            raise ValidationError({"starts_at": "Choose the periods, or a start and an end."})
        if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
            raise ValidationError({"starts_at": "Give times with their time zone."})
        if ends_at <= starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
        local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        if local_end.date() != local_start.date() and repeat_until is not None:
            raise ValidationError({"repeat_until": "Only a booking within one day repeats."})
        first_day = local_start.date()
        start_time, end_time = local_start.time(), local_end.time()
        label = ""
    days, skipped = _occurrence_days(resource.site, first_day, repeat_until)
    if not periods and repeat_until is None:
        # One booking by time may be on any day (an evening or a Saturday event).
        days, skipped = [first_day], []
    if periods and not days:
        raise ValidationError({"day": f"{resource.site} is closed on {first_day:%a %-d %b}."})
    if not days:
        raise ValidationError({"repeat_until": "Every one of those days the school is closed."})
    spans = []
    for occurrence in days:
        if not periods and repeat_until is None:
            spans.append((starts_at, ends_at))
        else:
            spans.append((_local(occurrence, start_time), _local(occurrence, end_time)))
    _check_limits(actor, resource, spans)
    clash = Q()
    for start, end in spans:
        clash |= Q(starts_at__lt=end, ends_at__gt=start)
    taken = list(
        resource.reservations.holding()
        .filter(clash)
        .select_related("holder")
        .order_by("starts_at")[:3]
    )
    if taken:
        named = "; ".join(
            when(reservation.starts_at)
            + (f" ({reservation.periods})" if reservation.periods else "")
            + f" by {name_of(reservation.holder)}"
            for reservation in taken
        )
        raise Conflict(f"{resource} is already booked: {named}.")
    approves = actor is not None and actor.has_perm("classrooms.change_reservation")
    status = (
        ReservationStatus.PENDING
        if resource.needs_approval and not approves
        else ReservationStatus.CONFIRMED
    )
    series = uuid.uuid4() if len(spans) > 1 else None
    made = []
    for start, end in spans:
        reservation = Reservation(
            resource=resource,
            holder=actor,
            starts_at=start,
            ends_at=end,
            periods=label,
            purpose=purpose,
            status=status,
            series=series,
            created_by=actor,
        )
        reservation.full_clean(exclude=["holder", "created_by"])
        made.append(reservation)
    try:
        with transaction.atomic():
            made = Reservation.objects.bulk_create(made)
    except IntegrityError as error:
        if NO_OVERLAP not in str(error):
            raise
        raise Conflict(f"{resource} was booked for that time a moment ago.") from error
    for reservation in made:
        audit.record(
            actor=actor,
            obj=reservation,
            verb=AuditVerb.CREATED,
            site=resource.site,
            changes=_created(reservation, ("starts_at", "ends_at", "periods", "status")),
            message=f"Booked {resource}",
        )
    transaction.on_commit(lambda: mail.booked(made, skipped))
    return made


def _check_limits(actor, resource: Resource, spans) -> None:
    now = timezone.now()
    if spans[0][0] < now - datetime.timedelta(minutes=5):
        raise ValidationError({"day": "That time has passed; choose a time to come."})
    if resource.max_minutes:
        longest = max(end - start for start, end in spans)
        if longest > datetime.timedelta(minutes=resource.max_minutes):
            raise ValidationError(
                {"periods": f"{resource} is booked for at most {resource.max_minutes} minutes."}
            )
    manages = actor is not None and actor.has_perm("classrooms.change_reservation")
    if resource.advance_days is not None and not manages:
        last_day = timezone.localdate() + datetime.timedelta(days=resource.advance_days)
        if timezone.localtime(spans[-1][0]).date() > last_day:
            raise ValidationError(
                {
                    "repeat_until": f"{resource} is booked at most {resource.advance_days} days "
                    f"ahead, until {last_day:%a %-d %b}."
                }
            )


def may_manage(user, reservation: Reservation) -> bool:
    """Technicians (and admins) at the resource's school approve, decline and hand out."""
    from homeroom.core.selectors import sites_for

    return (
        user is not None
        and user.is_authenticated
        and user.has_perm("classrooms.change_reservation")
        and sites_for(user).filter(pk=reservation.resource.site_id).exists()
    )


@transaction.atomic
def reservation_set_status(
    *, actor, reservation: Reservation, status: str, whole_series: bool = False
) -> list[Reservation]:
    """Move a booking (or, with `whole_series`, it and the rest of its weekly series) along
    the lifecycle: the holder cancels their own; technicians at the school approve, decline,
    cancel and hand out. Picking up a cart checks it out to the holder, returning it checks
    it in, through the devices' services."""
    reservation = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("resource__site", "resource__device", "holder")
        .get(pk=reservation.pk)
    )
    if status not in ReservationStatus.values:
        raise ValidationError({"status": "Choose a status."})
    own = actor is not None and actor.pk == reservation.holder_id
    manages = actor is None or may_manage(actor, reservation)
    if not manages and not (own and status == ReservationStatus.CANCELLED):
        raise PermissionDenied("Only a technician at the school changes someone's booking.")
    targets = [reservation]
    if whole_series and reservation.series:
        targets = list(
            Reservation.objects.select_for_update()
            .filter(
                series=reservation.series,
                starts_at__gte=reservation.starts_at,
                status=reservation.status,
            )
            .order_by("starts_at")
        )
    for target in targets:
        if status not in RESERVATION_TRANSITIONS[target.status]:
            raise ValidationError(
                {
                    "status": f"A booking that is {target.get_status_display().lower()} cannot "
                    f"become {ReservationStatus(status).label.lower()}."
                }
            )
    for target in targets:
        old = target.status
        target.status = status
        target.save(update_fields=["status"])
        audit.record(
            actor=actor,
            obj=target,
            verb=AuditVerb.STATUS_CHANGED,
            site=reservation.resource.site,
            changes={"status": [old, status]},
        )
    _hand_over(actor, reservation, status)
    if status in (ReservationStatus.CONFIRMED, ReservationStatus.DECLINED):
        transaction.on_commit(lambda: mail.decided(targets))
    return targets


def _hand_over(actor, reservation: Reservation, status: str) -> None:
    device = reservation.resource.device
    if device is None or status not in (ReservationStatus.PICKED_UP, ReservationStatus.RETURNED):
        return
    from homeroom.devices import services as device_services
    from homeroom.devices.choices import AssignmentKind

    if status == ReservationStatus.PICKED_UP:
        person = getattr(reservation.holder, "person", None)
        if person is None:
            raise ValidationError(
                f"{name_of(reservation.holder)} is not in the roster; check the cart out on "
                "its page."
            )
        device_services.device_check_out(
            actor=actor,
            device=device,
            person=person,
            kind=AssignmentKind.SHORT_TERM,
            due_at=reservation.ends_at,
            notes=f"Reserved: {reservation}",
        )
    elif device.assignments.filter(checked_in_at__isnull=True).exists():
        device_services.device_check_in(
            actor=actor, device=device, notes=f"Returned: {reservation}"
        )


@transaction.atomic
def feed_renew(*, actor, user) -> CalendarFeed:
    """A new secret address for a person's bookings feed; the old address stops working."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied("Only the person renews their own calendar feed.")
    feed, made = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not made:
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    audit.record(actor=actor, obj=feed, verb=AuditVerb.UPDATED, message="New calendar feed address")
    return feed


# --- AV details ------------------------------------------------------------------------

AV_FIELDS = (
    "firmware",
    "mount",
    "connected_computer",
    "lamp_hours",
    "lamp_life",
    "filter_cleaned_on",
    "lamp_part",
)


@transaction.atomic
def av_update(*, actor, device, **fields) -> AVDetails:
    """Record a display's or projector's details or readings (lamp hours, filter cleaned)."""
    _require(actor, "classrooms.change_avdetails", "Your role does not record AV details.")
    require_site_access(actor, device.site)
    unknown = set(fields) - set(AV_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    details, _ = AVDetails.objects.select_for_update().get_or_create(device=device)
    changes = audit.apply_changes(details, fields)
    if not changes:
        return details
    details.updated_at = timezone.now()
    details.full_clean()
    details.save()
    audit.record(
        actor=actor,
        obj=device,
        verb=AuditVerb.UPDATED,
        site=device.site,
        changes=changes,
        message="AV details recorded",
    )
    return details


# --- maintenance -----------------------------------------------------------------------

PLAN_FIELDS = (
    "site",
    "target",
    "device_model",
    "category",
    "room_kind",
    "every",
    "unit",
    "meter_every",
    "window_days",
    "checklist",
    "starts_on",
    "is_active",
)


def _check_plan(plan: MaintenancePlan, devices) -> None:
    needed = {
        PlanTarget.MODEL: ("device_model", plan.device_model_id, "Choose the device model."),
        PlanTarget.CATEGORY: ("category", plan.category, "Choose the kind of device."),
        PlanTarget.ROOM_KIND: ("room_kind", plan.room_kind, "Choose the kind of room."),
        PlanTarget.DEVICES: ("devices", devices, "Name at least one device."),
    }
    if plan.target in needed:
        field, value, message = needed[plan.target]
        if not value:
            raise ValidationError({field: message})
    if plan.meter_every and (plan.every or plan.unit):
        raise ValidationError({"every": "Give either how often or a lamp-hour meter, not both."})
    if not plan.meter_every and not (plan.every and plan.unit):
        raise ValidationError({"every": "Say how often: every N days, weeks or months."})
    items = plan.checklist
    if (
        not isinstance(items, list)
        or not items
        or any(not isinstance(item, str) or not item.strip() or len(item) > 200 for item in items)
    ):
        raise ValidationError({"checklist": "Give the checklist, one step a line."})
    if len(set(items)) != len(items):
        raise ValidationError({"checklist": "Each step once."})


@transaction.atomic
def plan_create(*, actor, name: str, devices=(), **fields) -> MaintenancePlan:
    """A maintenance or cleaning plan for one school (or every school, for those who work
    at all of them)."""
    _require(actor, "classrooms.add_maintenanceplan", "Your role does not plan maintenance.")
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if "checklist" in fields and isinstance(fields["checklist"], str):
        fields["checklist"] = [
            line.strip() for line in fields["checklist"].splitlines() if line.strip()
        ]
    plan = MaintenancePlan(name=(name or "").strip(), **fields)
    if plan.site_id is not None:
        require_site_access(actor, plan.site)
    elif actor is not None and not actor.sees_all_sites:
        raise PermissionDenied("Only people who work at every school plan for all of them.")
    devices = list(devices)
    for device in devices:
        require_site_access(actor, device.site)
    _check_plan(plan, devices)
    plan.full_clean()
    plan.save()
    if devices:
        plan.devices.set(devices)
    audit.record(
        actor=actor,
        obj=plan,
        verb=AuditVerb.CREATED,
        site=plan.site,
        changes=_created(plan, ("target", "every", "unit", "meter_every", "checklist")),
        message=f"Added the maintenance plan {plan.name}",
    )
    return plan


@transaction.atomic
def plan_update(*, actor, plan: MaintenancePlan, devices=None, **fields) -> MaintenancePlan:
    """Change a plan: what it covers, how often, its checklist, or pause it (`is_active`
    off: the sweep makes no new tasks until it is on again; open tasks stay). `devices`
    replaces the named devices when given."""
    _require(actor, "classrooms.change_maintenanceplan", "Your role does not plan maintenance.")
    plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
    _require_plan_access(actor, plan)
    unknown = set(fields) - {"name", *PLAN_FIELDS}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    if isinstance(fields.get("checklist"), str):
        fields["checklist"] = [
            line.strip() for line in fields["checklist"].splitlines() if line.strip()
        ]
    changes = audit.apply_changes(plan, fields)
    _require_plan_access(actor, plan)
    named = list(plan.devices.all()) if devices is None else list(devices)
    if devices is not None:
        for device in named:
            require_site_access(actor, device.site)
        before = sorted(device.asset_tag for device in plan.devices.all())
        after = sorted(device.asset_tag for device in named)
        if before != after:
            changes["devices"] = [before, after]
    if not changes:
        return plan
    _check_plan(plan, named if plan.target == PlanTarget.DEVICES else [])
    plan.full_clean()
    plan.save()
    if devices is not None:
        plan.devices.set(named)
    paused = changes.get("is_active")
    audit.record(
        actor=actor,
        obj=plan,
        verb=AuditVerb.UPDATED,
        site=plan.site,
        changes=changes,
        message=("Paused the plan" if not plan.is_active else "Resumed the plan") if paused else "",
    )
    return plan


def _require_plan_access(actor, plan: MaintenancePlan) -> None:
    if plan.site_id is not None:
        require_site_access(actor, plan.site)
    elif actor is not None and not actor.sees_all_sites:
        raise PermissionDenied("Only people who work at every school plan for all of them.")


def plan_devices(plan: MaintenancePlan):
    """The devices a plan covers (in service: not lost, retired or disposed)."""
    from homeroom.devices.models import Device

    devices = Device.objects.exclude(status__in=("lost", "stolen", "retired", "disposed"))
    if plan.site_id is not None:
        devices = devices.filter(site_id=plan.site_id)
    if plan.target == PlanTarget.MODEL:
        return devices.filter(model_id=plan.device_model_id)
    if plan.target == PlanTarget.CATEGORY:
        return devices.filter(model__category=plan.category)
    if plan.target == PlanTarget.ROOM_KIND:
        return devices.filter(home_room__kind=plan.room_kind)
    return devices.filter(pk__in=plan.devices.values("pk"))


def add_interval(day: datetime.date, every: int, unit: str) -> datetime.date:
    if unit == IntervalUnit.DAYS:
        return day + datetime.timedelta(days=every)
    if unit == IntervalUnit.WEEKS:
        return day + datetime.timedelta(weeks=every)
    month = day.month - 1 + every
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def generate_tasks(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> int:
    """Create the maintenance tasks that have come due: a calendar plan's next task once
    today is within its window of the due day, a meter plan's when a projector's lamp hours
    have run its interval since the last task. Never a second open task for a plan and
    device, and never two for one day. Returns how many it made."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    made = 0
    for plan in MaintenancePlan.objects.filter(is_active=True).order_by("pk"):
        with transaction.atomic():
            made += _generate_for(plan, today, now)
    return made


def _generate_for(plan: MaintenancePlan, today: datetime.date, now: datetime.datetime) -> int:
    devices = plan_devices(plan)
    busy = set(plan.tasks.filter(status=TaskStatus.OPEN).values_list("device_id", flat=True))
    last = dict(
        plan.tasks.values("device_id").annotate(last=Max("due_on")).values_list("device_id", "last")
    )
    new = []
    if plan.meter_every:
        last_meter = dict(
            plan.tasks.values("device_id")
            .annotate(reading=Max("meter_at"))
            .values_list("device_id", "reading")
        )
        rows = devices.filter(av__lamp_hours__isnull=False).values_list(
            "pk", "site_id", "home_room_id", "av__lamp_hours"
        )
        for device_id, site_id, room_id, hours in rows:
            if device_id in busy:
                continue
            since = last_meter.get(device_id) or 0
            threshold = (since // plan.meter_every + 1) * plan.meter_every
            if hours >= threshold and last.get(device_id) != today:
                new.append(
                    MaintenanceTask(
                        plan=plan,
                        device_id=device_id,
                        site_id=site_id,
                        room_id=room_id,
                        due_on=today,
                        meter_at=hours,
                        created_at=now,
                    )
                )
    else:
        for device_id, site_id, room_id in devices.values_list("pk", "site_id", "home_room_id"):
            if device_id in busy:
                continue
            previous = last.get(device_id)
            due = (
                plan.starts_on
                if previous is None
                else add_interval(previous, plan.every, plan.unit)
            )
            # Far behind: the latest due day that has passed, not one task per missed turn.
            while (following := add_interval(due, plan.every, plan.unit)) <= today:
                due = following
            if due - datetime.timedelta(days=plan.window_days) <= today:
                new.append(
                    MaintenanceTask(
                        plan=plan,
                        device_id=device_id,
                        site_id=site_id,
                        room_id=room_id,
                        due_on=due,
                        created_at=now,
                    )
                )
    MaintenanceTask.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def sweep_tasks() -> str:
    made = generate_tasks()
    return f"maintenance: {made} new task{'s' if made != 1 else ''}"


@transaction.atomic
def task_complete(
    *,
    actor,
    task: MaintenanceTask,
    results: dict[str, str],
    meter_reading: int | None = None,
    minutes_spent: int | None = None,
    notes: str = "",
    open_tickets: bool = True,
    escalate: bool = False,
) -> MaintenanceTask:
    """Record a task done: each checklist item passed, failed or not applying, the meter
    reading (a projector's lamp hours, kept on its AV details) and the time spent. Each
    failed item opens a help-desk ticket about the device unless `open_tickets` is off; with
    `escalate` the failed items open one repair work order instead, escalated to district IT
    (a repair the school's technician cannot do: the device goes in for repair at once)."""
    _require(actor, "classrooms.change_maintenancetask", "Your role does not do maintenance.")
    if escalate:
        _require(actor, "repairs.add_repairorder", "Your role does not open repairs.")
    task = (
        MaintenanceTask.objects.select_for_update(of=("self",))
        .select_related("plan", "device__model", "site", "room")
        .get(pk=task.pk)
    )
    require_site_access(actor, task.site)
    if TaskStatus.DONE not in TASK_TRANSITIONS[task.status]:
        raise ValidationError(f"This task is already {task.get_status_display().lower()}.")
    checklist = task.plan.checklist
    results = dict(results or {})
    unknown = set(results) - set(checklist)
    if unknown:
        raise ValidationError({"results": f"Not on the checklist: {', '.join(sorted(unknown))}."})
    missing = [item for item in checklist if item not in results]
    if missing:
        raise ValidationError({"results": f"Say how each step went: {', '.join(missing)}."})
    if any(value not in ItemResult.values for value in results.values()):
        raise ValidationError({"results": "Each step passed, failed or does not apply."})
    if minutes_spent is not None and not 0 <= minutes_spent <= 24 * 60:
        raise ValidationError({"minutes_spent": "Give the minutes spent, at most a day."})
    if meter_reading is not None and meter_reading < 0:
        raise ValidationError({"meter_reading": "A reading is zero or more."})
    task.status = TaskStatus.DONE
    task.results = {item: results[item] for item in checklist}
    task.meter_reading = meter_reading
    task.minutes_spent = minutes_spent
    task.notes = (notes or "").strip()
    task.completed_at = timezone.now()
    task.completed_by = actor
    failed = [item for item in checklist if results[item] == ItemResult.FAIL]
    if escalate and not failed:
        raise ValidationError({"results": "Only a failed step is escalated to a repair."})
    if escalate:
        task.repair_id = _repair_for(actor, task, failed).pk
    elif failed and open_tickets:
        task.ticket_ids = [_ticket_for(actor, task, item).pk for item in failed]
    task.full_clean()
    task.save()
    if meter_reading is not None:
        AVDetails.objects.update_or_create(
            device=task.device, defaults={"lamp_hours": meter_reading, "updated_at": timezone.now()}
        )
    audit.record(
        actor=actor,
        obj=task,
        verb=AuditVerb.UPDATED,
        site=task.site,
        changes={"status": [TaskStatus.OPEN, TaskStatus.DONE], "results": [None, task.results]},
        message=f"Completed {task.plan}"
        + (f"; {len(failed)} step{'s' if len(failed) != 1 else ''} failed" if failed else ""),
    )
    return task


def _ticket_for(actor, task: MaintenanceTask, item: str):
    from homeroom.helpdesk import services as helpdesk_services

    where = f" in room {task.room.number}" if task.room else ""
    return helpdesk_services.ticket_create(
        actor=actor,
        site=task.site,
        subject=f"{task.device.model.name}{where}: {item} failed"[:200],
        description=(
            f"Maintenance “{task.plan}” on {task.device.asset_tag}: the step “{item}” failed."
            + (f"\n\n{task.notes}" if task.notes else "")
        ),
        device=task.device,
        room=task.room,
    )


def _repair_for(actor, task: MaintenanceTask, failed: list[str]):
    from homeroom.repairs import services as repair_services

    where = f" in room {task.room.number}" if task.room else ""
    steps = "; ".join(failed)
    return repair_services.repair_open(
        actor=actor,
        device=task.device,
        problem=(
            f"Maintenance “{task.plan}” on {task.device.asset_tag}{where}: failed: {steps}."
            + (f"\n\n{task.notes}" if task.notes else "")
        ),
        notes=f"Escalated to district IT from maintenance task {task.pk}.",
    )


@transaction.atomic
def task_skip(*, actor, task: MaintenanceTask, notes: str = "") -> MaintenanceTask:
    _require(actor, "classrooms.change_maintenancetask", "Your role does not do maintenance.")
    task = MaintenanceTask.objects.select_for_update().get(pk=task.pk)
    require_site_access(actor, task.site)
    if TaskStatus.SKIPPED not in TASK_TRANSITIONS[task.status]:
        raise ValidationError(f"This task is already {task.get_status_display().lower()}.")
    task.status = TaskStatus.SKIPPED
    task.notes = (notes or "").strip()
    task.completed_at = timezone.now()
    task.completed_by = actor
    task.save(update_fields=["status", "notes", "completed_at", "completed_by"])
    audit.record(
        actor=actor,
        obj=task,
        verb=AuditVerb.UPDATED,
        site=task.site,
        changes={"status": [TaskStatus.OPEN, TaskStatus.SKIPPED]},
    )
    return task


# --- inspections -----------------------------------------------------------------------


@transaction.atomic
def inspection_start(*, actor, cart=None, room=None) -> Inspection:
    """Start inspecting a cart (its filled slots) or a lab (the devices whose home room it
    is): every expected device is listed as missing until it is scanned."""
    from homeroom.devices.models import CartSlot, Device

    _require(actor, "classrooms.add_inspection", "Your role does not inspect carts or labs.")
    if (cart is None) == (room is None):
        raise ValidationError("Inspect a cart or a room.")
    site = cart.site if cart is not None else room.site
    require_site_access(actor, site)
    inspection = Inspection(site=site, cart=cart, room=room, started_by=actor)
    inspection.full_clean(exclude=["started_by"])
    inspection.save()
    if cart is not None:
        expected = [
            (slot.device_id, slot.number)
            for slot in CartSlot.objects.filter(cart=cart, device__isnull=False).order_by("number")
        ]
    else:
        expected = [
            (pk, None)
            for pk in Device.objects.filter(home_room=room)
            .exclude(status__in=("lost", "stolen", "retired", "disposed"))
            .order_by("asset_tag")
            .values_list("pk", flat=True)
        ]
    InspectionLine.objects.bulk_create(
        InspectionLine(inspection=inspection, device_id=device_id, slot=slot)
        for device_id, slot in expected
    )
    audit.record(
        actor=actor,
        obj=inspection,
        verb=AuditVerb.CREATED,
        site=site,
        message=f"Started inspecting {cart or room}: {len(expected)} devices expected",
    )
    return inspection


@transaction.atomic
def inspection_scan(*, actor, inspection: Inspection, scan: str, state: str = "present"):
    """Mark a scanned device (asset tag or serial) present, damaged (which opens a ticket)
    or not charging. Returns the line."""
    from homeroom.classrooms.choices import InspectionState

    _require(actor, "classrooms.add_inspection", "Your role does not inspect carts or labs.")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_site_access(actor, inspection.site)
    if inspection.finished_at is not None:
        raise ValidationError("This inspection is finished; start a new one.")
    if state not in InspectionState.values or state == InspectionState.MISSING:
        raise ValidationError({"state": "Present, damaged or not charging."})
    scan = (scan or "").strip()
    if not scan:
        raise ValidationError({"scan": "Scan an asset tag or a serial number."})
    line = (
        inspection.lines.select_for_update(of=("self",))
        .select_related("device__model")
        .filter(Q(device__asset_tag__iexact=scan) | Q(device__serial_number__iexact=scan))
        .first()
    )
    if line is None:
        raise ValidationError(
            {"scan": f"“{scan}” does not belong in {inspection.cart or inspection.room}."}
        )
    line.state = state
    line.scanned_at = timezone.now()
    if state == InspectionState.DAMAGED and line.ticket_id is None:
        from homeroom.helpdesk import services as helpdesk_services

        where = inspection.cart or inspection.room

        ticket = helpdesk_services.ticket_create(
            actor=actor,
            site=inspection.site,
            subject=f"{line.device.asset_tag} found damaged in {where}"[:200],
            description=f"Found damaged while inspecting {inspection.cart or inspection.room}.",
            device=line.device,
            room=inspection.room,
        )
        line.ticket_id = ticket.pk
    line.save(update_fields=["state", "scanned_at", "ticket_id"])
    return line


@transaction.atomic
def inspection_finish(*, actor, inspection: Inspection, notes: str = "") -> Inspection:
    """Close the inspection: what was not scanned stays missing, in the kept result."""
    _require(actor, "classrooms.add_inspection", "Your role does not inspect carts or labs.")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_site_access(actor, inspection.site)
    if inspection.finished_at is not None:
        raise ValidationError("This inspection is already finished.")
    inspection.finished_at = timezone.now()
    inspection.notes = (notes or "").strip()
    inspection.save(update_fields=["finished_at", "notes"])
    missing = inspection.lines.filter(state="missing").count()
    audit.record(
        actor=actor,
        obj=inspection,
        verb=AuditVerb.UPDATED,
        site=inspection.site,
        message=f"Finished: {missing} missing",
    )
    return inspection
