from ninja import ModelSchema, Schema

from homeroom.devices.models import DeviceImport, ImportValueMapping

SUMMARY_FIELDS = [
    "id",
    "created_at",
    "interface",
    "kind",
    "file_name",
    "file_sha256",
    "default_category",
    "mapping",
    "status",
    "progress_done",
    "progress_total",
    "progress_note",
    "counts",
    "errors",
    "warnings",
    "changes_total",
    "unmapped",
    "checked_at",
    "applied_at",
]


def _username(user) -> str | None:
    return user.username if user else None


class DeviceImportSummaryOut(ModelSchema):
    """An import in the list: everything but the device by device changes."""

    created_by: str | None
    site: str | None
    percent: int

    class Meta:
        model = DeviceImport
        fields = SUMMARY_FIELDS

    @staticmethod
    def resolve_created_by(record) -> str | None:
        return _username(record.created_by)

    @staticmethod
    def resolve_site(record) -> str | None:
        return record.site.code if record.site else None


class DeviceImportOut(ModelSchema):
    """An import with the first devices it changes (or would change)."""

    created_by: str | None
    site: str | None
    percent: int

    class Meta:
        model = DeviceImport
        fields = [*SUMMARY_FIELDS, "changes"]

    @staticmethod
    def resolve_created_by(record) -> str | None:
        return _username(record.created_by)

    @staticmethod
    def resolve_site(record) -> str | None:
        return record.site.code if record.site else None


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
