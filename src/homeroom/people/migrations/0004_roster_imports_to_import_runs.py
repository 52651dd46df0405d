"""Roster imports now run on core's import lifecycle: every RosterImport is copied into an
ImportRun of kind "oneroster", so the roster's history is kept. The old record's id is kept in
`details["roster_import_id"]`, where the old addresses (/roster/imports/ID/) find it.

An import that was waiting, checking or applying had its task on the old pipeline, which is
gone: it is copied as failed (nothing was changed), to be checked again."""

from django.db import migrations

STATUSES = {"queued": "failed", "checking": "failed", "applying": "failed"}
STOPPED = (
    "Homeroom was updated while this roster waited to be checked or applied; nothing was "
    "changed. Check it again."
)


def copy_imports(apps, schema_editor):
    RosterImport = apps.get_model("people", "RosterImport")
    ImportRun = apps.get_model("core", "ImportRun")
    runs = []
    for old in RosterImport.objects.order_by("pk").iterator(chunk_size=500):
        status = STATUSES.get(old.status, old.status)
        stopped = status == "failed" and old.status != "failed"
        options = {"whole_district": old.whole_district}
        if old.confirmed_deactivations is not None:
            options["confirmed_deactivations"] = old.confirmed_deactivations
        runs.append(
            ImportRun(
                kind="oneroster",
                created_at=old.created_at,
                created_by_id=old.created_by_id,
                interface=old.interface,
                file_name=old.file_name,
                file_path=old.file_path,
                file_sha256=old.file_sha256,
                options=options,
                status=status,
                progress_done=old.progress_done,
                progress_total=old.progress_total,
                progress_note="" if stopped else old.progress_note,
                counts=old.counts or {},
                problems=[STOPPED] if stopped else (old.errors or []),
                warnings=old.warnings or [],
                details={
                    "version": old.version,
                    "modes": old.modes or {},
                    "impact": old.impact or {},
                    "roster_import_id": old.pk,
                },
                checked_at=old.checked_at,
                applied_at=old.applied_at,
                applied_by_id=old.created_by_id if old.status == "applied" else None,
            )
        )
        if len(runs) >= 500:
            ImportRun.objects.bulk_create(runs)
            runs = []
    ImportRun.objects.bulk_create(runs)


def forget_copies(apps, schema_editor):
    ImportRun = apps.get_model("core", "ImportRun")
    ImportRun.objects.filter(kind="oneroster", details__has_key="roster_import_id").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_district_name"),
        ("people", "0003_password_link_request"),
    ]

    operations = [migrations.RunPython(copy_imports, forget_copies)]
