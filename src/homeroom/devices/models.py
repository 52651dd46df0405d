from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from homeroom.core.choices import AuditInterface
from homeroom.devices.choices import (
    DEVICE_IMPORT_RUNNING,
    AssignmentKind,
    Condition,
    DeviceCategory,
    DeviceImportKind,
    DeviceImportStatus,
    DeviceStatus,
    FundingSource,
    MappedValue,
)


class Manufacturer(models.Model):
    """A maker of devices: Acer, Dell, Lenovo, Apple, Promethean…"""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeviceModel(models.Model):
    """A product model; ChromeOS models carry the date Google stops updating them."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT, related_name="models")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=30, choices=DeviceCategory.choices)
    auto_update_through = models.DateField(
        null=True, blank=True, help_text="ChromeOS: the last month Google sends updates."
    )
    warranty_months = models.PositiveSmallIntegerField(default=12)

    class Meta:
        ordering = ["manufacturer__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "name"], name="device_model_unique")
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.name}"


class Device(models.Model):
    """One asset with a tag: a Chromebook, a projector, a cart."""

    asset_tag = models.CharField(max_length=64, unique=True)
    serial_number = models.CharField(max_length=128, unique=True)
    model = models.ForeignKey(DeviceModel, on_delete=models.PROTECT, related_name="devices")
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="devices")
    home_room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="devices"
    )
    status = models.CharField(
        max_length=20, choices=DeviceStatus.choices, default=DeviceStatus.IN_STOCK
    )
    condition = models.CharField(max_length=20, choices=Condition.choices, default=Condition.GOOD)
    purchase_date = models.DateField(null=True, blank=True)
    purchase_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    order_number = models.CharField(max_length=100, blank=True)
    vendor = models.CharField(max_length=200, blank=True)
    funding_source = models.CharField(
        max_length=20, choices=FundingSource.choices, default=FundingSource.GENERAL_FUND
    )
    warranty_end = models.DateField(null=True, blank=True)
    mac_addresses = models.CharField(max_length=200, blank=True)
    os_version = models.CharField(max_length=100, blank=True)
    org_unit_path = models.CharField(max_length=300, blank=True)
    last_sync = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # The fingerprint of the file row that last set the device, and the device's updated_at
    # then: while both still hold, the same row is skipped unread by the next import.
    import_fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    import_fingerprint_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["asset_tag"]
        indexes = [
            models.Index(fields=["site", "status", "asset_tag"]),
            models.Index(fields=["model", "status"]),
            models.Index(fields=["org_unit_path"]),
            models.Index(fields=["funding_source"]),
            models.Index(fields=["status", "asset_tag"]),
        ]

    def __str__(self) -> str:
        return self.asset_tag

    def get_absolute_url(self) -> str:
        return reverse("devices:device_detail", args=[self.pk])


class Assignment(models.Model):
    """A device out to a person, a room or a cart, from check-out to check-in."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    cart = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.PROTECT, related_name="cart_assignments"
    )
    kind = models.CharField(
        max_length=20, choices=AssignmentKind.choices, default=AssignmentKind.ONE_TO_ONE
    )
    checked_out_at = models.DateTimeField(default=timezone.now)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    check_in_condition = models.CharField(max_length=20, choices=Condition.choices, blank=True)
    check_in_checklist = models.JSONField(
        default=dict, blank=True, help_text='What came back, e.g. {"charger": false}.'
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_out_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(checked_in_at__isnull=True),
                name="one_open_assignment_per_device",
            ),
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, room__isnull=True, cart__isnull=True)
                    | Q(person__isnull=True, room__isnull=False, cart__isnull=True)
                    | Q(person__isnull=True, room__isnull=True, cart__isnull=False)
                ),
                name="assignment_has_one_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "checked_in_at"]),
            models.Index(fields=["kind", "checked_in_at", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.device} to {self.holder}"

    def get_absolute_url(self) -> str:
        return self.device.get_absolute_url()

    @property
    def holder(self):
        return self.person or self.room or self.cart

    @property
    def is_open(self) -> bool:
        return self.checked_in_at is None


CART_SLOTS = 30  # a new cart's numbered slots: the usual size of a Chromebook cart


class CartSlot(models.Model):
    """A numbered slot in a charging cart, empty or holding one device."""

    cart = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    device = models.OneToOneField(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="cart_slot"
    )

    class Meta:
        ordering = ["cart", "number"]
        constraints = [models.UniqueConstraint(fields=["cart", "number"], name="cart_slot_unique")]

    def __str__(self) -> str:
        return f"{self.cart} slot {self.number}"


class AcceptableUseAcknowledgment(models.Model):
    """A person's agreement to a version of the acceptable-use policy."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="acceptable_use"
    )
    policy_version = models.CharField(max_length=50)
    acknowledged_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "policy_version"], name="one_acknowledgment_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} accepted {self.policy_version}"


class DeviceImport(models.Model):
    """One device file loaded from the browser or the API before device imports moved onto
    core's import lifecycle (core.ImportRun; migration devices 0004 copied every one there).
    Nothing writes it any more; its permissions still say who sees and makes device imports."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interface = models.CharField(
        max_length=10, choices=AuditInterface.choices, default=AuditInterface.WEB
    )
    kind = models.CharField(max_length=20, choices=DeviceImportKind.choices)
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500, editable=False)
    file_sha256 = models.CharField(max_length=64)
    site = models.ForeignKey(
        "core.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where new devices go when their row names no site.",
    )
    default_category = models.CharField(
        max_length=30,
        choices=DeviceCategory.choices,
        blank=True,
        help_text="The kind of device of new models whose row tells none.",
    )
    mapping = models.JSONField(
        default=dict, blank=True, help_text="Other CSV files: Homeroom field to the file's column."
    )
    status = models.CharField(
        max_length=20, choices=DeviceImportStatus.choices, default=DeviceImportStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    changes = models.JSONField(
        default=list, blank=True, help_text="The first devices that change, for the preview."
    )
    changes_total = models.PositiveIntegerField(default=0)
    unmapped = models.JSONField(
        default=list,
        blank=True,
        help_text="Org units, locations and categories of the file that match nothing, each "
        "with how many rows carry it.",
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="device_import_newest"),
            models.Index(fields=["site", "-created_at"], name="device_import_site_newest"),
        ]

    def __str__(self) -> str:
        return f"Device import {self.pk} ({self.file_name})"

    def get_absolute_url(self) -> str:
        return reverse("devices:import_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status in {
            DeviceImportStatus.CHECKED,
            DeviceImportStatus.APPLIED,
            DeviceImportStatus.REJECTED,
        }:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)

    @property
    def is_running(self) -> bool:
        return self.status in DEVICE_IMPORT_RUNNING


class ImportValueMapping(models.Model):
    """What a value in Google Admin or Snipe-IT files that names no site or kind of device
    stands for, chosen once and used by every later import: an org unit or a location to a
    site (a Snipe-IT location to a room of it too), a Snipe-IT category to a kind of device.
    Values match whatever their letter case."""

    source = models.CharField(max_length=20, choices=DeviceImportKind.choices)
    field = models.CharField(max_length=20, choices=MappedValue.choices)
    value = models.CharField(max_length=300)
    site = models.ForeignKey(
        "core.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    room = models.ForeignKey(
        "core.Room", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(max_length=30, choices=DeviceCategory.choices, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["source", "field", "value"]
        constraints = [
            models.UniqueConstraint(
                "source", "field", Lower("value"), name="import_value_mapping_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(field=MappedValue.CATEGORY, site__isnull=True, room__isnull=True)
                    & ~Q(category="")
                )
                | (~Q(field=MappedValue.CATEGORY) & Q(site__isnull=False, category="")),
                name="import_value_mapping_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} “{self.value}” → {self.target}"

    @property
    def target(self) -> str:
        if self.field == MappedValue.CATEGORY:
            return self.get_category_display()
        if self.room_id:
            return f"{self.site}, room {self.room.number}"
        return str(self.site)
