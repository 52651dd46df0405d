from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from homeroom.core.choices import AuditInterface, AuditVerb, RoomKind, SiteType


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
