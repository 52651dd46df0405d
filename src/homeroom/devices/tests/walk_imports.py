"""The authorization walk's samples for device imports (merged in walk.py): an import run of a
Google Admin file as the old pages knew it (its old id kept), and saved value mappings. The
generic import pages are walked kind by kind by core's samples."""

from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core.models import ImportRun
from homeroom.core.testing import WalkSamples
from homeroom.devices.models import ImportValueMapping

GOOGLE_FILE = b"serialNumber,annotatedAssetId,model\nWALK-CROS-1,WALK-C1,Acer Chromebook 311\n"
OLD_ID = 4242  # the id a device import had before it moved onto core's lifecycle


def import_samples(base) -> WalkSamples:
    def checked_import(old_id: int | None = None) -> int:
        return ImportRun.objects.create(
            kind="google-devices",
            file_name="walk.csv",
            file_path="/nonexistent/walk.csv",
            file_sha256="0" * 64,
            site=base.site,
            status="checked",
            details={
                "unmapped": [{"field": "org_unit", "value": "/Walk", "rows": 1, "line": 2}],
                **({"device_import_id": old_id} if old_id else {}),
            },
        ).pk

    record = ImportRun.objects.get(pk=checked_import(OLD_ID))
    pages = ("detail", "mapping", "problems", "apply", "recheck", "map_values")
    made = iter(range(1, 1_000_000))

    def saved_mapping() -> int:
        """A new one each time: removing it deletes it."""
        return ImportValueMapping.objects.create(
            source="google-devices", field="org_unit", value=f"/Walk/{next(made)}", site=base.site
        ).pk

    return WalkSamples(
        by_url_name={
            **{f"devices:import_{page}": OLD_ID for page in pages},
            # Mapping values checks the import again, so each call needs a checked one.
            "api:map_device_import_values": checked_import,
            "devices:value_mapping_edit": saved_mapping,
            "devices:value_mapping_remove": saved_mapping,
        },
        by_key={"device_import_id": record.pk, "mapping_id": saved_mapping},
        bodies={
            "upload_device_import": lambda: {
                "file": SimpleUploadedFile("cros.csv", GOOGLE_FILE, "text/csv"),
                "kind": "google-devices",
                "dry_run": "true",
            },
            "apply_device_import": {},
            "remove_value_mapping": {},
            "map_device_import_values": {
                "mappings": [{"field": "org_unit", "value": "/Walk", "site": base.site.code}]
            },
        },
    )
