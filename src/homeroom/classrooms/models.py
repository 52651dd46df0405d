"""Classrooms, labs and AV: what can be reserved and its bookings, each school's bell
schedule, the AV details of displays and projectors, and preventive maintenance."""

import calendar
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from homeroom.classrooms.choices import (
    HOLDING,
    IntervalUnit,
    Mount,
    PlanTarget,
    ReservationStatus,
    ResourceKind,
    TaskStatus,
)
from homeroom.core.choices import RoomKind

# A projector is flagged once its lamp has run this share of its rated life.
LAMP_WARNING_SHARE = 0.9


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class BellSchedule(models.Model):
    """A school's periods on some weekdays (a day type): teachers book "periods 2-3"."""

    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="bell_schedules")
    name = models.CharField(max_length=100, help_text="e.g. Regular day, Early release.")
    weekdays = models.JSONField(
        default=list, help_text="The weekdays it applies to, 0 for Monday to 6 for Sunday."
    )

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="bell_schedule_name_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"

    @property
    def day_names(self) -> str:
        return ", ".join(calendar.day_abbr[day] for day in sorted(self.weekdays))

    def clean(self) -> None:
        if not isinstance(self.weekdays, list) or any(
            not isinstance(day, int) or not 0 <= day <= 6 for day in self.weekdays
        ):
            raise ValidationError({"weekdays": "Give the weekdays as numbers from 0 to 6."})


class Period(models.Model):
    """One period of a bell schedule, in the school's local time."""

    schedule = models.ForeignKey(BellSchedule, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(max_length=40, help_text="e.g. 2, or Lunch.")
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["schedule", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="period_ends_after"
            ),
            models.UniqueConstraint(fields=["schedule", "name"], name="period_name_per_schedule"),
        ]

    def __str__(self) -> str:
        return f"Period {self.name}" if self.name[:1].isdigit() else self.name


class Resource(models.Model):
    """Something teachers reserve: a device cart, a lab, a room, loanable equipment."""

    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    name = models.CharField(max_length=200)
    room = models.ForeignKey(
        "core.Room",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        help_text="The lab or room itself, or where the equipment is kept.",
    )
    device = models.ForeignKey(
        "devices.Device",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        help_text="The cart (or equipment) in the device list: picking it up checks it out.",
    )
    description = models.TextField(blank=True)
    needs_approval = models.BooleanField(
        default=False, help_text="Bookings wait until a technician approves them."
    )
    max_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="The longest booking, in minutes (empty: no limit)."
    )
    advance_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many days ahead it may be booked (empty: any)."
    )
    is_active = models.BooleanField(default=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="resource_name_per_site")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classrooms:resource_detail", args=[self.pk])


class ReservationQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING)

    def overlapping(self, starts_at, ends_at):
        """Bookings that share time with [starts_at, ends_at): back to back is no overlap."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Reservation(models.Model):
    """A booking of a resource by a teacher, for periods of a school day or a span of time.
    Bookings of one weekly series share `series`."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="reservations")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reservations"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    periods = models.CharField(max_length=100, blank=True, help_text="e.g. Periods 2-3.")
    purpose = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=ReservationStatus.choices, default=ReservationStatus.CONFIRMED
    )
    series = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["resource", "starts_at"]),
            models.Index(fields=["holder", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="reservation_ends_after",
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.resource} on {local:%a %-d %b}"

    def get_absolute_url(self) -> str:
        return reverse("classrooms:reservation_detail", args=[self.pk])


class CalendarFeed(models.Model):
    """A person's secret iCalendar address for their bookings; a new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservation_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reservations feed of {self.user}"


class AVDetails(models.Model):
    """What an interactive display or projector needs beyond the device record."""

    device = models.OneToOneField("devices.Device", on_delete=models.CASCADE, related_name="av")
    firmware = models.CharField(
        max_length=100, blank=True, help_text="Firmware or Android version."
    )
    mount = models.CharField(max_length=20, choices=Mount.choices, blank=True)
    connected_computer = models.CharField(max_length=200, blank=True)
    lamp_hours = models.PositiveIntegerField(null=True, blank=True)
    lamp_life = models.PositiveIntegerField(
        null=True, blank=True, help_text="The lamp's rated life in hours."
    )
    filter_cleaned_on = models.DateField(null=True, blank=True)
    lamp_part = models.ForeignKey(
        "repairs.Part",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The replacement lamp in the parts stock.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "AV details"
        verbose_name_plural = "AV details"

    def __str__(self) -> str:
        return f"AV details of {self.device}"

    @property
    def lamp_share(self) -> float | None:
        if not self.lamp_life or self.lamp_hours is None:
            return None
        return self.lamp_hours / self.lamp_life

    @property
    def lamp_near_end(self) -> bool:
        share = self.lamp_share
        return share is not None and share >= LAMP_WARNING_SHARE


class MaintenancePlan(models.Model):
    """Preventive maintenance or cleaning: which devices, how often (or by a meter such as
    lamp hours), and the checklist each task carries."""

    name = models.CharField(max_length=200)
    site = models.ForeignKey(
        "core.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="maintenance_plans",
        help_text="Empty: every school.",
    )
    target = models.CharField(max_length=20, choices=PlanTarget.choices)
    device_model = models.ForeignKey(
        "devices.DeviceModel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=30, blank=True)
    room_kind = models.CharField(max_length=20, choices=RoomKind.choices, blank=True)
    devices = models.ManyToManyField("devices.Device", blank=True, related_name="+")
    every = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=10, choices=IntervalUnit.choices, blank=True)
    meter_every = models.PositiveIntegerField(
        null=True, blank=True, help_text="Or every so many lamp hours."
    )
    window_days = models.PositiveIntegerField(
        default=7, help_text="A task appears this many days before it is due."
    )
    checklist = models.JSONField(default=list)
    starts_on = models.DateField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classrooms:plan_detail", args=[self.pk])

    @property
    def how_often(self) -> str:
        if self.meter_every:
            return f"Every {self.meter_every:,} lamp hours"
        return f"Every {self.every} {self.get_unit_display()}"


class MaintenanceTask(models.Model):
    """One device's maintenance due on a day (or at a meter reading): its checklist results,
    the reading, the time spent, and the tickets or the repair its failed items opened."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.PROTECT, related_name="tasks")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    meter_at = models.PositiveIntegerField(
        null=True, blank=True, help_text="The reading that made it due, for a meter plan."
    )
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results = models.JSONField(default=dict, blank=True)
    meter_reading = models.PositiveIntegerField(null=True, blank=True)
    minutes_spent = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    ticket_ids = models.JSONField(default=list, blank=True)
    repair_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The repair work order its failed steps opened."
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "site", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "device"],
                condition=models.Q(status="open"),
                name="one_open_task_per_plan_and_device",
            ),
            models.UniqueConstraint(
                fields=["plan", "device", "due_on"], name="one_task_per_plan_device_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.device}"

    def get_absolute_url(self) -> str:
        return reverse("classrooms:task_detail", args=[self.pk])


class Inspection(models.Model):
    """A walk through a cart's slots or a lab's devices, scanning each: what was present,
    missing, damaged or not charging. Kept once finished."""

    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    cart = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cart__isnull=False) | models.Q(room__isnull=False),
                name="inspection_of_cart_or_room",
            )
        ]

    def __str__(self) -> str:
        return f"Inspection of {self.cart or self.room}"

    def get_absolute_url(self) -> str:
        return reverse("classrooms:inspection_detail", args=[self.pk])


class InspectionLine(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="lines")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, default="missing")
    scanned_at = models.DateTimeField(null=True, blank=True)
    ticket_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["slot", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "device"], name="one_line_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.device} in {self.inspection}"
