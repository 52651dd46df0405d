import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from homeroom.testday.choices import (
    Accommodation,
    CheckItem,
    IncidentKind,
    PlatformKind,
    SessionKind,
    SessionStatus,
    WindowPhase,
)

VERSION = RegexValidator(r"^\d{1,4}(\.\d{1,6}){0,3}$", "Write a version such as 17 or 10.0.19045.")
GRADES = ["K", *(str(n) for n in range(1, 13))]


def majors_of(text: str) -> list[int]:
    """ChromeOS major versions from a list such as "140, 141" (empty for none). Raises
    ValueError naming the first part that is not a version number."""
    found = []
    for part in re.split(r"[,\s]+", (text or "").strip()):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 9999:
            raise ValueError(part)
        found.append(int(part))
    return sorted(set(found))


def grades_of(text: str) -> list[str]:
    """Grades from "3-8", "K-2, 5" or "10 11": in school order, each once. Raises ValueError
    naming the first part that is not a grade or a range of grades."""
    chosen: set[str] = set()
    for part in re.split(r"[,\s]+", (text or "").strip().upper().replace("\N{EN DASH}", "-")):
        if not part:
            continue
        low, _, high = part.partition("-")
        low = low.lstrip("0") or "0"
        high = (high.lstrip("0") or "0") if high else low
        if low not in GRADES or high not in GRADES or GRADES.index(high) < GRADES.index(low):
            raise ValueError(part)
        chosen.update(GRADES[GRADES.index(low) : GRADES.index(high) + 1])
    return [grade for grade in GRADES if grade in chosen]


def grades_label(grades: list[str]) -> str:
    """["3", "4", "5", "8"] as "3-5, 8" (with an en dash)."""
    runs: list[list[str]] = []
    for grade in grades:
        if runs and GRADES.index(grade) == GRADES.index(runs[-1][-1]) + 1:
            runs[-1].append(grade)
        else:
            runs.append([grade])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}\N{EN DASH}{run[-1]}" for run in runs)


class AssessmentPlatform(models.Model):
    """The software a state or district test runs on (Pearson TestNav, DRC INSIGHT…) and
    what a testing device needs to run it in one school year: the operating-system versions
    per kind of device, whether it must be managed and run the kiosk app, the content
    caching server, and the org unit testing devices must be in. `sources` holds, per
    figure, where it comes from (the vendor's page and its date)."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=PlatformKind.choices)
    school_year = models.CharField(
        max_length=9,
        validators=[RegexValidator(r"^\d{4}-\d{2}$", "Write a school year such as 2026-27.")],
        help_text="The school year these figures apply to, e.g. 2026-27.",
    )
    chromeos_min = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9999)],
        verbose_name="lowest supported ChromeOS",
        help_text="The oldest ChromeOS version (stable channel) the vendor supports.",
    )
    chromeos_runs_from = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9999)],
        verbose_name="ChromeOS the app still runs on",
        help_text="Below this version the app does not run at all; between it and the "
        "supported minimum a device is a warning, not ready only below it.",
    )
    chromeos_excluded = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="ChromeOS versions excluded",
        help_text="Versions the vendor says not to test on, e.g. 140, 141.",
    )
    chromeos_lts = models.CharField(
        max_length=100,
        blank=True,
        verbose_name="ChromeOS LTS versions accepted",
        help_text="Long-term-support releases accepted below the minimum, e.g. 144.",
    )
    ipados_min = models.CharField(
        max_length=20, blank=True, validators=[VERSION], verbose_name="lowest iPadOS"
    )
    windows_min = models.CharField(
        max_length=30, blank=True, validators=[VERSION], verbose_name="lowest Windows"
    )
    macos_min = models.CharField(
        max_length=20, blank=True, validators=[VERSION], verbose_name="lowest macOS"
    )
    must_be_managed = models.BooleanField(
        default=True,
        verbose_name="devices must be managed",
        help_text="Secure testing only on devices enrolled in the district's management.",
    )
    kiosk_app_id = models.CharField(
        max_length=64,
        blank=True,
        validators=[RegexValidator(r"^[a-p]{32}$", "A Chrome app id is 32 letters a to p.")],
        verbose_name="kiosk app id",
        help_text="The Chrome app id testing devices run in kiosk mode.",
    )
    cache_name = models.CharField(
        max_length=100,
        blank=True,
        verbose_name="content caching server",
        help_text="What the vendor calls it, e.g. ProctorCache.",
    )
    cache_host = models.CharField(
        max_length=255,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9.\-:\[\]]+$", "Give a host name or address.")],
        verbose_name="caching server host",
    )
    cache_port = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(65535)],
        verbose_name="caching server port",
    )
    testing_org_unit = models.CharField(
        max_length=300,
        blank=True,
        verbose_name="testing org unit",
        help_text="The Google Admin org unit testing devices must be in, e.g. /Students/Testing.",
    )
    sources = models.JSONField(
        default=dict, blank=True, help_text="Where each figure comes from, by figure."
    )
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("testday:platform_detail", args=[self.pk])

    @property
    def excluded_majors(self) -> list[int]:
        return majors_of(self.chromeos_excluded)

    @property
    def lts_majors(self) -> list[int]:
        return majors_of(self.chromeos_lts)

    def clean(self) -> None:
        errors = {}
        for field in ("chromeos_excluded", "chromeos_lts"):
            try:
                setattr(self, field, ", ".join(str(n) for n in majors_of(getattr(self, field))))
            except ValueError as bad:
                errors[field] = f"“{bad}” is not a ChromeOS version number."
        if (
            self.chromeos_min
            and self.chromeos_runs_from
            and self.chromeos_runs_from > self.chromeos_min
        ):
            errors["chromeos_runs_from"] = (
                "The version the app still runs on cannot be above the supported minimum."
            )
        if self.testing_org_unit and not self.testing_org_unit.startswith("/"):
            errors["testing_org_unit"] = "An org unit path starts with /, e.g. /Students/Testing."
        if not isinstance(self.sources, dict):
            errors["sources"] = "Source notes are kept by figure."
        if errors:
            raise ValidationError(errors)


class TestingWindow(models.Model):
    """An assessment given over a span of days (e.g. "State ELA grades 3-8, spring 2027"):
    its platform, first and last day, the schools and grades that test, and the site
    coordinators who run it there."""

    assessment = models.CharField(max_length=200)
    content_area = models.CharField(
        max_length=100, blank=True, help_text="e.g. English language arts, Mathematics."
    )
    platform = models.ForeignKey(
        AssessmentPlatform, on_delete=models.PROTECT, related_name="windows"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    sites = models.ManyToManyField("core.Site", related_name="testing_windows")
    grades = models.JSONField(default=list, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_windows",
        help_text="The site test coordinators.",
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="window_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["starts_on", "ends_on"]),
            models.Index(fields=["platform", "starts_on"]),
        ]

    def __str__(self) -> str:
        return self.assessment

    def get_absolute_url(self) -> str:
        return reverse("testday:window_detail", args=[self.pk])

    @property
    def grades_label(self) -> str:
        return grades_label(self.grades or [])

    def phase(self, today=None) -> str:
        today = today or timezone.localdate()
        if today < self.starts_on:
            return WindowPhase.UPCOMING
        if today > self.ends_on:
            return WindowPhase.CLOSED
        return WindowPhase.OPEN

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The window must end on or after its first day."
        if not isinstance(self.grades, list) or any(g not in GRADES for g in self.grades):
            errors["grades"] = "Grades are K and 1 to 12."
        if errors:
            raise ValidationError(errors)


class TestSession(models.Model):
    """One sitting of a window's assessment: a day, a start and an end, a room, the test
    administrators and proctors, the students and the device each tests on."""

    __test__ = False  # a model, not a test class for pytest

    window = models.ForeignKey(TestingWindow, on_delete=models.PROTECT, related_name="sessions")
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True, help_text="e.g. Grade 4 ELA, unit 1.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=SessionKind.choices, default=SessionKind.REGULAR)
    make_up_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="make_ups"
    )
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="administered_test_sessions"
    )
    proctors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="proctored_test_sessions"
    )
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="test_session_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["site", "starts_at"]),
            models.Index(fields=["window", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.window} · {self.room}"

    def get_absolute_url(self) -> str:
        return reverse("testday:session_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.room_id and self.site_id and self.room.site_id != self.site_id:
            errors["room"] = f"Room {self.room} is not at {self.site}."
        if self.window_id and self.starts_at:
            day = timezone.localtime(self.starts_at).date()
            if not self.window.starts_on <= day <= self.window.ends_on:
                errors["starts_at"] = (
                    f"{self.window} runs {self.window.starts_on:%-d %b} to "
                    f"{self.window.ends_on:%-d %b %Y}: pick a day in it."
                )
        if self.kind == SessionKind.MAKE_UP and not self.make_up_for_id:
            errors["make_up_for"] = "Say which session this makes up for."
        if errors:
            raise ValidationError(errors)


class SessionStudent(models.Model):
    """A student in a session: absent or not, their testing accommodations (seen only by
    the coordinator and the session's administrators), and the device they test on, kept
    because the testing app saves the student's responses on that device."""

    session = models.ForeignKey(TestSession, on_delete=models.CASCADE, related_name="students")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    absent = models.BooleanField(default=False)
    accommodations = models.JSONField(default=list, blank=True)
    device = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bound_at = models.DateTimeField(null=True, blank=True)
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["seat", "person__family_name", "person__given_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_seat_per_student"),
            models.UniqueConstraint(
                fields=["session", "device"],
                condition=Q(device__isnull=False),
                name="one_student_per_device",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.session}"

    def clean(self) -> None:
        unknown = set(self.accommodations or []) - set(Accommodation.values)
        if unknown:
            raise ValidationError({"accommodations": "Unknown accommodation."})


class Incident(models.Model):
    """Something that went wrong during a session (a Chromebook froze, the network
    dropped…): when it was noticed, what was done, when it was resolved and whether testing
    resumed, logged for the district test coordinator's irregularity report."""

    session = models.ForeignKey(TestSession, on_delete=models.PROTECT, related_name="incidents")
    student = models.ForeignKey(
        SessionStudent, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    device = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    noticed_at = models.DateTimeField(default=timezone.now)
    description = models.TextField(blank=True, help_text="What happened.")
    action_taken = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    testing_resumed = models.BooleanField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_filed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the irregularity report went to the state."
    )
    report_filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-noticed_at", "-pk"]
        indexes = [models.Index(fields=["session", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("testday:incident_detail", args=[self.pk])

    def clean(self) -> None:
        if self.resolved_at and self.noticed_at and self.resolved_at < self.noticed_at:
            raise ValidationError({"resolved_at": "It cannot be resolved before it was noticed."})


class DeviceSwap(models.Model):
    """A student moved to another device during a session: the binding moves and the
    failed device is kept on record (its saved responses stay on it)."""

    student = models.ForeignKey(SessionStudent, on_delete=models.CASCADE, related_name="swaps")
    from_device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    to_device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="swaps"
    )
    swapped_at = models.DateTimeField(default=timezone.now)
    swapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["swapped_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_device} → {self.to_device}"


class SessionCheck(models.Model):
    """One item of a session's pre-test checklist, ticked by the technician or an
    administrator, with who and when."""

    session = models.ForeignKey(TestSession, on_delete=models.CASCADE, related_name="checks")
    item = models.CharField(max_length=20, choices=CheckItem.choices)
    done_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="one_tick_per_check_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} · {self.session}"


class ReadinessSnapshot(models.Model):
    """A school's device readiness for a window on one day, recorded by the daily sweep
    from two weeks before the window until its last day: readiness over time."""

    window = models.ForeignKey(TestingWindow, on_delete=models.CASCADE, related_name="snapshots")
    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    total = models.PositiveIntegerField(default=0)
    ready = models.PositiveIntegerField(default=0)
    warning = models.PositiveIntegerField(default=0)
    not_ready = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "site"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "site", "day"], name="one_snapshot_per_school_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.day}: {self.ready}/{self.total} ready"
