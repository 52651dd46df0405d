"""What devices add to the navigation and the global search."""

from homeroom.core.access import Rule
from homeroom.core.registry import (
    NavItem,
    PersonSection,
    SearchProvider,
    SearchResult,
    registry,
)
from homeroom.devices import selectors
from homeroom.devices.selectors import find_device


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


registry.add_nav(NavItem("Devices", "devices:device_list", Rule("devices.view_device"), order=190))
registry.add_nav(
    NavItem("Scan station", "devices:scan_station", Rule("devices.add_assignment"), order=200)
)
registry.add_person_section(
    PersonSection(
        "devices/sections/person_devices.html",
        person_devices,
        Rule("devices.view_device"),
        order=100,
    )
)
