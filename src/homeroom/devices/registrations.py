"""What devices add to the navigation and the global search."""

from homeroom.core.access import Rule
from homeroom.core.registry import SearchProvider, SearchResult, registry
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
