"""Google Admin ChromeOS device lists: the Admin console's CSV download, or GAM's
`print cros` (Directory API field names). Header names match whatever their letter case,
spaces or punctuation, so “Serial Number”, “serialNumber” and “SERIAL_NUMBER” are one column.

| Homeroom                  | Directory API / GAM                     | Admin console           |
|---------------------------|-----------------------------------------|-------------------------|
| serial number (the key)   | serialNumber                            | Serial Number           |
| asset tag                 | annotatedAssetId                        | Asset ID                |
| checked out to (email)    | annotatedUser                           | User                    |
| site (by name or code)    | annotatedLocation, then orgUnitPath     | Location, Org Unit Path |
| org unit path             | orgUnitPath                             | Org Unit Path           |
| OS version                | osVersion                               | OS Version              |
| model, manufacturer       | model (first word = manufacturer)       | Model                   |
| model's auto-update date  | autoUpdateThrough, autoUpdateExpiration | Auto Update Expiration  |
| last sync                 | lastSync                                | Last Sync               |
| MAC addresses             | macAddress, ethernetMacAddress          | Mac Address             |
| new device's status       | status                                  | Status                  |
| notes                     | notes                                   | Notes                   |

recentUsers.* columns are recognised and not read; any other column is reported once as not
read. The site of a row is its location when a saved mapping gives it a site or it is the name
or code of a site, else the deepest part of its org unit path for which that is so: in
/Students/North Elementary/Grade 4, the path itself or “Grade 4”, then /Students/North
Elementary or “North Elementary”, then /Students or “Students”. An org unit (else a location)
that gives no site is listed for mapping."""

import functools

from homeroom.devices.choices import DeviceCategory, DeviceStatus, MappedValue
from homeroom.devices.importers import values
from homeroom.devices.importers.plan import Incoming
from homeroom.devices.importers.source import Column, Layout, Row

LAYOUT = Layout(
    "Google Admin ChromeOS devices",
    columns=(
        Column("serial", ("serialNumber", "Serial Number", "Serial")),
        Column("asset_tag", ("annotatedAssetId", "Asset ID", "Asset Tag")),
        Column("user", ("annotatedUser", "User", "Assigned User")),
        Column("location", ("annotatedLocation", "Location")),
        Column("org_unit", ("orgUnitPath", "Org Unit Path", "Org Unit")),
        Column("os_version", ("osVersion", "OS Version")),
        Column("model", ("model",)),
        Column("last_sync", ("lastSync", "Last Sync")),
        Column(
            "auto_update",
            (
                "autoUpdateThrough",
                "Auto Update Through",
                "autoUpdateExpiration",
                "Auto Update Expiration",
                "AUE",
            ),
        ),
        Column("mac", ("macAddress", "Mac Address", "WiFi MAC Address")),
        Column("ethernet_mac", ("ethernetMacAddress", "Ethernet MAC Address")),
        Column("status", ("status",)),
        Column("notes", ("notes",)),
    ),
    required=(("serial",),),
    ignored_prefixes=("recentusers", "mostrecentuser"),
)

# Directory API statuses (the console spells some of them differently).
STATUSES = {
    "active",
    "provisioned",
    "deprovisioned",
    "disabled",
    "inactive",
    "preprovisioned",
    "delinquent",
    "returnarrived",
    "returnrequested",
    "shipped",
    "unknown",
    "devicestatusunspecified",
}
NOT_IN_USE = {"deprovisioned", "disabled", "returnarrived", "returnrequested"}


@functools.lru_cache(maxsize=4096)
def _site(location_column: str, location: str, org_column: str, org_unit: str):
    """A row's site hints, the column to blame, the message when none is a site, and what
    to list for mapping then. A district has a few hundred org units; each is worked out once."""
    parts = [part.strip() for part in org_unit.split("/") if part.strip()]
    hints = [(location_column, location, (MappedValue.LOCATION, location))] if location else []
    hints += [
        (org_column, part, (MappedValue.ORG_UNIT, "/" + "/".join(parts[: depth + 1])))
        for depth, part in reversed(list(enumerate(parts)))
    ]
    if location and org_unit:
        missing = (
            f"neither the location “{location}” nor any part of the org unit “{org_unit}” is "
            "the name or code of a site; add the site or pass --site CODE"
        )
    elif org_unit:
        missing = (
            f"no part of the org unit “{org_unit}” is the name or code of a site; add the site "
            "or pass --site CODE"
        )
    elif location:
        missing = (
            f"the location “{location}” is not the name or code of a site; add the site or "
            "pass --site CODE"
        )
    else:
        missing = "no location or org unit names the site; pass --site CODE"
    if org_unit:
        unmapped = (MappedValue.ORG_UNIT, "/" + "/".join(parts))
    else:
        unmapped = (MappedValue.LOCATION, location) if location else None
    column = org_column if org_unit or not location else location_column
    return tuple(hints), column, missing, unmapped


def convert(row: Row) -> Incoming:
    serial = row.text("serial", max_length=128)
    if not serial:
        row.problem("serial", "required")
    incoming = Incoming(
        line=row.line, serial=serial, asset_tag=row.text("asset_tag", max_length=64)
    )

    model = row.text("model", max_length=300)
    if model:
        maker, _, name = model.partition(" ")
        incoming.manufacturer, incoming.model = maker, name.strip() or maker
        incoming.category = DeviceCategory.CHROMEBOOK
        if len(maker) > 100 or len(incoming.model) > 200:
            row.problem("model", "the manufacturer (its first word) or the model is too long")
    incoming.auto_update_through = values.update_month(row, "auto_update")

    location, org_unit = row.text("location"), row.text("org_unit", max_length=300)
    incoming.site_hints, incoming.site_column, incoming.site_missing, incoming.unmapped = _site(
        row.column("location"), location, row.column("org_unit"), org_unit
    )

    fields = incoming.fields
    if row.has("os_version"):
        fields["os_version"] = row.text("os_version", max_length=100)
    if row.has("org_unit"):
        fields["org_unit_path"] = org_unit
    if row.has("last_sync"):
        fields["last_sync"] = values.timestamp(row, "last_sync")
    if row.has("notes"):
        fields["notes"] = row.text("notes", max_length=100_000)
    if row.has("mac") or row.has("ethernet_mac"):
        macs = [values.mac_address(row, "mac"), values.mac_address(row, "ethernet_mac")]
        fields["mac_addresses"] = ", ".join(dict.fromkeys(mac for mac in macs if mac))

    status = row.text("status").lower().replace(" ", "").replace("_", "").replace("-", "")
    if status and status not in STATUSES:
        row.problem(
            "status",
            f"“{row.text('status')}” is not a Google device status such as ACTIVE, "
            "DEPROVISIONED or DISABLED",
        )
    if status == "deprovisioned":
        incoming.new_status = DeviceStatus.RETIRED
        incoming.retired_at_source = True
    incoming.check_out = status not in NOT_IN_USE
    if row.has("user"):
        incoming.holder_email = values.email(row, "user") if incoming.check_out else ""
        incoming.holder_column = row.column("user")
    return incoming
