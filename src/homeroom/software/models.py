import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from homeroom.software.choices import (
    DECISION_BADGES,
    Category,
    Decision,
    GradeBand,
    PaidBy,
    Platform,
    Rostering,
    SignIn,
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
