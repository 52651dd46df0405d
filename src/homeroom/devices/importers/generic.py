"""Any other device CSV file (a spreadsheet, another inventory system's export): the person
importing it says which of its columns holds which Homeroom field, and the rows then go
through the same checks and plan as the Google Admin and Snipe-IT files.

Values are read as the other importers read them: dates as 2023-01-23 or 1/23/2023, amounts
as 1234.56 or $1,234.56, MAC addresses in any usual spelling. A status, category or funding
source is Homeroom's value or its label in any letter case (“in_stock”, “In stock”), and a
status may also be one of Snipe-IT's labels (“Ready to Deploy”). The assigned person is
found by email when the value has an @, else by username. The site is the site column's
value when it is the name or code of a site, else the deepest part of the org unit path
that is, else the site chosen for the import."""

import re
from dataclasses import dataclass

from homeroom.devices.choices import DeviceCategory, DeviceStatus, FundingSource
from homeroom.devices.importers import values
from homeroom.devices.importers.plan import Incoming
from homeroom.devices.importers.run import Kind
from homeroom.devices.importers.snipeit import STATUSES as SNIPEIT_STATUSES
from homeroom.devices.importers.snipeit import category_of
from homeroom.devices.importers.source import Column, Layout, Row, normalized


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    hint: str
    names: tuple[str, ...]  # header names that usually hold it, for the first guess


FIELDS = (
    Field(
        "serial_number",
        "Serial number",
        "The device's key: a row with a serial Homeroom knows updates that device.",
        ("Serial Number", "Serial", "Serial No", "S/N", "SN", "Service Tag", "serialNumber"),
    ),
    Field(
        "asset_tag",
        "Asset tag",
        "The key when a row has no serial. New devices without one take their serial.",
        ("Asset Tag", "Asset ID", "Asset Number", "Tag", "Asset", "Property Tag", "Barcode"),
    ),
    Field("manufacturer", "Manufacturer", "Acer, Dell, Apple…", ("Manufacturer", "Make", "Brand")),
    Field(
        "model",
        "Model",
        "Needed for devices Homeroom does not have yet.",
        ("Model", "Model Name", "Device Model", "Product"),
    ),
    Field(
        "category",
        "Category",
        "The kind of device of new models (Chromebook, tablet, projector…).",
        ("Category", "Device Type", "Type", "Kind"),
    ),
    Field(
        "site",
        "Site or location",
        "The name or code of a site.",
        ("Site", "School", "Location", "Building", "Campus", "annotatedLocation"),
    ),
    Field(
        "status",
        "Status",
        "In stock, deployed, in repair, loaner pool, lost, stolen, retired, disposed.",
        ("Status", "State", "Status Label"),
    ),
    Field(
        "assigned_to",
        "Assigned person's email or username",
        "The device is checked out to this person (1:1).",
        (
            "Assigned To",
            "Assigned User",
            "User",
            "Email",
            "Username",
            "Checked Out To",
            "Student Email",
            "annotatedUser",
        ),
    ),
    Field("purchase_date", "Purchase date", "", ("Purchase Date", "Purchased", "Date Purchased")),
    Field("purchase_cost", "Purchase cost", "", ("Purchase Cost", "Cost", "Price")),
    Field(
        "order_number",
        "Order number",
        "",
        ("Order Number", "PO Number", "PO", "Purchase Order", "Order"),
    ),
    Field("vendor", "Vendor", "Who sold it.", ("Vendor", "Supplier", "Seller")),
    Field(
        "funding_source",
        "Funding source",
        "General fund, E-Rate, Title IV-A, Title I, ESSER, other grant, donation.",
        ("Funding Source", "Funding", "Fund"),
    ),
    Field(
        "warranty_end",
        "Warranty end",
        "",
        ("Warranty End", "Warranty Expires", "Warranty Expiration", "Warranty End Date"),
    ),
    Field("mac_address", "MAC address", "", ("MAC Address", "MAC", "WiFi MAC", "macAddress")),
    Field("os_version", "OS version", "", ("OS Version", "OS", "osVersion")),
    Field("org_unit_path", "Org unit path", "", ("Org Unit Path", "Org Unit", "OU", "orgUnitPath")),
    Field(
        "auto_update_through",
        "Auto-update end (ChromeOS)",
        "The last month Google updates the model.",
        ("Auto Update Expiration", "Auto Update Through", "AUE", "autoUpdateThrough"),
    ),
    Field("notes", "Notes", "", ("Notes", "Note", "Comments", "Comment")),
)
FIELD_LABELS = {field.key: field.label for field in FIELDS}
KEY_FIELDS = ("serial_number", "asset_tag")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def guess_mapping(header: list[str], samples: dict[str, list[str]]) -> dict[str, str]:
    """A first guess at which column holds which field: by the column's name, then, for a
    field no name matched, by what the column's values look like (emails, MAC addresses)."""
    columns = {normalized(name): name for name in header if normalized(name)}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field in FIELDS:
        for name in field.names:
            found = columns.get(normalized(name))
            if found is not None and found not in taken:
                mapping[field.key] = found
                taken.add(found)
                break
    looks = (("assigned_to", EMAIL), ("mac_address", values.MAC))
    for key, pattern in looks:
        if key in mapping:
            continue
        for name in header:
            shown = samples.get(name, [])
            if name not in taken and shown and all(pattern.fullmatch(v) for v in shown):
                mapping[key] = name
                taken.add(name)
                break
    return mapping


def mapping_problems(mapping: dict[str, str], header: list[str]) -> list[str]:
    """What is wrong with a mapping for a file with this header, in plain words."""
    problems = []
    unknown = sorted(set(mapping) - set(FIELD_LABELS))
    if unknown:
        problems.append(
            f"Homeroom has no field {', '.join(unknown)}; the fields are {', '.join(FIELD_LABELS)}."
        )
    present = {normalized(name) for name in header}
    for key, column in mapping.items():
        if key in FIELD_LABELS and normalized(column) not in present:
            problems.append(f"{FIELD_LABELS[key]}: the file has no column “{column}”.")
    used: dict[str, str] = {}
    for key, column in mapping.items():
        if key not in FIELD_LABELS:
            continue
        if normalized(column) in used:
            problems.append(
                f"“{column}” is chosen for both {used[normalized(column)]} and "
                f"{FIELD_LABELS[key]}; a column can fill one field."
            )
        used.setdefault(normalized(column), FIELD_LABELS[key])
    if not any(mapping.get(key) for key in KEY_FIELDS):
        problems.append("Choose the column with the serial number or the one with the asset tag.")
    return problems


def kind_for(mapping: dict[str, str]) -> Kind:
    """The import kind that reads a file through this mapping (checked by mapping_problems)."""
    layout = Layout(
        "Other CSV file",
        columns=tuple(Column(key, (column,)) for key, column in mapping.items() if column),
        required=(KEY_FIELDS,),
    )
    stand_ins = {"serial": "serial_number", "auto_update": "auto_update_through"}
    for key in ("manufacturer", "category"):
        if key not in mapping:
            stand_ins[key] = "model"
    return Kind("devices-csv", "CSV file", layout, convert, stand_ins, serial_key="serial_number")


def _choice(text: str, choices) -> str:
    """The value of a choice given as its value or label, letter case and spacing aside."""
    wanted = normalized(text)
    for value, label in choices:
        if wanted in {normalized(value), normalized(label)}:
            return value
    return ""


def convert(row: Row, *, default_category: str = "") -> Incoming:
    serial = row.text("serial_number", max_length=128)
    tag = row.text("asset_tag", max_length=64)
    incoming = Incoming(line=row.line, serial=serial, asset_tag=tag)
    if not serial and not tag:
        row.problem("serial_number" if row.has("serial_number") else "asset_tag", "blank")

    incoming.model = row.text("model", max_length=200)
    incoming.manufacturer = row.text("manufacturer", max_length=100)
    category = row.text("category")
    incoming.category = (
        _choice(category, DeviceCategory.choices)
        or category_of(f"{category} {incoming.manufacturer} {incoming.model}")
        or default_category
    )
    kinds = ", ".join(str(label) for label in DeviceCategory.labels)
    incoming.category_problem = (
        f"“{category}” is not a kind of device Homeroom knows ({kinds}); choose a category "
        "for new models when you upload the file"
        if category
        else f"Homeroom cannot tell what kind of device “{incoming.model}” is; choose a "
        "category for new models when you upload the file"
    )
    incoming.auto_update_through = values.update_month(row, "auto_update_through")

    site, org_unit = row.text("site"), row.text("org_unit_path", max_length=300)
    parts = [part.strip() for part in org_unit.split("/") if part.strip()]
    incoming.site_hints = (((row.column("site"), site, None),) if site else ()) + tuple(
        (row.column("org_unit_path"), part, None) for part in reversed(parts)
    )
    incoming.site_column = row.column("site" if site or not org_unit else "org_unit_path")
    if site:
        incoming.site_missing = (
            f"“{site}” is not the name or code of a site; add the site or choose a site for "
            "new devices"
        )
    elif org_unit:
        incoming.site_missing = (
            f"no part of the org unit “{org_unit}” is the name or code of a site; add the site "
            "or choose a site for new devices"
        )
    else:
        incoming.site_missing = "no site given, and no site for new devices was chosen"
    incoming.warn_unknown_site = True

    status = row.text("status")
    if status:
        incoming.status = _choice(status, DeviceStatus.choices) or SNIPEIT_STATUSES.get(
            " ".join(status.lower().split()), ""
        )
        if not incoming.status:
            labels = ", ".join(str(label) for label in DeviceStatus.labels)
            row.problem("status", f"“{status}” is not a status Homeroom knows; use {labels}")

    holder = row.text("assigned_to", max_length=254)
    if "@" in holder:
        incoming.holder_email = values.email(row, "assigned_to")
    else:
        incoming.holder_username = holder
    incoming.holder_column = row.column("assigned_to")

    fields = incoming.fields
    if row.has("purchase_date"):
        fields["purchase_date"] = values.date(row, "purchase_date")
    if row.has("purchase_cost"):
        fields["purchase_cost"] = values.money(row, "purchase_cost")
    if row.has("warranty_end"):
        fields["warranty_end"] = values.date(row, "warranty_end")
    for key, length in (("order_number", 100), ("vendor", 200), ("os_version", 100)):
        if row.has(key):
            fields[key] = row.text(key, max_length=length)
    if row.has("org_unit_path"):
        fields["org_unit_path"] = org_unit
    if row.has("notes"):
        fields["notes"] = row.text("notes", max_length=100_000)
    if row.has("mac_address"):
        fields["mac_addresses"] = values.mac_address(row, "mac_address")
    funding = row.text("funding_source")
    if funding:
        fields["funding_source"] = _choice(funding, FundingSource.choices)
        if not fields["funding_source"]:
            del fields["funding_source"]
            labels = ", ".join(str(label) for label in FundingSource.labels)
            row.problem("funding_source", f"“{funding}” is not a funding source; use {labels}")
    return incoming
