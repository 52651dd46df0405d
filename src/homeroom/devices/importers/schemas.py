"""The device imports API's shapes: the old /api/v1/imports/devices routes, which answer from
core's import runs, and the saved value mappings."""

import datetime

from ninja import ModelSchema, Schema

from homeroom.devices.importers.formats import change_fields
from homeroom.devices.models import ImportValueMapping


def _username(user) -> str | None:
    return user.username if user else None


# The statuses and kinds of core's import runs as the device imports API has always named them.
OLD_STATUS = {"uploaded": "mapping"}
OLD_KIND = {"devices-csv": "csv"}


class DeviceImportSummaryOut(Schema):
    """A device import in the list: everything but the device by device changes. The same
    import is at /api/v1/imports/{id} in the shape every import format shares."""

    id: int
    created_at: datetime.datetime
    interface: str
    kind: str
    file_name: str
    file_sha256: str
    default_category: str
    mapping: dict
    status: str
    progress_done: int
    progress_total: int
    progress_note: str
    counts: dict
    errors: list[str]
    warnings: list[str]
    changes_total: int
    unmapped: list[dict]
    checked_at: datetime.datetime | None
    applied_at: datetime.datetime | None
    created_by: str | None
    site: str | None
    percent: int

    @staticmethod
    def resolve_kind(run) -> str:
        return OLD_KIND.get(run.kind, run.kind)

    @staticmethod
    def resolve_default_category(run) -> str:
        return run.options.get("default_category", "")

    @staticmethod
    def resolve_mapping(run) -> dict:
        return run.mappings if run.kind == "devices-csv" else {}

    @staticmethod
    def resolve_status(run) -> str:
        if run.status == "checking" and run.progress_note == "Waiting for the worker":
            return "queued"
        return OLD_STATUS.get(run.status, run.status)

    @staticmethod
    def resolve_errors(run) -> list[str]:
        return run.problems

    @staticmethod
    def resolve_changes_total(run) -> int:
        return run.preview_total

    @staticmethod
    def resolve_unmapped(run) -> list[dict]:
        return run.details.get("unmapped", [])

    @staticmethod
    def resolve_created_by(run) -> str | None:
        return _username(run.created_by)

    @staticmethod
    def resolve_site(run) -> str | None:
        return run.site.code if run.site else None


class DeviceImportOut(DeviceImportSummaryOut):
    """A device import with the first devices it changes (or would change)."""

    changes: list[dict]

    @staticmethod
    def resolve_changes(run) -> list[dict]:
        return [{**change, "fields": change_fields(change)} for change in run.preview]


class DeviceImportOptions(Schema):
    """`kind`: google-devices, snipeit-assets or csv. `site`: the code of the site for new
    devices whose row names none. `category`: the kind of device of new models that tell
    none. `mapping` (csv only): JSON such as {"serial_number": "Serial", "asset_tag": "Tag"};
    without it Homeroom uses its own guess, which the answer shows. With `dry_run` false the
    file is applied as soon as its check finds no problems."""

    kind: str
    dry_run: bool = True
    site: str = ""
    category: str = ""
    mapping: str = ""


class ValueChoice(Schema):
    """What one value of the file stands for. `field`: org_unit, location (Google) or
    location, category (Snipe-IT); `value` as the import's `unmapped` lists it; then `site`
    (a site's code) and for a Snipe-IT location optionally `room` (its number), or
    `category` (a kind of device)."""

    field: str
    value: str
    site: str = ""
    room: str = ""
    category: str = ""


class ValueChoices(Schema):
    mappings: list[ValueChoice]


class ValueMappingOut(ModelSchema):
    """A saved mapping that every later import uses."""

    site: str | None
    room: str | None
    updated_by: str | None

    class Meta:
        model = ImportValueMapping
        fields = ["id", "source", "field", "value", "category", "updated_at"]

    @staticmethod
    def resolve_site(mapping) -> str | None:
        return mapping.site.code if mapping.site else None

    @staticmethod
    def resolve_room(mapping) -> str | None:
        return mapping.room.number if mapping.room else None

    @staticmethod
    def resolve_updated_by(mapping) -> str | None:
        return _username(mapping.updated_by)
