"""The device files as import formats on core's one lifecycle (core.import_formats): a Google
Admin ChromeOS device list, a Snipe-IT asset export, and any other CSV file whose columns are
matched by hand in its mapping step. Registered in devices/registrations.py.

Each keeps its own reading and rules (`run.check_file`, `plan`, `apply`); core records the
upload, checks it in the background, shows the preview and applies it. The mapping step of a
Google Admin or Snipe-IT file names a site or a kind of device for the values its check found
matching nothing; those choices are saved (ImportValueMapping) for every later import."""

from pathlib import Path

from django.urls import reverse

from homeroom.core.access import Rule
from homeroom.core.choices import AuditInterface
from homeroom.core.import_formats import ImportFormat, Plan
from homeroom.devices.choices import DeviceImportKind, DeviceStatus
from homeroom.devices.importers import generic, services
from homeroom.devices.importers.forms import (
    DeviceOptions,
    GoogleOptions,
    MappingForm,
    UnmappedForm,
)
from homeroom.devices.importers.run import (
    GOOGLE,
    SNIPEIT,
    Kind,
    Read,
    check_file,
    data_lines,
    read_file,
    write_plan,
)
from homeroom.devices.importers.sniff import CSV, NotADeviceFile, preview

VIEW = Rule("devices.view_deviceimport")
USE = Rule("devices.add_deviceimport")
CHANGES_SHOWN = 200
COUNT_LABELS = {
    "devices": "Devices",
    "models": "Models",
    "manufacturers": "Manufacturers",
    "assignments": "Check-outs",
}
FIELD_NAMES = {
    "asset_tag": "Asset tag",
    "serial_number": "Serial number",
    "model": "Model",
    "site": "Site",
    "status": "Status",
    "holder": "Checked out to",
    "mac_addresses": "MAC addresses",
    "os_version": "OS version",
    "org_unit_path": "Org unit path",
    "last_sync": "Last sync",
    "home_room": "Home room",
}


class DeviceFormat(ImportFormat):
    """What the three device files share; a subclass names its `Kind` of rows."""

    view_rule = VIEW
    use_rule = USE
    refusal = "Your role does not import device files."
    accept = ".csv,text/csv"
    options_form = DeviceOptions
    recheck_with_options = True
    preview_columns = (
        ("line", "Line"),
        ("asset_tag", "Asset tag"),
        ("serial", "Serial"),
        ("action", "Change"),
    )
    detail_template = "devices/imports/run_details.html"
    example_name = "devices.csv"
    example = b"serialNumber,annotatedAssetId,model\nWALK-CROS-1,WALK-C1,Acer Chromebook 311\n"

    def rows_kind(self, run) -> Kind:
        raise NotImplementedError

    def read_head(self, head: bytes, name: str) -> str:
        try:
            preview(head, self.kind)
        except NotADeviceFile as error:
            return str(error)
        return ""

    def count(self, path) -> int:
        return data_lines(Path(path))

    def _options(self, run) -> dict:
        if self.kind == DeviceImportKind.GOOGLE:
            return {}
        return {"default_category": run.options.get("default_category", "")}

    def prepare(self, run, path, *, progress) -> Read:
        return read_file(
            self.rows_kind(run),
            path,
            site_code=run.site.code if run.site else None,
            progress=progress,
            applying=run.status == "applying",
            **self._options(run),
        )

    def check(self, run, path, *, actor, progress, prepared: Read | None = None) -> Plan:
        checked = check_file(
            self.rows_kind(run),
            path,
            site_code=run.site.code if run.site else None,
            actor=actor,
            progress=progress,
            applying=run.status == "applying",
            read=prepared,
            **self._options(run),
        )
        outcome = checked.outcome
        # A run made on the command line says what to do in its options (--site, --category).
        words = str if run.interface == AuditInterface.CLI else services.in_web_words
        return Plan(
            problems=[words(message) for message in outcome.errors],
            warnings=[words(message) for message in outcome.warnings],
            counts=outcome.counts,
            # Each change's fields as [name, [old, new]] pairs: PostgreSQL's jsonb would keep
            # a dict's keys in an order of its own, not the order they are shown in.
            changes=[
                {**change, "fields": list(change["fields"].items())} for change in outcome.changes
            ],
            changes_total=outcome.changes_total,
            details={"unmapped": outcome.unmapped},
            data=checked,
        )

    def apply(self, run, plan: Plan, *, actor) -> dict:
        write_plan(self.rows_kind(run), plan.data, actor=actor)
        return plan.counts

    def applied_message(self, run) -> str:
        return services.summary(run.counts)

    def summary(self, run) -> str:
        devices = run.counts.get("devices")
        if run.problems or not devices:
            return ""
        text = (
            f"{devices.get('created', 0)} new, {devices.get('updated', 0)} updated, "
            f"{devices.get('unchanged', 0)} unchanged"
        )
        checked_out = run.counts.get("assignments", {}).get("created")
        return f"{text}; {checked_out} checked out" if checked_out else text

    def detail_context(self, request, run) -> dict:
        unmapped_form = None
        if (
            self.mapping_form is UnmappedForm
            and run.details.get("unmapped")
            and run.status in {"checked", "rejected", "failed"}
            and self.use_rule.allows(request.user)
        ):
            unmapped_form = UnmappedForm(run=run, user=request.user)
        return {
            "unmapped_form": unmapped_form,
            "device_counts": [
                (label, run.counts[key]) for key, label in COUNT_LABELS.items() if key in run.counts
            ],
            "device_changes": [change_row(change) for change in run.preview[:CHANGES_SHOWN]],
            "device_changes_hidden": run.preview_total - min(len(run.preview), CHANGES_SHOWN),
            "applied_link": ("See the devices", reverse("devices:device_list")),
            "matched_columns": [
                (generic.FIELD_LABELS.get(key, key), column)
                for key, column in run.mappings.items()
                if self.kind == CSV
            ],
        }


class GoogleDevices(DeviceFormat):
    kind = DeviceImportKind.GOOGLE.value
    label = "Google Admin device list"
    description = (
        "A ChromeOS device list from the Google Admin console (Devices → Chrome → Devices → "
        "Download) or from GAM (print cros), saved as CSV."
    )
    options_form = GoogleOptions
    mapping_form = UnmappedForm
    mapping_template = "devices/imports/values_mapping.html"
    mapping_saved = "Saved for this and later imports. Checking the file again."
    mapping_event = "Values mapped"
    mapping_link = ""

    def rows_kind(self, run) -> Kind:
        return GOOGLE

    def save_mappings(self, run, mappings, *, actor) -> dict:
        services.import_values_map(run, actor=actor, chosen=mappings.get("values", []))
        return run.mappings


class SnipeitAssets(GoogleDevices):
    kind = DeviceImportKind.SNIPEIT.value
    label = "Snipe-IT asset export"
    description = "An asset export from Snipe-IT (Assets → Export, CSV)."
    options_form = DeviceOptions

    def rows_kind(self, run) -> Kind:
        return SNIPEIT


class DevicesCsv(DeviceFormat):
    kind = CSV
    label = "CSV file of devices"
    description = (
        "Any other spreadsheet of devices saved as CSV: you match its columns to Homeroom's "
        "fields next."
    )
    mapping_form = MappingForm
    mapping_template = "devices/imports/import_mapping.html"
    mapping_saved = "Columns matched. Checking the file now."
    mapping_event = "Columns matched"
    mapping_link = "Change the matched columns"

    def needs_mapping(self, run) -> bool:
        return not run.mappings

    def rows_kind(self, run) -> Kind:
        return generic.kind_for(run.mappings)


FORMATS = (GoogleDevices(), SnipeitAssets(), DevicesCsv())


def change_row(change: dict) -> dict:
    """One device's change in words: “Status: In stock → Deployed”."""
    shown = []
    for name, (old, new) in change_fields(change).items():
        if name == "asset_tag" and old is None:
            continue  # the tag is its own column
        label = FIELD_NAMES.get(name) or _verbose(name)
        if name == "status":
            old, new = _status(old), _status(new)
        shown.append((label, "" if old in (None, "") else str(old), str(new or "")))
    return {**change, "shown": shown}


def change_fields(change: dict) -> dict:
    """A stored change's fields, {name: [old, new]} in the order they are shown."""
    return dict(change.get("fields") or [])


def _verbose(name: str) -> str:
    from django.core.exceptions import FieldDoesNotExist

    from homeroom.devices.models import Device

    try:
        return str(Device._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def _status(value):
    return DeviceStatus(value).label if value in DeviceStatus.values else value
