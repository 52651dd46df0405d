"""Snipe-IT asset exports (and files in Snipe-IT's own import layout), for moving a district's
inventory into Homeroom. Header names match whatever their letter case, spaces or punctuation.

| Homeroom                     | Snipe-IT column                                           |
|------------------------------|-----------------------------------------------------------|
| serial number (the key)      | Serial, Serial Number                                     |
| asset tag (key if no serial) | Asset Tag                                                 |
| model                        | Model, Model Name                                         |
| manufacturer                 | Manufacturer                                              |
| new model's category         | Category's saved mapping, else a keyword in Category,     |
|                              | Manufacturer or Model, else --category                    |
| status                       | Status, Status Label                                      |
| site (saved mapping, name)   | Location, Default Location (a mapping may name a room)    |
| purchase date                | Purchase Date (2023-01-23, or US style 1/23/23)           |
| purchase cost                | Purchase Cost (1234.56, $1,234.56)                        |
| order number                 | Order Number                                              |
| vendor                       | Supplier                                                  |
| warranty end                 | Warranty Expires, else purchase + Warranty (months)       |
| notes                        | Notes, Asset Notes                                        |
| checked out to               | Checked Out To: Email / Username, else Email / Username   |

A row checked out to a location (Checkout Type “Location”) is not checked out in Homeroom,
which assigns devices to people, rooms and carts. Company, Name, Model Number, Model Notes,
the checked-out person's name, Asset EOL Date and the like are recognised and not read."""

import re

from homeroom.devices.choices import DeviceCategory, DeviceStatus, MappedValue
from homeroom.devices.importers import values
from homeroom.devices.importers.plan import Incoming
from homeroom.devices.importers.source import Column, Layout, Row

LAYOUT = Layout(
    "Snipe-IT assets",
    columns=(
        Column("serial", ("Serial", "Serial Number")),
        Column("asset_tag", ("Asset Tag",)),
        Column("model", ("Model", "Model Name")),
        Column("manufacturer", ("Manufacturer",)),
        Column("category", ("Category",)),
        Column("status", ("Status", "Status Label")),
        Column("location", ("Location", "Default Location")),
        Column("purchase_date", ("Purchase Date",)),
        Column("purchase_cost", ("Purchase Cost",)),
        Column("order_number", ("Order Number",)),
        Column("supplier", ("Supplier",)),
        Column("warranty", ("Warranty", "Warranty Months")),
        Column("warranty_expires", ("Warranty Expires",)),
        Column("notes", ("Notes", "Asset Notes")),
        Column("checkout_type", ("Checkout Type",)),
        Column("email", ("Checked Out To: Email", "Email")),
        Column("username", ("Checked Out To: Username", "Username")),
        Column("checkout_location", ("Checked Out To: Location",)),
    ),
    required=(("serial", "asset_tag"),),
    ignored=(
        "Company",
        "Name",
        "Item Name",
        "Asset Name",
        "Model Number",
        "Model No.",
        "Model Notes",
        "Full Name",
        "Checked Out To: First Name",
        "Checked Out To: Last Name",
        "Asset EOL Date",
        "EOL Date",
        "Image",
        "Requestable",
    ),
)

# Snipe-IT's default status labels and common custom ones.
STATUSES = {
    "ready to deploy": DeviceStatus.IN_STOCK,
    "deployable": DeviceStatus.IN_STOCK,
    "ready": DeviceStatus.IN_STOCK,
    "available": DeviceStatus.IN_STOCK,
    "in stock": DeviceStatus.IN_STOCK,
    "spare": DeviceStatus.IN_STOCK,
    "pending": DeviceStatus.IN_STOCK,
    "deployed": DeviceStatus.DEPLOYED,
    "assigned": DeviceStatus.DEPLOYED,
    "in use": DeviceStatus.DEPLOYED,
    "checked out": DeviceStatus.DEPLOYED,
    "pending diagnostics": DeviceStatus.IN_REPAIR,
    "out for diagnostics": DeviceStatus.IN_REPAIR,
    "out for repair": DeviceStatus.IN_REPAIR,
    "in repair": DeviceStatus.IN_REPAIR,
    "repair": DeviceStatus.IN_REPAIR,
    "broken": DeviceStatus.IN_REPAIR,
    "undeployable": DeviceStatus.IN_REPAIR,
    "loaner": DeviceStatus.LOANER_POOL,
    "loaner pool": DeviceStatus.LOANER_POOL,
    "lost": DeviceStatus.LOST,
    "missing": DeviceStatus.LOST,
    "lost/stolen": DeviceStatus.LOST,
    "stolen": DeviceStatus.STOLEN,
    "archived": DeviceStatus.RETIRED,
    "retired": DeviceStatus.RETIRED,
    "decommissioned": DeviceStatus.RETIRED,
    "end of life": DeviceStatus.RETIRED,
    "broken - not fixable": DeviceStatus.RETIRED,
    "disposed": DeviceStatus.DISPOSED,
    "recycled": DeviceStatus.DISPOSED,
    "e-waste": DeviceStatus.DISPOSED,
    "sold": DeviceStatus.DISPOSED,
    "donated": DeviceStatus.DISPOSED,
    "destroyed": DeviceStatus.DISPOSED,
}
# Words that tell a model's category, looked for in this order in its category, manufacturer
# and name together (so Laptops + Apple MacBook Air is a Mac, Tablets + Apple iPad a tablet).
CATEGORY_WORDS = (
    (r"chromebooks?", DeviceCategory.CHROMEBOOK),
    (r"ipads?|tablets?", DeviceCategory.TABLET),
    (r"macbooks?|imacs?|macs?|mac mini|apple", DeviceCategory.MAC),
    (r"laptops?|notebooks?|thinkpads?|latitude", DeviceCategory.WINDOWS_LAPTOP),
    (r"projectors?", DeviceCategory.PROJECTOR),
    (r"document cameras?|doc cams?", DeviceCategory.DOCUMENT_CAMERA),
    (r"interactive|smart ?boards?|promethean|activpanel", DeviceCategory.INTERACTIVE_DISPLAY),
    (r"hotspots?|mifi", DeviceCategory.HOTSPOT),
    (r"carts?", DeviceCategory.CART),
    (r"chargers?|accessor(?:y|ies)|cables?|adapters?|headsets?", DeviceCategory.ACCESSORY),
)
CATEGORY_PATTERNS = [
    (re.compile(rf"\b(?:{words})\b"), category) for words, category in CATEGORY_WORDS
]


def category_of(text: str) -> str:
    lowered = text.lower()
    for pattern, category in CATEGORY_PATTERNS:
        if pattern.search(lowered):
            return category
    return ""


def convert(row: Row, *, default_category: str = "") -> Incoming:
    serial = row.text("serial", max_length=128)
    tag = row.text("asset_tag", max_length=64)
    incoming = Incoming(line=row.line, serial=serial, asset_tag=tag)
    if not serial and not tag:
        key = "asset_tag" if row.has("asset_tag") else "serial"
        row.problem(key, "needs an asset tag or a serial")

    incoming.model = row.text("model", max_length=200)
    incoming.manufacturer = row.text("manufacturer", max_length=100)
    category = incoming.category_key = row.text("category")
    incoming.category = (
        category_of(f"{category} {incoming.manufacturer} {incoming.model}") or default_category
    )
    incoming.category_problem = (
        f"“{category}” is not a kind of device Homeroom knows, nor is “{incoming.model}”; "
        f"pass --category ({', '.join(DeviceCategory.values)}) for such models"
        if category
        else f"Homeroom cannot tell what kind of device “{incoming.model}” is; pass --category"
    )

    location = row.text("location")
    incoming.site_column = row.column("location")
    if location:
        incoming.site_hints = ((incoming.site_column, location, (MappedValue.LOCATION, location)),)
        incoming.unmapped = (MappedValue.LOCATION, location)
    incoming.site_missing = (
        f"“{location}” is not the name or code of a site; add the site or pass --site CODE"
        if location
        else "blank, and no --site was given"
    )
    incoming.warn_unknown_site = True

    status = row.text("status")
    if status:
        incoming.status = STATUSES.get(re.sub(r"\s+", " ", status.lower()), "")
        if not incoming.status:
            row.problem(
                "status",
                f"“{status}” is not a status Homeroom knows; use one of Ready to Deploy, "
                "Pending, Deployed, Out for Repair, Loaner, Lost, Stolen, Archived, Disposed",
            )

    fields = incoming.fields
    purchased = values.date(row, "purchase_date")
    if row.has("purchase_date"):
        fields["purchase_date"] = purchased
    if row.has("purchase_cost"):
        fields["purchase_cost"] = values.money(row, "purchase_cost")
    if row.has("order_number"):
        fields["order_number"] = row.text("order_number", max_length=100)
    if row.has("supplier"):
        fields["vendor"] = row.text("supplier", max_length=200)
    if row.has("notes"):
        fields["notes"] = row.text("notes", max_length=100_000)
    if row.has("warranty") or row.has("warranty_expires"):
        expires = values.date(row, "warranty_expires")
        months = values.months(row, "warranty")
        if expires is None and months is not None:
            if purchased is not None:
                expires = values.add_months(purchased, months)
            elif not row.text("purchase_date"):
                row.warn("warranty", f"{months} months from an unknown purchase date; not set")
        fields["warranty_end"] = expires

    kind = row.text("checkout_type").lower()
    if kind in {"", "user"}:
        incoming.holder_email = values.email(row, "email")
        incoming.holder_username = "" if incoming.holder_email else row.text("username")
        incoming.holder_column = row.column("email" if incoming.holder_email else "username")
    elif kind == "location":
        target = row.text("checkout_location")
        row.warn(
            "checkout_type",
            f"checked out to the location “{target}” in Snipe-IT; Homeroom does not import "
            "check-outs to locations",
        )
    return incoming
