from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from homeroom.fees.choices import ChargeStatus, FeeCategory, PaymentMethod

CENT = Decimal("0.01")


def money_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=9, decimal_places=2, **kwargs)


class FeeReason(models.Model):
    """One line of the district's fee schedule: a reason to charge, with its usual amount."""

    name = models.CharField(max_length=100, unique=True, help_text="e.g. Cracked screen.")
    category = models.CharField(max_length=20, choices=FeeCategory.choices)
    default_amount = money_field(
        validators=[MinValueValidator(CENT)], help_text="Filled in when charging; can be changed."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Charge(models.Model):
    """What a person owes for one reason. `paid`, `waived` and `balance` are kept by the
    services as payments and waivers arrive (balance = amount - paid - waived), so lists,
    totals and the check-out rule read them without adding up payments."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="charges")
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="charges")
    reason = models.ForeignKey(FeeReason, on_delete=models.PROTECT, related_name="charges")
    amount = money_field()
    paid = money_field(default=Decimal("0.00"))
    waived = money_field(default=Decimal("0.00"))
    balance = money_field()
    status = models.CharField(
        max_length=20, choices=ChargeStatus.choices, default=ChargeStatus.OPEN
    )
    note = models.TextField(blank=True)
    # What another module charged for (a repair, a library loan): a link and its name then.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0, waived__gte=0, balance__gte=0),
                name="charge_money_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["site", "status", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["reason", "-created_at"]),
            models.Index(fields=["-created_at"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return f"Charge {self.pk}: {self.reason} ${self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("fees:charge_detail", args=[self.pk])


class Payment(models.Model):
    """Money a person handed in (cash, a check, a receipt from the online payment site),
    spread over one or more of their charges."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="payments")
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    amount = money_field()
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    receipt_number = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]
        indexes = [models.Index(fields=["person", "-received_at"])]

    def __str__(self) -> str:
        return f"Payment {self.pk}: ${self.amount} {self.get_method_display().lower()}"


class PaymentShare(models.Model):
    """The part of a payment that went to one charge."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="shares")
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="payment_shares")
    amount = money_field()

    class Meta:
        ordering = ["payment", "charge"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_share_positive"),
            models.UniqueConstraint(fields=["payment", "charge"], name="one_share_per_charge"),
        ]

    def __str__(self) -> str:
        return f"${self.amount} of payment {self.payment_id} to charge {self.charge_id}"


class Waiver(models.Model):
    """Part or all of a charge forgiven: who decided, and why."""

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="waivers")
    amount = money_field()
    reason = models.TextField()
    waived_at = models.DateTimeField(default=timezone.now)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-waived_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="waiver_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="waiver_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Waiver {self.pk}: ${self.amount} of charge {self.charge_id}"


class FeePolicy(models.Model):
    """The district's fee rules; one row. Off by default: unpaid fees never block anything
    until a district admin turns the rule on."""

    block_check_out = models.BooleanField(
        default=False,
        verbose_name="Block device check-outs over the limit",
        help_text="A person whose unpaid fees are more than the limit cannot get a device "
        "until someone checks it out anyway (an override, recorded in the history).",
    )
    block_above = money_field(
        default=Decimal("25.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        verbose_name="Limit",
        help_text="Unpaid fees above this amount block a check-out.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "fee policy"

    def __str__(self) -> str:
        return "Fee policy"
