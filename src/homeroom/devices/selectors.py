"""Reads of devices, scoped to the user's sites."""

from django.db.models import Prefetch, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.devices.models import Assignment, Device


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
    """The device a scan or typed text names: asset tag first, then serial number."""
    scan = scan.strip()
    if not scan:
        return None
    devices = devices_for(user)
    return (
        devices.filter(asset_tag__iexact=scan).first()
        or devices.filter(serial_number__iexact=scan).first()
    )
