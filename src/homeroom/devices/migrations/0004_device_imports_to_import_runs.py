"""Device imports now run on core's import lifecycle: every DeviceImport is copied into an
ImportRun, so the history of device files is kept. The old record's id is kept in
`details["device_import_id"]`, where the old addresses (/devices/imports/ID/) find it.

An import that was waiting, checking or applying had its task on the old pipeline, which is
gone: it is copied as failed (nothing was changed), to be checked again."""

from django.db import migrations

PREVIEW_ROWS = 200
KINDS = {"csv": "devices-csv"}
STATUSES = {"mapping": "uploaded", "queued": "failed", "checking": "failed", "applying": "failed"}
STOPPED = (
    "Homeroom was updated while this file waited to be checked or applied; nothing was "
    "changed. Check it again."
)


def copy_imports(apps, schema_editor):
    DeviceImport = apps.get_model("devices", "DeviceImport")
    ImportRun = apps.get_model("core", "ImportRun")
    runs = []
    for old in DeviceImport.objects.order_by("pk").iterator(chunk_size=500):
        status = STATUSES.get(old.status, old.status)
        stopped = status == "failed" and old.status != "failed"
        options = {} if old.kind == "google-devices" else {"default_category": old.default_category}
        runs.append(
            ImportRun(
                kind=KINDS.get(old.kind, old.kind),
                created_at=old.created_at,
                created_by_id=old.created_by_id,
                interface=old.interface,
                site_id=old.site_id,
                file_name=old.file_name,
                file_path=old.file_path,
                file_sha256=old.file_sha256,
                options=options,
                mappings=old.mapping or {},
                status=status,
                progress_done=old.progress_done,
                progress_total=old.progress_total,
                progress_note="" if stopped else old.progress_note,
                counts=old.counts or {},
                problems=[STOPPED] if stopped else (old.errors or []),
                warnings=old.warnings or [],
                preview=(old.changes or [])[:PREVIEW_ROWS],
                preview_total=old.changes_total,
                details={"unmapped": old.unmapped or [], "device_import_id": old.pk},
                checked_at=old.checked_at,
                applied_at=old.applied_at,
                applied_by_id=old.applied_by_id,
            )
        )
        if len(runs) >= 500:
            ImportRun.objects.bulk_create(runs)
            runs = []
    ImportRun.objects.bulk_create(runs)


def forget_copies(apps, schema_editor):
    ImportRun = apps.get_model("core", "ImportRun")
    ImportRun.objects.filter(
        kind__in=["google-devices", "snipeit-assets", "devices-csv"],
        details__has_key="device_import_id",
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_importrun_details"),
        ("devices", "0003_value_mappings"),
    ]

    operations = [migrations.RunPython(copy_imports, forget_copies)]
