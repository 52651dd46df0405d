import datetime
import json
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core.choices import ImportRunStatus
from homeroom.core.import_formats import formats, usable_kinds, viewable_kinds
from homeroom.core.models import ClosedDay, ImportRun
from homeroom.core.testing import WalkSamples

HOURS = {"school_days": ["monday", "tuesday"], "opens_at": "08:00", "closes_at": "15:00"}


def samples(base) -> WalkSamples:
    def closed_day():
        return ClosedDay.objects.create(
            site=base.site,
            starts_on=datetime.date(2026, 12, 24),
            ends_on=datetime.date(2026, 12, 24),
            reason="Walk closed day",
        ).pk

    folder = Path(tempfile.mkdtemp(prefix="homeroom-walk-imports-"))

    def new_import_run(kind: str) -> int:
        """A checked run of `kind` at the walk's site, its example file stored."""
        found = formats()[kind]
        path = folder / f"{kind}-{ImportRun.objects.count()}-{found.example_name or 'file'}"
        path.write_bytes(found.example)
        return ImportRun.objects.create(
            kind=kind,
            site=base.site,
            file_name=path.name,
            file_path=str(path),
            file_sha256="0" * 64,
            status=ImportRunStatus.CHECKED,
        ).pk

    def kind_for_walker(usable: bool = True) -> str | None:
        """A kind the walking user may see (and use, when one is usable), else any kind."""
        seen = viewable_kinds(base.walk_user)
        used = [kind for kind in usable_kinds(base.walk_user) if kind in seen]
        return (used or seen or list(formats()) or [None])[0]

    def run_for_walker():
        kind = kind_for_walker()
        return new_import_run(kind) if kind else 1

    def upload_for_walker():
        kind = kind_for_walker()
        if kind is None:
            return {"kind": "none", "file": SimpleUploadedFile("none", b"none")}
        found = formats()[kind]
        options = {}
        if found.options_form is not None and "site" in found.options_form.base_fields:
            options["site"] = base.site.code
        return {
            "kind": kind,
            "file": SimpleUploadedFile(found.example_name or "file", found.example),
            "options": json.dumps(options),
        }

    base.new_import_run = new_import_run
    return WalkSamples(
        by_url_name={
            "core:site_hours_edit": base.site.pk,
            "core:closed_day_delete": closed_day,
        },
        by_key={"closed_day_id": closed_day, "run_id": run_for_walker},
        bodies={
            "update_district_calendar": HOURS,
            "update_site_calendar": HOURS,
            "add_closed_day": {
                "site_id": base.site.pk,
                "starts_on": "2026-12-31",
                "reason": "Walk closed day",
            },
            "delete_closed_day": {},
            "upload_import": upload_for_walker,
            "apply_import": {},
            "check_import_again": {},
        },
    )
