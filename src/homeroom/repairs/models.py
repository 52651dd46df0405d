from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from homeroom.repairs.choices import (
    OPEN_STATUSES,
    ChecklistStep,
    Coverage,
    MovementKind,
    Outcome,
    PartKind,
    RepairKind,
    RepairStatus,
)

MONEY = {"max_digits": 10, "decimal_places": 2}


class Vendor(models.Model):
    """A repair depot or parts supplier: where devices are shipped and who to call."""

    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    depot_address = models.TextField(blank=True, help_text="Where devices are shipped.")
    warranty_portal_url = models.URLField(blank=True, verbose_name="warranty portal")
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("repairs:vendor_detail", args=[self.pk])


class Part(models.Model):
    """A spare part kept at one site: screens, keyboards, chargers… with their stock."""

    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="parts")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartKind.choices)
    part_number = models.CharField(max_length=100, blank=True)
    compatible_models = models.ManyToManyField(
        "devices.DeviceModel", blank=True, related_name="parts"
    )
    unit_cost = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    quantity_on_hand = models.IntegerField(default=0)
    reorder_point = models.PositiveIntegerField(
        default=0, help_text="Below this many, the part shows as low stock."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="part_name_unique_per_site"),
            models.CheckConstraint(
                condition=Q(quantity_on_hand__gte=0), name="part_quantity_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["site", "kind", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("repairs:part_detail", args=[self.pk])

    @property
    def is_low(self) -> bool:
        return self.quantity_on_hand < self.reorder_point


class RepairOrderQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class RepairOrder(models.Model):
    """One repair of one device, in-house or at a vendor's depot, from open to completed.

    `parts_cost`, `labor_cost` and `total_cost` are stored (kept up to date by the
    services), so repair cost per device model is one grouped query."""

    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="repairs")
    ticket = models.ForeignKey(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="repairs"
    )
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="repairs")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repairs",
        help_text="Who had the device when it broke.",
    )
    status = models.CharField(
        max_length=20, choices=RepairStatus.choices, default=RepairStatus.OPEN
    )
    kind = models.CharField(max_length=20, choices=RepairKind.choices, default=RepairKind.IN_HOUSE)
    coverage = models.CharField(max_length=20, choices=Coverage.choices, default=Coverage.PAID)
    problem = models.TextField()
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="repairs"
    )
    rma_number = models.CharField(max_length=100, blank=True, verbose_name="RMA number")
    expected_back = models.DateField(
        null=True, blank=True, help_text="When the device should be fixed; loaners are due then."
    )
    shipped_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    labor_minutes = models.PositiveIntegerField(default=0)
    labor_rate = models.DecimalField(
        **MONEY,
        default=Decimal("45.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Per hour.",
    )
    vendor_cost = models.DecimalField(
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What the vendor billed (zero under warranty).",
    )
    parts_cost = models.DecimalField(**MONEY, default=Decimal("0"), editable=False)
    labor_cost = models.DecimalField(**MONEY, default=Decimal("0"), editable=False)
    total_cost = models.DecimalField(**MONEY, default=Decimal("0"), editable=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    device_status_before = models.CharField(max_length=20, editable=False)
    return_to_person = models.BooleanField(
        default=False,
        editable=False,
        help_text="The device was checked out to `person` and goes back to them when fixed.",
    )
    notes = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = RepairOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_repair_per_device",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", outcome__gt="")
                | (~Q(status="completed") & Q(outcome="")),
                name="repair_outcome_when_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "status", "-opened_at"]),
            models.Index(fields=["status", "-opened_at"]),
            models.Index(fields=["vendor", "status"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return f"Repair {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("repairs:repair_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"R-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RepairChecklistItem(models.Model):
    """A step done (or still to do) before a device leaves for a depot."""

    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="checklist")
    step = models.CharField(max_length=30, choices=ChecklistStep.choices)
    required = models.BooleanField(default=False, help_text="Must be done before shipping.")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["repair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["repair", "step"], name="checklist_step_once")
        ]

    def __str__(self) -> str:
        return self.get_step_display()


class RepairPart(models.Model):
    """Parts used on a repair, at the unit cost they had when used."""

    repair = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="parts_used")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="uses")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(**MONEY)
    used_at = models.DateTimeField(default=timezone.now)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["repair", "used_at", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.part}"

    @property
    def cost(self) -> Decimal:
        return self.quantity * self.unit_cost


class StockMovement(models.Model):
    """Every change to a part's stock: received, used on a repair, or adjusted by a count.
    `quantity` is signed; `quantity_after` is the stock right after the movement."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    quantity = models.IntegerField()
    quantity_after = models.IntegerField()
    unit_cost = models.DecimalField(**MONEY, null=True, blank=True)
    repair = models.ForeignKey(
        RepairOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["part", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} {self.part}"


class Loaner(models.Model):
    """A loaner device given to a person while their own is repaired. The check-out itself
    is the device's assignment (kind loaner); this records why it was given."""

    assignment = models.OneToOneField(
        "devices.Assignment", on_delete=models.PROTECT, related_name="loaner"
    )
    repair = models.ForeignKey(
        RepairOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="loaners"
    )
    ticket = models.ForeignKey(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="loaners"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"Loaner {self.assignment.device_id}"
