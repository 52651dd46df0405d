import os
import re
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from homeroom.software.choices import (
    DECISION_BADGES,
    Agreement,
    Answer,
    Category,
    Consent,
    DataElement,
    Decision,
    ExportStatus,
    GradeBand,
    ModelSource,
    PaidBy,
    Platform,
    RequestStatus,
    ReviewStatus,
    Rostering,
    SignIn,
    Wcag,
)

# A Chrome Web Store item id: 32 letters from a to p.
EXTENSION_ID = re.compile(r"^[a-p]{32}$")
MAX_COST = Decimal("9999999.99")


def _labels(values, choices) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(value, value)) for value in values or [])


class Tool(models.Model):
    """An app, website, extension or AI tool teachers and students may use: who makes it,
    what it is for and for whom, how people sign in and how it gets its rosters, where it
    runs, and the schools that use it. `decision` and `conditions` are the district's
    standing on it, kept from its latest privacy review."""

    name = models.CharField(max_length=120)
    vendor = models.CharField(max_length=120, blank=True)
    website = models.URLField(max_length=300, blank=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    description = models.TextField(blank=True, help_text="What it does, in a sentence or two.")
    uses_ai = models.BooleanField(
        default=False, help_text="Generates text, images or feedback with AI."
    )
    grade_bands = models.JSONField(default=list, blank=True)
    subjects = models.CharField(max_length=200, blank=True, help_text="e.g. Math, Science.")
    sign_in = models.JSONField(default=list, blank=True)
    rostering = models.JSONField(default=list, blank=True)
    platforms = models.JSONField(default=list, blank=True)
    extension_ids = models.JSONField(
        default=list, blank=True, help_text="Chrome extension or app ids to force-install."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tools",
        help_text="Who looks after it: accounts, renewals, the vendor.",
    )
    champion = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="championed_tools",
        help_text="The teacher who knows it best and helps colleagues.",
    )
    all_schools = models.BooleanField(default=False, help_text="Used at every school.")
    sites = models.ManyToManyField(
        "core.Site", blank=True, related_name="tools", help_text="The schools that use it."
    )
    decision = models.CharField(
        max_length=20, choices=Decision.choices, default=Decision.NOT_REVIEWED
    )
    conditions = models.CharField(
        max_length=300, blank=True, help_text="e.g. “staff only”, “grades 6\N{EN DASH}12”."
    )
    sign_in_help = models.TextField(
        blank=True, help_text="How students sign in, in plain words, e.g. the class code."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [Lower("name"), "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="tool_name_unique_ci",
                violation_error_message="A tool of that name is already in the catalog.",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "name"]),
            models.Index(fields=["decision", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("software:tool_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        self.name = (self.name or "").strip()
        for field, choices in (
            ("grade_bands", GradeBand),
            ("sign_in", SignIn),
            ("rostering", Rostering),
            ("platforms", Platform),
        ):
            unknown = set(getattr(self, field) or []) - set(choices.values)
            if unknown:
                errors[field] = f"Unknown value: {', '.join(sorted(unknown))}."
        bad = [value for value in self.extension_ids or [] if not EXTENSION_ID.match(value)]
        if bad:
            errors["extension_ids"] = (
                f"Not a Chrome extension id: {', '.join(bad)}. An id is 32 letters a to p, "
                "the last part of its Chrome Web Store address."
            )
        same = Tool.objects.filter(name__iexact=self.name).exclude(pk=self.pk).first()
        if self.name and same is not None:
            errors["name"] = f"{same.name} is already in the catalog."
        if errors:
            raise ValidationError(errors)

    @property
    def decision_badge(self) -> str:
        return DECISION_BADGES.get(self.decision, "grey")

    @property
    def grade_bands_label(self) -> str:
        return _labels(self.grade_bands, GradeBand.choices) or "Any grade"

    @property
    def sign_in_label(self) -> str:
        return _labels(self.sign_in, SignIn.choices)

    @property
    def rostering_label(self) -> str:
        return _labels(self.rostering, Rostering.choices)

    @property
    def platforms_label(self) -> str:
        return _labels(self.platforms, Platform.choices)


class Licence(models.Model):
    """What the district or a school bought of a tool: seats, cost, when it renews and who
    pays. A licence without a site is the district's."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="licences")
    site = models.ForeignKey(
        "core.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seats = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty for unlimited or a site licence."
    )
    cost = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_COST)],
        help_text="Per year, in dollars.",
    )
    renews_on = models.DateField(null=True, blank=True)
    paid_by = models.CharField(max_length=20, choices=PaidBy.choices, default=PaidBy.DISTRICT)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["renews_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="licence_cost_not_negative"),
        ]
        indexes = [models.Index(fields=["renews_on"])]

    def __str__(self) -> str:
        where = self.site.name if self.site_id else "the district"
        return f"{self.tool} for {where}"


def _answer(help_text: str = "", **kwargs) -> models.CharField:
    return models.CharField(
        max_length=10, choices=Answer.choices, default=Answer.UNKNOWN, help_text=help_text, **kwargs
    )


class PrivateStorage(FileSystemStorage):
    """Files kept under the data dir's `private` folder, outside MEDIA_ROOT: no URL serves
    them; a view that checks who asks reads them (the data dir is read when used, so a
    deployment or a test that moves it is followed)."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.DATA_DIR) / "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def agreement_path(review, filename: str) -> str:
    """A name of our own (the uploader's file name is not trusted): agreements/<review>/."""
    return f"agreements/{review.pk}/agreement-{secrets.token_hex(8)}.pdf"


class Review(models.Model):
    """The privacy and AI vetting of one version of a tool's terms: the student data it
    collects, the agreement signed, COPPA and FERPA, selling and sharing, AI, accessibility
    and security, then the decision with its conditions, reasons, reviewer and the date
    to look again. A decided review is kept as it was; new terms start a new review."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="reviews")
    terms_version = models.CharField(
        max_length=100, help_text="Which terms were read, e.g. “Privacy policy of 1 Aug 2025”."
    )
    terms_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS
    )
    data_elements = models.JSONField(default=list, blank=True)
    # The agreement.
    agreement = models.CharField(max_length=20, choices=Agreement.choices, default=Agreement.NONE)
    agreement_url = models.URLField(
        max_length=500, blank=True, help_text="The signed agreement, e.g. in the SDPC registry."
    )
    agreement_signed_on = models.DateField(null=True, blank=True)
    agreement_expires_on = models.DateField(null=True, blank=True)
    agreement_file = models.FileField(
        upload_to=agreement_path,
        storage=PrivateStorage(),
        max_length=300,
        blank=True,
        editable=False,
        help_text="The signed agreement (PDF), kept privately.",
    )
    reminders_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    # Children under 13, FERPA and what the vendor does with the data.
    under_13 = _answer("Children under 13 use it.")
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.UNKNOWN)
    third_party_consent = _answer("Separate consent before sharing children's data with others.")
    retention_policy = _answer("A written data retention policy.")
    ferpa_school_official = _answer("Acts as a school official under FERPA (direct control).")
    sells_data = _answer("Sells student data.")
    targeted_ads = _answer("Shows targeted advertising.")
    third_party_sharing = _answer("Shares student data with third parties.")
    deletion_on_request = _answer("Deletes student data when the district asks.")
    breach_notification = _answer("Tells the district of a data breach.")
    # AI.
    generative_ai = _answer("Uses generative AI.")
    trains_on_student_data = _answer("Uses student data to train AI models.")
    human_review = _answer(
        "A person reviews what the AI suggests before it affects grading, placement or discipline."
    )
    minimum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The youngest age its terms allow."
    )
    content_filtering = _answer("Filters what the AI shows students.")
    ai_opt_out = _answer("AI features can be turned off.")
    model_source = models.CharField(
        max_length=20, choices=ModelSource.choices, default=ModelSource.UNKNOWN
    )
    # Accessibility and security.
    vpat = _answer("Has a VPAT (accessibility conformance report).")
    wcag = models.CharField(max_length=10, choices=Wcag.choices, default=Wcag.UNKNOWN)
    sso = _answer("Single sign-on with the school account.")
    mfa = _answer("Multi-factor sign-in for staff.")
    encryption = _answer("Encrypts data in transit and at rest.")
    notes = models.TextField(blank=True)
    # The decision.
    conditions = models.CharField(max_length=300, blank=True)
    reasons = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    rereview_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool"],
                condition=Q(status="in_progress"),
                name="one_open_review_per_tool",
                violation_error_message="This tool already has a review in progress.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "agreement_expires_on"]),
            models.Index(fields=["tool", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.tool} ({self.terms_version})"

    def get_absolute_url(self) -> str:
        return reverse("software:review_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        unknown = set(self.data_elements or []) - set(DataElement.values)
        if unknown:
            errors["data_elements"] = f"Unknown data element: {', '.join(sorted(unknown))}."
        if (
            self.agreement_signed_on
            and self.agreement_expires_on
            and self.agreement_expires_on <= self.agreement_signed_on
        ):
            errors["agreement_expires_on"] = "The agreement must expire after it was signed."
        if self.minimum_age is not None and self.minimum_age > 21:
            errors["minimum_age"] = "A minimum age is at most 21."
        if errors:
            raise ValidationError(errors)

    @property
    def badge(self) -> str:
        return {
            ReviewStatus.IN_PROGRESS: "blue",
            ReviewStatus.APPROVED: "green",
            ReviewStatus.CONDITIONS: "amber",
            ReviewStatus.DENIED: "red",
        }.get(self.status, "grey")

    @property
    def data_elements_label(self) -> str:
        return _labels(self.data_elements, DataElement.choices)


class ToolRequest(models.Model):
    """A teacher asking for a tool: a catalog tool not decided yet, or one not in the
    catalog (named), what for, which classes and how many students."""

    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    tool_name = models.CharField(max_length=120)
    website = models.URLField(max_length=300, blank=True)
    purpose = models.TextField(help_text="What you would use it for.")
    classes = models.CharField(max_length=200, blank=True, help_text="e.g. Grade 7 science.")
    students = models.PositiveIntegerField(
        validators=[MaxValueValidator(100_000)], help_text="How many students would use it."
    )
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tool_requests"
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    status_note = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["site", "status"]),
            models.Index(fields=["requested_by", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.tool_name} for {self.requested_by}"

    def get_absolute_url(self) -> str:
        return reverse("software:request_detail", args=[self.pk])

    @property
    def badge(self) -> str:
        return {
            RequestStatus.NEW: "blue",
            RequestStatus.IN_REVIEW: "amber",
            RequestStatus.WAITING_VENDOR: "amber",
            RequestStatus.DECIDED: "green",
        }.get(self.status, "grey")


class SoftwareSettings(models.Model):
    """The district's choices for the Apps module (one row)."""

    public_list = models.BooleanField(
        default=False,
        help_text="Show families the approved tools, without sign-in, at /apps/public/.",
    )
    public_note = models.TextField(
        blank=True, help_text="A few words above the public list, e.g. whom to ask."
    )

    class Meta:
        verbose_name_plural = "software settings"
        permissions = [("export_provisioning", "Can export LMS provisioning files")]

    def __str__(self) -> str:
        return "Apps settings"

    @classmethod
    def current(cls) -> "SoftwareSettings":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ProvisioningBaseline(models.Model):
    """What the last Canvas export of one scope (a school or the district, a term or every
    class) held, as fingerprints: per row its key columns, the few columns a `deleted` row
    needs, and a short hash of the whole row (zlib-compressed JSON), never the rows
    themselves. A diff export compares with it and writes only what changed."""

    scope_key = models.CharField(max_length=60, unique=True)
    site = models.ForeignKey("core.Site", null=True, blank=True, on_delete=models.CASCADE)
    term = models.ForeignKey(
        "people.AcademicSession", null=True, blank=True, on_delete=models.CASCADE
    )
    fingerprints = models.BinaryField()
    rows = models.PositiveIntegerField(default=0)
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Canvas baseline {self.scope_key}"


class ProvisioningExport(models.Model):
    """One run of the provisioning files in the background: who asked, for what, how far it
    has got, and the zip it wrote (kept under the data dir until the retention ends)."""

    kind = models.CharField(max_length=20)
    site = models.ForeignKey("core.Site", null=True, blank=True, on_delete=models.CASCADE)
    term = models.ForeignKey(
        "people.AcademicSession", null=True, blank=True, on_delete=models.SET_NULL
    )
    diff = models.BooleanField(default=False, help_text="Only what changed since the last.")
    full_instead = models.BooleanField(
        default=False, help_text="A diff was asked for but there was no earlier export."
    )
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} export #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("software:provisioning_export", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)

    @property
    def badge(self) -> str:
        return {
            ExportStatus.QUEUED: "grey",
            ExportStatus.RUNNING: "amber",
            ExportStatus.DONE: "green",
            ExportStatus.FAILED: "red",
        }.get(self.status, "grey")
