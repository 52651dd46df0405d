"""Reads of devices, scoped to the user's sites."""

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from homeroom.core.selectors import sites_for
from homeroom.devices.choices import AssignmentKind, DeviceCategory, DeviceStatus
from homeroom.devices.models import Assignment, Device, DeviceModel
from homeroom.people.models import Person


def devices_for(user) -> QuerySet[Device]:
    if not user.has_perm("devices.view_device"):
        return Device.objects.none()
    devices = Device.objects.select_related("model", "model__manufacturer", "site")
    if user.sees_all_sites:
        return devices
    return devices.filter(site__in=sites_for(user))


def with_current_assignment(devices: QuerySet[Device]) -> QuerySet[Device]:
    """Adds `current` (a list of zero or one open assignment, holder loaded) to each device."""
    return devices.prefetch_related(
        Prefetch(
            "assignments",
            to_attr="current",
            queryset=Assignment.objects.filter(checked_in_at__isnull=True).select_related(
                "person", "room", "cart"
            ),
        )
    )


def find_device(user, scan: str) -> Device | None:
    """The device a scan or typed text names: asset tag first, then serial number. Exact
    matches come from the unique indexes; only a miss pays for a case-insensitive look."""
    scan = scan.strip()
    if not scan:
        return None
    devices = devices_for(user)
    for lookup in ("asset_tag", "serial_number", "asset_tag__iexact", "serial_number__iexact"):
        device = devices.filter(**{lookup: scan}).first()
        if device is not None:
            return device
    return None


def status_counts(devices: QuerySet[Device]) -> list[tuple[str, int]]:
    counts = dict(devices.values_list("status").annotate(n=Count("pk")).order_by())
    return [(label, counts[value]) for value, label in DeviceStatus.choices if value in counts]


def auto_update_years(devices: QuerySet[Device]) -> list[tuple[str, int]]:
    """Chromebooks in service by the school year (July to June) their updates end. Counted
    per model on the (model, status) index, then each model's count goes to its year."""
    per_model = (
        devices.exclude(status__in=[DeviceStatus.RETIRED, DeviceStatus.DISPOSED])
        .values_list("model_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ends = dict(
        DeviceModel.objects.filter(
            category=DeviceCategory.CHROMEBOOK, auto_update_through__isnull=False
        ).values_list("pk", "auto_update_through")
    )
    years: dict[int, int] = {}
    for model_id, count in per_model:
        month = ends.get(model_id)
        if month is not None:
            year = month.year + (1 if month.month >= 7 else 0)
            years[year] = years.get(year, 0) + count
    return [(f"{year - 1}-{year % 100:02d}", count) for year, count in sorted(years.items())]


def devices_per_student(sites) -> list[tuple[str, float]]:
    """Chromebooks checked out 1:1 per active student, for each of `sites` (already scoped
    to the user)."""
    out = dict(
        Assignment.objects.filter(
            checked_in_at__isnull=True,
            kind=AssignmentKind.ONE_TO_ONE,
            device__site__in=sites,
            device__model__category=DeviceCategory.CHROMEBOOK,
        )
        .values_list("device__site")
        .annotate(n=Count("pk"))
        .order_by()
    )
    students = dict(
        Person.objects.filter(primary_site__in=sites, kind="student", is_active=True)
        .values_list("primary_site")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (site.name, round(out.get(site.pk, 0) / students[site.pk], 2))
        for site in sites
        if students.get(site.pk)
    ]


def overdue_loaners(user) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            device__in=devices_for(user).values("pk"),
            kind=AssignmentKind.LOANER,
            checked_in_at__isnull=True,
            due_at__lt=timezone.now(),
        )
        .select_related("device", "person")
        .order_by("due_at")
    )


def acceptable_use_signed(person) -> bool:
    """Whether the person signed the acceptable-use policy in force."""
    return person.acceptable_use.filter(
        policy_version=settings.ACCEPTABLE_USE_POLICY_VERSION
    ).exists()


def lost_charger_fee():
    """The fee schedule's line for a charger that did not come back (an active reason
    naming a charger, a lost one first), or None without one or without the Fees module."""
    if not apps.is_installed("homeroom.fees"):
        return None
    from homeroom.fees.selectors import reasons

    chargers = reasons().filter(is_active=True, name__icontains="charger")
    return chargers.filter(name__icontains="lost").first() or chargers.first()
