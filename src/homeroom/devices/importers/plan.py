"""Working out what an import changes, device by device, before anything is written.

Rules, the same for every kind of device file:

- A row is the device with its serial number (letter case ignored). A row without a serial
  (Snipe-IT allows that) is the device with its asset tag. A row whose serial Homeroom does not
  know but whose asset tag belongs to a device stored without a serial (`NO-SERIAL-…`) is that
  device, and the row gives it its serial.
- A device's site is the first of the row's site hints (a location, the parts of an org unit
  path, the deepest first) that has a saved mapping (ImportValueMapping: an org unit path or
  a location chosen once for a site, or for a room, which becomes the device's home room) or
  is the name or the code of a site. Without one, a device Homeroom already has stays where it
  is, and a new device goes to the `--site` site; a new device with neither is an error.
  `--site` never moves a device Homeroom already has. Each value that gave no site (a row's
  org unit, else its location) is listed once with how many rows carry it, to be mapped.
- A new model's kind of device is the saved mapping of the row's category, else what its
  category, manufacturer and name tell, else the import's default; a category that leaves a
  new model without one is listed the same way.
- A column the file has sets its field, blank included; a column it lacks leaves the field
  alone. A blank asset tag or model leaves the stored one.
- A new device without an asset tag takes its serial number as its tag; a new device without
  a serial is stored as `NO-SERIAL-<asset tag>` until a later import gives the serial.
- Asset tags stay unique (letter case ignored) across Homeroom once the file is applied; tags
  may be swapped between devices in one file.
- A status from the file must be a legal move from the stored one (the lifecycle in
  devices.choices), and a checked-out device may only become deployed, lost or stolen. A
  device that Homeroom has checked out and the file calls “in stock” stays as it is.
- The person a row names (by email, or username) gets the device checked out to them (1:1)
  when it is not checked out, its status allows a check-out and the person is active. A
  device checked out to someone else is left alone and reported. Nothing is ever checked in.
- Last sync and OS version change every day; a device whose only change is one of those is
  updated without an audit event."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from homeroom.core import audit
from homeroom.core.bulk import batched
from homeroom.core.models import Room, Site
from homeroom.core.selectors import sites_for
from homeroom.devices.choices import (
    CHECK_OUT_STATUSES,
    DEVICE_TRANSITIONS,
    STAYS_OUT,
    DeviceStatus,
)
from homeroom.devices.importers.source import Findings
from homeroom.devices.models import (
    Assignment,
    Device,
    DeviceModel,
    ImportValueMapping,
    Manufacturer,
)
from homeroom.people.models import Person

NO_SERIAL = "NO-SERIAL-"
CHANGES_LISTED = 500
PROGRESS_EVERY = 1000  # rows between two progress reports
TELEMETRY = {"last_sync", "os_version"}
# What is read of every device the file names; the fields the file sets are read too.
STORED_FIELDS = ("pk", "serial_number", "asset_tag", "model_id", "site_id", "status", "updated_at")
HOLDER_FIELDS = (
    "device_id",
    "person_id",
    "person__given_name",
    "person__preferred_given_name",
    "person__family_name",
    "person__preferred_family_name",
    "room__number",
    "cart__asset_tag",
)
ModelKey = tuple[str, str]  # (manufacturer, model name), lowercase
MappingKey = tuple[str, str]  # (MappedValue, the file's value)


@dataclass(slots=True)
class Incoming:
    """One row of a device file, in Homeroom's terms."""

    line: int
    serial: str = ""
    asset_tag: str = ""
    manufacturer: str = ""
    model: str = ""
    category: str = ""  # for a model Homeroom does not have yet; "" when unknown
    category_problem: str = ""  # why the category is unknown
    category_key: str = ""  # the file's category, which a saved mapping may give a kind
    auto_update_through: datetime.date | None = None
    # (column, text that may be the name or code of a site, the value a saved mapping may
    # have given a site or None), the most specific first
    site_hints: tuple[tuple[str, str, MappingKey | None], ...] = ()
    unmapped: MappingKey | None = None  # what is listed for mapping when no hint is a site
    site_column: str = ""  # the column messages name when no hint is a site
    site_missing: str = ""  # the message when a new device has no site
    warn_unknown_site: bool = False  # a hint that names no site is worth a warning
    fields: dict = field(default_factory=dict)  # Device attname -> value
    status: str = ""  # the status the file gives, for every device ("" = none)
    new_status: str = ""  # the status of a new device when `status` is blank
    holder_email: str = ""
    holder_username: str = ""
    holder_column: str = ""
    check_out: bool = True  # False: the source says the device is not in use
    retired_at_source: bool = False
    fingerprint: str = ""  # of the row as the file has it (run.fingerprint)


@dataclass
class NewModel:
    manufacturer: str
    name: str
    category: str
    auto_update_through: datetime.date | None


@dataclass
class Plan:
    counts: dict
    changes: list[dict]  # the first CHANGES_LISTED devices that change, for the report
    changes_total: int = 0
    manufacturers: list[str] = field(default_factory=list)
    models: dict[ModelKey, NewModel] = field(default_factory=dict)
    model_updates: list[tuple[int, str, datetime.date | None, datetime.date]] = field(
        default_factory=list
    )
    creates: list[dict] = field(default_factory=list)  # Device values; model_id is a key
    # (pk, values, audited changes, asset tag, site) of devices that change
    updates: list[tuple[int, dict, dict, str, int]] = field(default_factory=list)
    # (device pk or serial of a new one, person pk, person, asset tag, site, status before)
    checkouts: list[tuple[int | str, int, str, str, int, str]] = field(default_factory=list)
    tags_move: bool = False  # a device takes a tag another device of the file gives up
    # (pk, fingerprint, updated_at) of unchanged devices whose row's fingerprint is kept
    fingerprints: list[tuple[int, str, datetime.datetime]] = field(default_factory=list)


def _label(status: str) -> str:
    return DeviceStatus(status).label.lower()


@dataclass(slots=True)
class _Person:
    pk: int
    active: bool
    label: str


class Planner:
    """Checks the rows against each other and against Homeroom, and plans every change.

    `columns` names the file's columns for messages: serial, asset_tag, model, manufacturer,
    category, status."""

    def __init__(
        self,
        *,
        file: str,
        rows: list[Incoming],
        columns: dict[str, str],
        findings: Findings,
        site_code: str | None = None,
        actor=None,
        source: str = "",
        progress: Callable[[int], None] | None = None,
    ):
        self.file = file
        self.progress = progress
        self.rows = rows
        self.columns = columns
        self.findings = findings
        self.site_code = site_code
        self.actor = actor
        self.source = source
        self.unmapped: dict[MappingKey, dict] = {}
        self.tallied: set[int] = set()  # lines whose value matched nothing
        self.counts = {
            "devices": {"created": 0, "updated": 0, "unchanged": 0},
            "models": {"created": 0, "updated": 0},
            "manufacturers": {"created": 0},
            "assignments": {"created": 0},
        }
        self.plan = Plan(self.counts, [])

    def problem(self, line: int, key: str, message: str) -> None:
        self.findings.problem(self.file, line, self.columns.get(key, key), message)

    def warn(self, line: int, key: str, message: str) -> None:
        self.findings.warn(self.file, line, self.columns.get(key, key), message)

    # --- what Homeroom holds ------------------------------------------------------------

    def load(self) -> None:
        self.site_by_key: dict[str, int] = {}
        self.site_name: dict[int, str] = {}
        sites = list(Site.objects.values_list("pk", "name", "code"))
        for pk, name, _code in sites:
            self.site_by_key[name.strip().lower()] = pk
            self.site_name[pk] = name
        for pk, _name, code in sites:
            self.site_by_key.setdefault(code.lower(), pk)
        self.site_option = None
        if self.site_code:
            self.site_option = next(
                (pk for pk, _name, code in sites if code.lower() == self.site_code.lower()), None
            )
            if self.site_option is None:
                self.findings.problem(
                    self.file, 0, "--site", f"no site has the code “{self.site_code}”"
                )
        self.allowed_sites = None
        if self.actor is not None and not self.actor.sees_all_sites:
            self.allowed_sites = set(sites_for(self.actor).values_list("pk", flat=True))

        self.load_mappings()

        self.by_serial: dict[str, int] = {}
        self.by_tag: dict[str, int] = {}
        self.keys: dict[int, tuple[str, str]] = {}
        for pk, serial, tag in Device.objects.values_list(
            "pk", "serial_number", "asset_tag"
        ).iterator(chunk_size=10000):
            self.by_serial[serial.lower()] = pk
            self.by_tag[tag.lower()] = pk
            self.keys[pk] = (serial, tag)

        self.model_by_key: dict[ModelKey, int] = {}
        self.models_by_name: dict[str, list[ModelKey]] = defaultdict(list)
        self.model_label: dict[ModelKey, str] = {}
        self.model_key_of: dict[int, ModelKey] = {}
        self.model_update: dict[int, datetime.date | None] = {}
        for pk, maker, name, aue in DeviceModel.objects.values_list(
            "pk", "manufacturer__name", "name", "auto_update_through"
        ):
            key = (maker.lower(), name.lower())
            self.model_by_key[key] = pk
            self.models_by_name[name.lower()].append(key)
            self.model_label[key] = f"{maker} {name}"
            self.model_key_of[pk] = key
            self.model_update[pk] = aue
        self.manufacturers = {
            name.lower() for name in Manufacturer.objects.values_list("name", flat=True)
        }

        self.people_by_email: dict[str, list[_Person]] = defaultdict(list)
        self.people_by_username: dict[str, list[_Person]] = defaultdict(list)
        if any(row.holder_email or row.holder_username for row in self.rows):
            for pk, email, username, active, given, preferred, family, preferred_family in (
                Person.objects.filter(Q(email__gt="") | Q(username__gt=""))
                .values_list(
                    "pk",
                    "email",
                    "username",
                    "is_active",
                    "given_name",
                    "preferred_given_name",
                    "family_name",
                    "preferred_family_name",
                )
                .iterator(chunk_size=10000)
            ):
                person = _Person(pk, active, f"{preferred or given} {preferred_family or family}")
                if email:
                    self.people_by_email[email.lower()].append(person)
                if username:
                    self.people_by_username[username.lower()].append(person)

    def load_mappings(self) -> None:
        self.place_map: dict[MappingKey, tuple[int, int | None]] = {}
        self.kind_map: dict[str, str] = {}
        self.room_label: dict[int, str] = {}
        if not self.source:
            return
        for field_name, value, site, room, category in ImportValueMapping.objects.filter(
            source=self.source
        ).values_list("field", "value", "site_id", "room_id", "category"):
            if category:
                self.kind_map[value.lower()] = category
            else:
                self.place_map[(field_name, value.lower())] = (site, room)
        if any(room for _site, room in self.place_map.values()):
            self.room_label = dict(Room.objects.values_list("pk", "number"))

    def load_devices(self, pks: list[int]) -> None:
        """The stored values of the devices the file names, and who has them. When the file
        names a good part of the fleet, one pass over the table beats many lookups."""
        fields = sorted({name for row in self.rows for name in row.fields})
        devices = Device.objects.values(*STORED_FIELDS, *fields)
        holders = Assignment.objects.filter(checked_in_at__isnull=True).values_list(*HOLDER_FIELDS)
        if len(pks) * 4 > len(self.keys):
            wanted = set(pks)
            found = (
                values for values in devices.iterator(chunk_size=10000) if values["pk"] in wanted
            )
            held = (item for item in holders.iterator(chunk_size=10000) if item[0] in wanted)
        else:
            found = (v for batch in batched(pks) for v in devices.filter(pk__in=batch))
            held = (item for batch in batched(pks) for item in holders.filter(device_id__in=batch))
        self.stored: dict[int, dict] = {values["pk"]: values for values in found}
        self.open_holder: dict[int, tuple[int | None, str]] = {}
        for device, person, given, preferred, family, preferred_family, room, cart in held:
            if person is not None:
                label = f"{preferred or given} {preferred_family or family}"
            else:
                label = f"room {room}" if room else f"cart {cart}"
            self.open_holder[device] = (person, label)

    # --- the plan -----------------------------------------------------------------------

    def check_file(self) -> None:
        """What the file alone can tell: no serial or asset tag on two rows."""
        for key in ("serial", "asset_tag"):
            lines: dict[str, int] = {}
            for row in self.rows:
                value = getattr(row, key)
                if not value:
                    continue
                if value.lower() in lines:
                    self.problem(row.line, key, f"“{value}” is also on line {lines[value.lower()]}")
                lines.setdefault(value.lower(), row.line)

    def run(self) -> Plan | None:
        """The plan, or None when a problem was found (see `findings`). Call it after
        `check_file` found nothing."""
        self.load()
        matched = self.match()
        places = [self.site_for(row) for row in self.rows]
        self.load_devices([pk for pk in matched if pk is not None])
        self.final_tags: dict[int, str] = {}
        self.new_tags: list[tuple[Incoming, int | None, str, str]] = []
        self.new_serials: dict[str, int] = {}
        self.unknown_sites: set[str] = set()
        # line -> (the values written, or None when unchanged; pk; the stored updated_at)
        self.targets: dict[int, tuple[dict | None, int | None, datetime.datetime | None]] = {}
        self.aue: dict[ModelKey, list[tuple[datetime.date, int]]] = defaultdict(list)
        for number, (row, pk, place) in enumerate(
            zip(self.rows, matched, places, strict=True), start=1
        ):
            self.plan_row(row, pk, place)
            if self.progress is not None and number % PROGRESS_EVERY == 0:
                self.progress(number)
        self.check_tags()
        self.plan_models()
        if self.new_serials:
            self.warn(
                1,
                "serial",
                f"{len(self.new_serials)} new devices have no serial number; each is stored as "
                f"{NO_SERIAL}<asset tag> until a file gives its serial",
            )
        if self.findings.problems:
            return None
        self.keep_fingerprints()
        return self.plan

    def keep_fingerprints(self) -> None:
        """Give every device the fingerprint of its row, unless the row gave a warning or a
        value that matched nothing (so that it is read again next time and says so again)."""
        noted = {warning.line for warning in self.findings.warnings}
        noted.update(self.tallied)
        for row in self.rows:
            target = self.targets.get(row.line)
            if not row.fingerprint or row.line in noted or target is None:
                continue
            values, pk, updated_at = target
            if values is not None:  # a new or changed device: the writer stamps the time
                values["import_fingerprint"] = row.fingerprint
                values["import_fingerprint_at"] = updated_at
            else:
                self.plan.fingerprints.append((pk, row.fingerprint, updated_at))

    def match(self) -> list[int | None]:
        """The stored device of every row, checking that no two rows are the same device."""
        device_lines: dict[int, int] = {}
        matched = []
        for row in self.rows:
            serial, tag = row.serial.lower(), row.asset_tag.lower()
            pk = self.by_serial.get(serial) if serial else None
            if pk is None and tag and (owner := self.by_tag.get(tag)) is not None:
                stored_serial = self.keys[owner][0]
                if not serial or stored_serial.upper().startswith(NO_SERIAL):
                    pk = owner
            if pk is not None:
                if pk in device_lines:
                    self.problem(
                        row.line,
                        "serial" if serial else "asset_tag",
                        f"is the same device as line {device_lines[pk]}",
                    )
                device_lines.setdefault(pk, row.line)
            matched.append(pk)
        return matched

    def site_for(self, row: Incoming) -> tuple[int | None, str]:
        """The site the row names, and the column that names it. A mapping to a room makes
        the room the device's home room."""
        for column, hint, key in row.site_hints:
            if key is not None:
                mapped = self.place_map.get((key[0], key[1].lower()))
                if mapped is not None:
                    if mapped[1] is not None:
                        row.fields["home_room_id"] = mapped[1]
                    return mapped[0], column
            pk = self.site_by_key.get(hint.strip().lower())
            if pk is not None:
                return pk, column
        if row.unmapped is not None:
            self.tally(row, row.unmapped)
        return None, row.site_column

    def tally(self, row: Incoming, key: MappingKey) -> None:
        self.tallied.add(row.line)
        found = self.unmapped.get((key[0], key[1].lower()))
        if found is None:
            found = self.unmapped[(key[0], key[1].lower())] = {
                "field": str(key[0]),
                "value": key[1],
                "rows": 0,
                "line": row.line,
            }
        found["rows"] += 1

    def unmapped_values(self) -> list[dict]:
        """Each value that matched nothing, once, with how many rows carry it."""
        return sorted(self.unmapped.values(), key=lambda found: (found["field"], found["line"]))

    def shown_value(self, name: str, value):
        if name == "home_room_id":
            return self.room_label.get(value) if value is not None else None
        return audit.as_json(value)

    def model_for(self, row: Incoming) -> ModelKey | None:
        if not row.model:
            return None
        name = row.model.lower()
        if not row.manufacturer:
            known = self.models_by_name.get(name, [])
            if len(known) == 1:
                return known[0]
            if known:
                self.problem(
                    row.line,
                    "manufacturer",
                    f"several manufacturers make a model named “{row.model}”; say which",
                )
            else:
                self.problem(row.line, "manufacturer", f"required to add the model “{row.model}”")
            return None
        key = (row.manufacturer.lower(), name)
        if key not in self.model_by_key and key not in self.plan.models:
            category = self.kind_map.get(row.category_key.lower()) or row.category
            if not category:
                self.problem(row.line, "category", row.category_problem)
                if row.category_key:
                    self.tally(row, ("category", row.category_key))
                return None
            self.plan.models[key] = NewModel(row.manufacturer, row.model, category, None)
            self.model_label[key] = f"{row.manufacturer} {row.model}"
            if row.manufacturer.lower() not in self.manufacturers:
                self.manufacturers.add(row.manufacturer.lower())
                self.plan.manufacturers.append(row.manufacturer)
        if row.auto_update_through:
            self.aue[key].append((row.auto_update_through, row.line))
        return key

    def person_for(self, row: Incoming) -> _Person | None:
        if row.holder_email:
            found, named = self.people_by_email.get(row.holder_email.lower(), []), "email"
            wanted = row.holder_email
        elif row.holder_username:
            found, named = self.people_by_username.get(row.holder_username.lower(), []), "username"
            wanted = row.holder_username
        else:
            return None
        active = [person for person in found if person.active]
        if len(active) == 1:
            return active[0]
        if len(active) > 1:
            self.warn(
                row.line,
                row.holder_column,
                f"{len(active)} active people have the {named} “{wanted}”; not checked out",
            )
        elif found:
            self.warn(
                row.line,
                row.holder_column,
                f"{found[0].label} ({wanted}) is inactive in the roster; not checked out",
            )
        else:
            self.warn(
                row.line,
                row.holder_column,
                f"no person has the {named} “{wanted}”; not checked out",
            )
        return None

    def plan_row(self, row: Incoming, pk: int | None, place: tuple[int | None, str]) -> None:
        stored = self.stored.get(pk) if pk is not None else None
        target, column = place
        if stored is not None:
            site = target or stored["site_id"]
        else:
            site = target or self.site_option
            if site is None:
                self.problem(row.line, column, row.site_missing)
            elif target is None and row.warn_unknown_site and row.site_hints:
                self.warn_unknown_site(row, column, row.site_hints[0][1], site)
        if self.allowed_sites is not None:
            for where in {site, stored["site_id"] if stored else None} - {None}:
                if where not in self.allowed_sites:
                    self.problem(row.line, column, f"you do not work at {self.site_name[where]}")
        model = self.model_for(row)
        if stored is None and model is None and not row.model:
            self.problem(row.line, "model", "required for a device Homeroom does not have yet")
        person = self.person_for(row) if row.check_out else None
        if stored is None:
            self.plan_new(row, site, model, person)
        else:
            self.plan_existing(row, stored, site, model, person)

    def warn_unknown_site(self, row: Incoming, column: str, name: str, site: int) -> None:
        """Once per name, on the first row that gives it."""
        if name.lower() not in self.unknown_sites:
            self.unknown_sites.add(name.lower())
            self.warn(
                row.line,
                column,
                f"“{name}” is not the name or code of a site; its new devices go to "
                f"{self.site_name[site]} (--site)",
            )

    def plan_new(self, row: Incoming, site, model, person: _Person | None) -> None:
        tag = row.asset_tag or row.serial
        serial = row.serial or f"{NO_SERIAL}{row.asset_tag}"
        if not tag:
            self.problem(row.line, "asset_tag", "a device needs an asset tag or a serial number")
            return
        if len(tag) > 64:
            self.problem(row.line, "serial", f"has no asset tag, and “{tag}” is too long to be one")
        if not row.serial:
            if serial.lower() in self.by_serial or serial.lower() in self.new_serials:
                self.problem(row.line, "asset_tag", f"“{serial}” is already a serial number")
            self.new_serials[serial.lower()] = row.line
        self.new_tags.append((row, None, tag, "asset_tag" if row.asset_tag else "serial"))
        status = row.status or row.new_status or DeviceStatus.IN_STOCK
        checkout = person is not None and status in CHECK_OUT_STATUSES
        if person is not None and not checkout:
            self.warn(
                row.line, row.holder_column, f"the device is {_label(status)}; not checked out"
            )
        values = {
            "serial_number": serial,
            "asset_tag": tag,
            "model_id": model,
            "site_id": site,
            "status": DeviceStatus.DEPLOYED if checkout else status,
            **row.fields,
        }
        self.plan.creates.append(values)
        self.targets[row.line] = (values, None, None)
        self.counts["devices"]["created"] += 1
        if checkout:
            self.plan.checkouts.append((serial, person.pk, person.label, tag, site, status))
            self.counts["assignments"]["created"] += 1

        def shown() -> dict:
            fields = {
                "asset_tag": [None, tag],
                "model": [None, self.model_label.get(model)],
                "site": [None, self.site_name.get(site)],
                "status": [None, values["status"]],
            }
            for name, value in row.fields.items():
                if value not in (None, ""):
                    fields[name.removesuffix("_id")] = [None, self.shown_value(name, value)]
            if checkout:
                fields["holder"] = [None, person.label]
            return fields

        self.change(row, serial, tag, "created", shown)

    def plan_existing(self, row: Incoming, stored: dict, site, model, person) -> None:
        pk = stored["pk"]
        values: dict = {}
        if row.serial and stored["serial_number"].upper().startswith(NO_SERIAL):
            values["serial_number"] = row.serial  # the file gives the serial it lacked
        if row.asset_tag and row.asset_tag != stored["asset_tag"]:
            values["asset_tag"] = row.asset_tag
            self.new_tags.append((row, pk, row.asset_tag, "asset_tag"))
        tag = self.final_tags[pk] = values.get("asset_tag", stored["asset_tag"])
        if site != stored["site_id"]:
            values["site_id"] = site
        if model is not None and self.model_by_key.get(model) != stored["model_id"]:
            values["model_id"] = model
        for name, value in row.fields.items():
            if stored[name] != value:
                values[name] = value

        current = stored["status"]
        holder = self.open_holder.get(pk)
        wanted = row.status or current
        if holder is not None and wanted == DeviceStatus.IN_STOCK:
            wanted = current  # Snipe-IT keeps “Ready to Deploy” on checked-out assets
        if wanted != current:
            if wanted not in DEVICE_TRANSITIONS[DeviceStatus(current)]:
                self.problem(
                    row.line,
                    "status",
                    f"Homeroom has this device as {_label(current)}; it cannot become "
                    f"{_label(wanted)}",
                )
            elif holder is not None and wanted not in STAYS_OUT:
                self.problem(
                    row.line,
                    "status",
                    f"checked out to {holder[1]} in Homeroom; check it in before it becomes "
                    f"{_label(wanted)}",
                )
        if row.retired_at_source and current not in {DeviceStatus.RETIRED, DeviceStatus.DISPOSED}:
            self.warn(
                row.line, "status", f"deprovisioned in Google; Homeroom has it {_label(current)}"
            )

        checkout = False
        if person is not None:
            if holder is not None:
                if holder[0] != person.pk:
                    self.warn(
                        row.line,
                        row.holder_column,
                        f"checked out to {holder[1]} in Homeroom, not to {person.label}; "
                        "left as it is",
                    )
            elif wanted not in CHECK_OUT_STATUSES:
                self.warn(
                    row.line, row.holder_column, f"the device is {_label(wanted)}; not checked out"
                )
            else:
                checkout = True
        final = DeviceStatus.DEPLOYED if checkout else wanted
        if final != current:
            values["status"] = final

        shown = {}
        for name, value in values.items():
            if name == "model_id":
                old = self.model_label[self.model_key_of[stored["model_id"]]]
                shown["model"] = [old, self.model_label[value]]
            elif name == "site_id":
                shown["site"] = [self.site_name[stored["site_id"]], self.site_name[value]]
            else:
                shown[name.removesuffix("_id")] = [
                    self.shown_value(name, stored[name]),
                    self.shown_value(name, value),
                ]
        # The update's audit event leaves out telemetry and what the check-out does.
        audited = {name: change for name, change in shown.items() if name not in TELEMETRY}
        audited.pop("status", None)
        if wanted != current:
            audited["status"] = [current, wanted]
        if checkout:
            shown["holder"] = [None, person.label]
            self.plan.checkouts.append((pk, person.pk, person.label, tag, site, wanted))
            self.counts["assignments"]["created"] += 1
        if not shown:
            self.counts["devices"]["unchanged"] += 1
            self.targets[row.line] = (None, pk, stored["updated_at"])
            return
        self.counts["devices"]["updated"] += 1
        self.targets[row.line] = (values, pk, stored["updated_at"])
        self.plan.updates.append((pk, values, audited, tag, site))
        serial = values.get("serial_number", stored["serial_number"])
        self.change(row, serial, tag, "updated", shown)

    def change(self, row: Incoming, serial: str, tag: str, action: str, fields) -> None:
        """List a device's change for the report (`fields` may be a function giving them):
        the first CHANGES_LISTED, and how many there are."""
        self.plan.changes_total += 1
        if len(self.plan.changes) < CHANGES_LISTED:
            self.plan.changes.append(
                {
                    "line": row.line,
                    "serial": serial,
                    "asset_tag": tag,
                    "action": action,
                    "fields": fields() if callable(fields) else fields,
                }
            )

    def check_tags(self) -> None:
        """Every asset tag the file sets must be free once the file is applied."""
        seen: dict[str, int] = {}
        for row, pk, tag, key in self.new_tags:
            lowered = tag.lower()
            if lowered in seen and key == "serial":
                self.problem(
                    row.line,
                    key,
                    f"has no asset tag, and its serial “{tag}” is the asset tag on line "
                    f"{seen[lowered]}",
                )
            seen.setdefault(lowered, row.line)
            owner = self.by_tag.get(lowered)
            if owner is None or owner == pk:
                continue
            if owner in self.final_tags and self.final_tags[owner].lower() != lowered:
                self.plan.tags_move = True  # the owner takes another tag in this file
                continue
            detail = f"the asset tag of another device in Homeroom (serial {self.keys[owner][0]})"
            if key == "serial":
                self.problem(row.line, key, f"has no asset tag, and its serial “{tag}” is {detail}")
            else:
                self.problem(row.line, key, f"“{tag}” is {detail}")

    def plan_models(self) -> None:
        for key, dates in self.aue.items():
            latest = max(dates)
            if len({day for day, _ in dates}) > 1:
                earliest = min(dates)
                self.warn(
                    latest[1],
                    "auto_update",
                    f"{self.model_label[key]} has the auto-update date {earliest[0]} on line "
                    f"{earliest[1]} and {latest[0]} here; {latest[0]} was kept",
                )
            if key in self.plan.models:
                self.plan.models[key].auto_update_through = latest[0]
                continue
            pk = self.model_by_key[key]
            if self.model_update[pk] != latest[0]:
                self.plan.model_updates.append(
                    (pk, self.model_label[key], self.model_update[pk], latest[0])
                )
        self.counts["models"]["created"] = len(self.plan.models)
        self.counts["models"]["updated"] = len(self.plan.model_updates)
        self.counts["manufacturers"]["created"] = len(self.plan.manufacturers)
