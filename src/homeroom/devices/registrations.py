"""What devices add to the navigation and the global search."""

from django.db.models import Count
from django.utils import timezone

import homeroom.devices.cli  # noqa: F401  (registers `homeroom import google-devices` and co.)
from homeroom.core import roles
from homeroom.core.access import SIGNED_IN, Rule
from homeroom.core.charts import bar_chart
from homeroom.core.import_formats import register_format
from homeroom.core.registry import (
    DashboardCard,
    Holding,
    NavItem,
    PersonSection,
    SearchProvider,
    SearchResult,
    Workspace,
    registry,
)
from homeroom.devices import selectors
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.importers.formats import FORMATS
from homeroom.devices.models import Assignment, Device
from homeroom.devices.selectors import find_device


def is_student(user) -> bool:
    return roles.STUDENT in user.role_names


def search_devices(request, query: str, limit: int):
    device = find_device(request.user, query)
    if device is None:
        return []
    return [
        SearchResult(
            f"{device.asset_tag} · {device.model}",
            device.get_absolute_url(),
            f"Serial {device.serial_number} · {device.site.name}",
            device.get_status_display(),
        )
    ]


registry.add_search(
    SearchProvider("Devices", search_devices, Rule("devices.view_device"), order=200)
)


def person_devices(request, person):
    devices = selectors.with_current_assignment(
        selectors.devices_for(request.user).filter(
            assignments__person=person, assignments__checked_in_at__isnull=True
        )
    )
    return {"devices": devices, "person": person}


DEVICES = Workspace("devices", "Devices", order=200)

registry.add_nav(
    NavItem("Devices", "devices:device_list", Rule("devices.view_device"), DEVICES, order=190)
)
registry.add_nav(NavItem("Fleet", "devices:fleet", Rule("devices.view_device"), DEVICES, order=195))
registry.add_nav(
    NavItem(
        "Scan station", "devices:scan_station", Rule("devices.add_assignment"), DEVICES, order=200
    )
)
registry.add_nav(
    NavItem(
        "Device imports",
        "devices:import_list",
        Rule("devices.view_deviceimport"),
        DEVICES,
        order=230,
    )
)
registry.add_person_section(
    PersonSection(
        "devices/sections/person_devices.html",
        person_devices,
        Rule("devices.view_device"),
        order=100,
    )
)


def fleet_card(request):
    devices = selectors.devices_for(request.user)
    if request.current_site is not None:
        devices = devices.filter(site=request.current_site)
    rows = selectors.status_counts(devices)
    return {
        "chart": bar_chart(rows, title="Devices by status", unit="devices") if rows else None,
        "overdue": selectors.overdue_loaners(request.user).count(),
    }


registry.add_card(
    DashboardCard("devices/cards/fleet.html", fleet_card, Rule("devices.view_device"), order=200)
)


def my_devices_card(request):
    """The devices checked out to the signed-in person (a student's Chromebook, a loaner and
    when it is due back), and whether they signed the acceptable-use policy. Students see it
    even with nothing checked out; staff only when they hold a device."""
    person = getattr(request.user, "person", None)
    if person is None:
        return None
    assignments = list(
        Assignment.objects.filter(person=person, checked_in_at__isnull=True)
        .select_related("device__model__manufacturer")
        .order_by("kind", "checked_out_at")
    )
    if not assignments and not is_student(request.user):
        return None
    today = timezone.localdate()
    for assignment in assignments:
        due = timezone.localdate(assignment.due_at) if assignment.due_at else None
        assignment.days_overdue = (today - due).days if due and due < today else 0
    return {
        "assignments": assignments,
        "signed": selectors.acceptable_use_signed(person) if assignments else None,
    }


registry.add_card(
    DashboardCard(
        "devices/cards/my_devices.html",
        my_devices_card,
        SIGNED_IN,
        order=10,
        leads=frozenset({roles.STUDENT}),
    )
)


def active_devices_at(site_ids) -> dict[int, int]:
    devices = Device.objects.filter(site__in=site_ids).exclude(
        status__in=[DeviceStatus.RETIRED, DeviceStatus.DISPOSED]
    )
    return dict(devices.values_list("site").annotate(n=Count("pk")).order_by())


def devices_checked_out_to(person_ids) -> dict[int, int]:
    open_assignments = Assignment.objects.filter(person__in=person_ids, checked_in_at__isnull=True)
    return dict(open_assignments.values_list("person").annotate(n=Count("pk")).order_by())


registry.add_holding(Holding("active devices", "sites", active_devices_at))
registry.add_holding(Holding("devices checked out", "people", devices_checked_out_to))

for device_format in FORMATS:
    register_format(device_format)
