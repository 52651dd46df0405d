from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from homeroom.devices.choices import DeviceCategory
from homeroom.helpdesk.choices import (
    OPEN_STATUSES,
    Audience,
    Level,
    Priority,
    Satisfaction,
    TicketSource,
    TicketStatus,
)


class HelpdeskSettings(models.Model):
    """The district's help-desk settings: one row (pk 1), kept in the admin."""

    student_tickets = models.BooleanField(
        default=False, help_text="Students may sign in and file their own tickets."
    )
    remind_after_hours = models.PositiveIntegerField(
        default=48, help_text="Remind the requester when a ticket waits on them this long."
    )
    auto_close_after_hours = models.PositiveIntegerField(
        default=120,
        help_text="Close a ticket waiting on the requester after this long without a reply.",
    )
    reopen_window_days = models.PositiveIntegerField(
        default=7,
        help_text="A requester may reopen a resolved ticket for this many days; after that "
        "it closes.",
    )

    class Meta:
        verbose_name_plural = "help desk settings"

    def __str__(self) -> str:
        return "Help desk settings"

    @classmethod
    def current(cls) -> "HelpdeskSettings":
        """The saved settings, or the defaults until the district saves its own."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class SlaTarget(models.Model):
    """How fast a ticket of one priority gets a first response and a resolution, in
    business minutes of its site's calendar."""

    priority = models.PositiveSmallIntegerField(choices=Priority.choices, unique=True)
    response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["priority"]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: respond {self.response_minutes} min"


class IssueType(models.Model):
    """A node of the issue tree: a group such as “Chromebook” or “Account” (no parent) or
    an issue under it such as “Cracked screen”. Groups for a kind of device name its
    device category, so a ticket about a device offers that device's issues. An issue's
    default impact says how badly it stops someone: a student whose device is broken
    cannot work, which is high impact."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=100)
    device_category = models.CharField(max_length=30, choices=DeviceCategory.choices, blank=True)
    description = models.CharField(max_length=300, blank=True)
    default_impact = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LOW)
    default_urgency = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    physical_damage = models.BooleanField(
        default=False,
        help_text="Broken hardware (a cracked screen, a spill, a broken hinge): no "
        "troubleshooting step fixes it, so “This fixed it” is not offered.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="issue_type_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name}: {self.name}" if self.parent_id else self.name


class Article(models.Model):
    """A knowledge-base article in markdown; `body_html` is its sanitized rendering.
    Articles linked to an issue type are the troubleshooting steps shown when someone
    picks that issue."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.TEACHER)
    issue_types = models.ManyToManyField(IssueType, blank=True, related_name="articles")
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["is_published", "audience", "title"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:article_detail", args=[self.slug])


class CannedResponse(models.Model):
    """A reply technicians send often, inserted into a comment with one click."""

    title = models.CharField(max_length=100, unique=True)
    body = models.TextField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Ticket(models.Model):
    """A request for help: who asked, for whom, about which device or room, and where it
    stands. Due times and breach flags are stored so the queue and the metrics read them
    from indexes instead of computing them per row."""

    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="tickets")
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    device = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_tickets",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    affected_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    issue_type = models.ForeignKey(
        IssueType, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    source = models.CharField(
        max_length=20, choices=TicketSource.choices, default=TicketSource.FORM
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    impact = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.LOW)
    status = models.CharField(max_length=30, choices=TicketStatus.choices, default=TicketStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_tickets"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    external_reference = models.CharField(
        max_length=100, blank=True, help_text="District IT's ticket number once escalated."
    )

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SLA: due times from the site's business calendar; None while the clock is paused.
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    # Business seconds from filing to first response and to resolution, for the metrics.
    response_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    # [[paused_at, resumed_at or null], …] as ISO strings: when the clock stood still.
    sla_pauses = models.JSONField(default=list, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    public_comment_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    time_spent_minutes = models.PositiveIntegerField(default=0)
    satisfaction = models.PositiveSmallIntegerField(
        choices=Satisfaction.choices, null=True, blank=True
    )
    satisfaction_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("work_ticket", "Can work tickets at their sites"),
            ("view_internal_note", "Can read internal notes"),
        ]
        indexes = [
            models.Index(fields=["status", "site", "-created_at"]),
            models.Index(fields=["status", "resolution_due_at"]),
            models.Index(fields=["site", "status", "resolution_due_at"]),
            models.Index(fields=["site", "status", "priority", "resolution_due_at"]),
            models.Index(fields=["site", "-created_at"]),
            models.Index(fields=["assignee", "status", "resolution_due_at"]),
            models.Index(fields=["status", "priority", "-created_at"]),
            models.Index(fields=["requester", "-created_at"]),
            models.Index(fields=["device", "-created_at"]),
            models.Index(fields=["affected_person", "-created_at"]),
            models.Index(fields=["issue_type", "-created_at"]),
            models.Index(fields=["-created_at"]),
            models.Index(fields=["-updated_at"]),
            models.Index(fields=["resolved_at"]),
            models.Index(fields=["status", "waiting_since"]),
            models.Index(fields=["status", "resolved_at"]),
            models.Index(
                fields=["site", "-created_at"],
                condition=Q(status__in=[str(status) for status in OPEN_STATUSES])
                & Q(assignee__isnull=True),
                name="ticket_unassigned_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:ticket_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Comment(models.Model):
    """A public reply the requester sees, or an internal note only technicians see."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(blank=True, help_text="May be empty when the reply is photos.")
    is_internal = models.BooleanField(default=False)
    time_spent_minutes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on #{self.ticket_id}"


class Attachment(models.Model):
    """A photo attached to a ticket, stored under the data folder and served only to
    people who may see the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500, editable=False)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:attachment", args=[self.pk])


class Deflection(models.Model):
    """Someone picked an issue, read its troubleshooting steps and said “this fixed it”:
    a ticket that was never filed."""

    issue_type = models.ForeignKey(IssueType, on_delete=models.PROTECT, related_name="deflections")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="deflections"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey(
        "core.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["site", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.issue_type} fixed by self-service"
