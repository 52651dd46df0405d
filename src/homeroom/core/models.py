from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from homeroom.core.choices import (
    IMPORT_RUN_RUNNING,
    AuditInterface,
    AuditVerb,
    ImportRunStatus,
    RoomKind,
    SiteType,
)


class Site(models.Model):
    """A school or other district building; most records belong to one site."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(
        max_length=32, unique=True, help_text="Short code used in tags and imports, e.g. LHS."
    )
    type = models.CharField(max_length=20, choices=SiteType.choices, default=SiteType.ELEMENTARY)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sourced_id = models.CharField(
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text="The OneRoster sourcedId of the school, when it comes from the roster.",
    )
    date_last_modified = models.DateTimeField(null=True, blank=True, editable=False)
    row_hash = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:site_detail", args=[self.pk])


class Room(models.Model):
    """A room inside a site: a classroom, lab, library, office, storage closet and so on."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    number = models.CharField(max_length=40, help_text="Room number or short name, e.g. 114.")
    name = models.CharField(max_length=200, blank=True, help_text="Optional, e.g. Science lab.")
    kind = models.CharField(max_length=20, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    floor = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="room_number_unique_per_site")
        ]
        indexes = [models.Index(fields=["site", "kind"])]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("core:room_detail", args=[self.pk])


WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class SchoolHours(models.Model):
    """The school days and opening hours of one site; with no site, the district default
    that every site without its own hours follows. Times are in the district's time zone."""

    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="school_hours"
    )
    monday = models.BooleanField(default=True)
    tuesday = models.BooleanField(default=True)
    wednesday = models.BooleanField(default=True)
    thursday = models.BooleanField(default=True)
    friday = models.BooleanField(default=True)
    saturday = models.BooleanField(default=False)
    sunday = models.BooleanField(default=False)
    opens_at = models.TimeField(help_text="When the help desk clock starts on a school day.")
    closes_at = models.TimeField(help_text="When it stops; must be after the opening time.")

    class Meta:
        verbose_name_plural = "school hours"
        constraints = [
            models.UniqueConstraint(
                Coalesce("site", models.Value(0)), name="school_hours_one_per_site_or_district"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="school_hours_close_after_open",
                violation_error_message="Closing time must be after opening time.",
            ),
            models.CheckConstraint(
                condition=models.Q(monday=True)
                | models.Q(tuesday=True)
                | models.Q(wednesday=True)
                | models.Q(thursday=True)
                | models.Q(friday=True)
                | models.Q(saturday=True)
                | models.Q(sunday=True),
                name="school_hours_at_least_one_day",
                violation_error_message="Pick at least one school day.",
            ),
        ]

    def __str__(self) -> str:
        return f"School hours of {self.site or 'the district'}"

    @property
    def weekdays(self) -> frozenset[int]:
        """The school days as Python weekday numbers (Monday is 0)."""
        return frozenset(i for i, name in enumerate(WEEKDAY_FIELDS) if getattr(self, name))


class ClosedDay(models.Model):
    """A day or a run of days when one site, or with no site the whole district, is closed:
    a holiday, a break, a snow day. The help desk clock does not run on closed days."""

    MAX_DAYS = 366

    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="closed_days"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last closed day; the same as the first for one day.")
    reason = models.CharField(max_length=200, help_text="e.g. Thanksgiving break, snow day.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_on", "ends_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="closed_day_ends_after_it_starts",
                violation_error_message="The last closed day cannot be before the first.",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "starts_on"]),
            models.Index(fields=["starts_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.dates_label})"

    @property
    def dates_label(self) -> str:
        if self.starts_on == self.ends_on:
            return self.starts_on.strftime("%a %-d %b %Y")
        return f"{self.starts_on:%a %-d %b} to {self.ends_on:%a %-d %b %Y}"

    @property
    def day_count(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def clean(self):
        if self.starts_on and self.ends_on and self.day_count > self.MAX_DAYS:
            raise ValidationError(
                {"ends_on": f"A closed period can be at most {self.MAX_DAYS} days long."}
            )


class DistrictSettings(models.Model):
    """District-wide settings that belong to no one module: one row (pk 1), kept in the
    admin by district admins."""

    name = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="district name",
        help_text="As it is written on certificates, e.g. Riverside Unified School District.",
    )
    student_api_tokens = models.BooleanField(
        default=False,
        verbose_name="students may create API tokens",
        help_text="Students may make personal API tokens on their profile page.",
    )

    class Meta:
        verbose_name = "district settings"
        verbose_name_plural = "district settings"

    def __str__(self) -> str:
        return "District settings"

    @classmethod
    def current(cls) -> "DistrictSettings":
        """The saved settings, or the defaults until the district saves its own."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Audit events are append-only.")

    def delete(self):
        raise ValidationError("Audit events are append-only.")


class VerbField(models.CharField):
    """Audit verbs are declared in code (AuditVerb); migrations leave their choices out, so
    a module adding a verb needs no migration of the audit table."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "django.db.models.CharField", args, kwargs


class AuditEvent(models.Model):
    """One change to one object: who, when, from which interface, and which fields moved.

    Append-only: an event is never edited or deleted once written.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    interface = models.CharField(max_length=10, choices=AuditInterface.choices)
    verb = VerbField(max_length=30, choices=AuditVerb.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"]),
            models.Index(fields=["interface", "-at"]),
            models.Index(fields=["interface", "verb", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name or 'System'} {self.get_verb_display().lower()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit events are append-only.")


class ImportRun(models.Model):
    """One file brought into Homeroom by any import format (a school calendar, a device list,
    a roster): the stored file and its fingerprint, the options and column matches chosen,
    where it is in its lifecycle (core.choices), and what checking and applying it found.
    The format is named by `kind`, a key of the import-format registry."""

    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interface = models.CharField(
        max_length=10, choices=AuditInterface.choices, default=AuditInterface.WEB
    )
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The site the import is for, when its format asks for one.",
    )
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500, blank=True, editable=False)
    file_sha256 = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    mappings = models.JSONField(
        default=dict, blank=True, help_text="The format's matches, e.g. field to column."
    )
    status = models.CharField(
        max_length=20, choices=ImportRunStatus.choices, default=ImportRunStatus.UPLOADED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0, help_text="Rows (or records) the file holds.")
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    preview = models.JSONField(
        default=list, blank=True, help_text="The first changes, as the format describes them."
    )
    preview_total = models.PositiveIntegerField(default=0)
    details = models.JSONField(
        default=dict, blank=True, help_text="What the format keeps for its own pages."
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="import_run_newest"),
            models.Index(fields=["kind", "-created_at"], name="import_run_kind_newest"),
            models.Index(fields=["status"], name="import_run_status"),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.file_name})"

    def get_absolute_url(self) -> str:
        return reverse("core:import_run", args=[self.kind, self.pk])

    @property
    def kind_label(self) -> str:
        from homeroom.core.import_formats import formats

        found = formats().get(self.kind)
        return found.label if found else self.kind

    @property
    def summary(self) -> str:
        """What the run's format says of it in a few words, for the history."""
        from homeroom.core.import_formats import formats

        found = formats().get(self.kind)
        return found.summary(self) if found else ""

    @property
    def percent(self) -> int:
        if self.status not in IMPORT_RUN_RUNNING:
            return 100 if self.status != ImportRunStatus.UPLOADED else 0
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)

    @property
    def is_running(self) -> bool:
        return self.status in IMPORT_RUN_RUNNING
