"""The authorization walk's samples for device imports (merged in walk.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core.testing import WalkSamples
from homeroom.devices.models import DeviceImport

GOOGLE_FILE = b"serialNumber,annotatedAssetId,model\nWALK-CROS-1,WALK-C1,Acer Chromebook 311\n"


def import_samples(base) -> WalkSamples:
    record = DeviceImport.objects.create(
        kind="google-devices",
        file_name="walk.csv",
        file_path="/nonexistent/walk.csv",
        file_sha256="0" * 64,
        site=base.site,
        status="checked",
    )
    pages = ("detail", "mapping", "problems", "apply", "recheck")
    return WalkSamples(
        by_url_name={f"devices:import_{page}": record.pk for page in pages},
        by_key={"device_import_id": record.pk},
        bodies={
            "upload_device_import": lambda: {
                "file": SimpleUploadedFile("cros.csv", GOOGLE_FILE, "text/csv"),
                "kind": "google-devices",
                "dry_run": "true",
            },
            "apply_device_import": {},
        },
    )
