from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from homeroom.training.choices import (
    AttendanceKind,
    AudienceRole,
    CoachingStatus,
    RecordedVia,
    SessionStatus,
    SignUpStatus,
    SupportKind,
    Topic,
)

MAX_HOURS = Decimal("40.00")


def hours_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=4, decimal_places=2, **kwargs)


class TrainingSession(models.Model):
    """One professional-development meeting people sign up for: what it is about, who it is
    for, who presents it, when and where (a room or an online link), how many seats, and
    the hours it credits. Sessions of a series share `series` (the first of them)."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    tool_name = models.CharField(
        max_length=100, blank=True, help_text="The tool or app it is about, e.g. Flipgrid."
    )
    audience_roles = models.JSONField(
        default=list, blank=True, help_text="Who it is for; empty for everyone."
    )
    audience_sites = models.ManyToManyField(
        "core.Site",
        blank=True,
        related_name="+",
        help_text="The schools it is open to; none for every school.",
    )
    audience_grades = models.CharField(
        max_length=50, blank=True, help_text="Grades taught, e.g. K-5 or 9-12."
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="presented_sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    site = models.ForeignKey(
        "core.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        help_text="Where it meets; empty for an online session.",
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    online_link = models.URLField(blank=True, max_length=500)
    capacity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    credit_hours = hours_field(
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(MAX_HOURS)]
    )
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    series = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guides = models.ManyToManyField(
        "helpdesk.Article",
        blank=True,
        related_name="training_sessions",
        help_text="Quick guides from the knowledge base the session uses.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_seats"),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["topic", "starts_at"]),
            models.Index(fields=["site", "starts_at"]),
            models.Index(fields=["presenter", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.room_id and self.site_id and self.room.site_id != self.site_id:
            errors["room"] = f"Room {self.room} is not at {self.site}."
        if self.room_id and not self.site_id:
            self.site = self.room.site
        if not self.room_id and not self.online_link and not self.site_id:
            errors["online_link"] = "Give a room or an online link."
        unknown = set(self.audience_roles or []) - set(AudienceRole.values)
        if unknown:
            errors["audience_roles"] = f"Unknown audience: {', '.join(sorted(unknown))}."
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self) -> bool:
        return bool(self.online_link) and not self.room_id

    @property
    def where(self) -> str:
        if self.room_id:
            place = f"{self.room.site.name}, room {self.room.number}"
            return f"{place} (and online)" if self.online_link else place
        if self.site_id:
            return self.site.name
        return "Online"

    @property
    def audience_label(self) -> str:
        labels = dict(AudienceRole.choices)
        who = ", ".join(labels.get(role, role) for role in self.audience_roles) or "Everyone"
        return f"{who}, grades {self.audience_grades}" if self.audience_grades else who


class SignUp(models.Model):
    """A person's place in a session: a seat, or a place on the waitlist (first come, first
    served by `signed_up_at`). One live sign-up per person and session."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="signups")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="training_signups"
    )
    status = models.CharField(max_length=20, choices=SignUpStatus.choices)
    signed_up_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder the day before went out."
    )

    class Meta:
        ordering = ["signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status=SignUpStatus.CANCELLED),
                name="one_live_signup_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status", "signed_up_at"]),
            models.Index(fields=["person", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.session}"

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


class Attendance(models.Model):
    """That a person was at a session, how (on time, late, left early) and the hours it
    credits them, at most the session's credit hours."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="attendances"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="training_attendances"
    )
    signup = models.ForeignKey(
        SignUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(
        max_length=20, choices=AttendanceKind.choices, default=AttendanceKind.PRESENT
    )
    hours = hours_field(validators=[MinValueValidator(Decimal("0.00"))])
    via = models.CharField(max_length=10, choices=RecordedVia.choices, default=RecordedVia.TICK)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "person"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_attendance_each"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="attendance_hours_positive"),
        ]
        indexes = [models.Index(fields=["person", "session"])]

    def __str__(self) -> str:
        return f"{self.person} at {self.session}"

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


class Feedback(models.Model):
    """What someone who attended thought of a session: a rating from 1 to 5 and a comment.
    One per person and session; the presenter sees them all."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="feedback")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_feedback_each"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.session} ({self.rating}/5)"

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


class CoachingRequest(models.Model):
    """A teacher asking for help in their classroom: the tool, the room and the time, and
    what they want ("first lesson with Flipgrid in period 3"). A coach (a technician or
    anyone who runs training at the school) accepts it and schedules the visit."""

    teacher = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="coaching_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey(
        "core.Site", on_delete=models.PROTECT, related_name="coaching_requests"
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tool_name = models.CharField(max_length=100, help_text="e.g. Flipgrid, the display.")
    topic = models.CharField(max_length=30, choices=Topic.choices, default=Topic.TOOL)
    wanted_at = models.DateTimeField(help_text="When the teacher would like the help.")
    details = models.TextField(max_length=2000, help_text="What the teacher wants.")
    kind = models.CharField(
        max_length=20, choices=SupportKind.choices, blank=True, help_text="The support asked for."
    )
    status = models.CharField(
        max_length=20, choices=CoachingStatus.choices, default=CoachingStatus.REQUESTED
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coaching_visits",
    )
    visit_at = models.DateTimeField(null=True, blank=True)
    status_note = models.CharField(max_length=300, blank=True)
    guides = models.ManyToManyField(
        "helpdesk.Article",
        blank=True,
        related_name="coaching_requests",
        help_text="Quick guides from the knowledge base the visit used.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CoachingStatus.SCHEDULED)
                | Q(visit_at__isnull=False, coach__isnull=False),
                name="scheduled_visit_has_time_and_coach",
            )
        ]
        indexes = [
            models.Index(fields=["site", "status", "created_at"]),
            models.Index(fields=["coach", "status", "visit_at"]),
            models.Index(fields=["teacher", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Help with {self.tool_name} for {self.teacher}"

    def get_absolute_url(self) -> str:
        return reverse("training:coaching_detail", args=[self.pk])

    def clean(self) -> None:
        if self.room_id and self.site_id and self.room.site_id != self.site_id:
            raise ValidationError({"room": f"Room {self.room} is not at {self.site}."})

    @property
    def where(self) -> str:
        return f"{self.site.name}, room {self.room.number}" if self.room_id else self.site.name


class CoachingLog(models.Model):
    """What happened on one coaching visit: the goal, the kind of support, what was done,
    the next step and when to follow up. A follow-up is done once `follow_up_done_at` is
    set."""

    request = models.ForeignKey(CoachingRequest, on_delete=models.PROTECT, related_name="logs")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField()
    goal = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=SupportKind.choices)
    done = models.TextField(max_length=4000, help_text="What was done.")
    next_step = models.CharField(max_length=300, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["coach", "follow_up_done_at", "follow_up_on"]),
            models.Index(fields=["request", "visited_on"]),
        ]

    def __str__(self) -> str:
        return f"Visit of {self.visited_on:%d %b %Y}: {self.goal}"

    def get_absolute_url(self) -> str:
        return self.request.get_absolute_url()
