"""/api/v1/imports: every registered import format through one API, the format named by
`kind`. Upload a file, poll the run, apply it, check it again. The formats' older routes
(/imports/oneroster, /imports/devices) keep working beside it."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from homeroom.core import import_services as services
from homeroom.core.access import requires
from homeroom.core.api import router
from homeroom.core.exceptions import Conflict, form_refusal
from homeroom.core.import_formats import ANY_IMPORT, ANY_IMPORT_USE, format_for
from homeroom.core.import_views import UploadForm, split_options
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id

TAGS = ["Imports"]


class ImportRunOut(Schema):
    id: int
    kind: str
    kind_label: str
    created_at: datetime.datetime
    created_by: str | None
    site_id: int | None
    file_name: str
    file_sha256: str
    options: dict
    mappings: dict
    status: str
    percent: int
    progress_note: str
    rows: int
    counts: dict
    problems: list[str] = Field(description="What stops the import: `file:line: column: message`.")
    warnings: list[str] = Field(description="Accepted but worth a look, in the same form.")
    preview: list[dict] = Field(description="The first changes, as the format describes them.")
    preview_total: int
    checked_at: datetime.datetime | None
    applied_at: datetime.datetime | None

    @staticmethod
    def resolve_created_by(run) -> str | None:
        return run.created_by.username if run.created_by else None


class ImportRunFilter(Schema):
    kind: str | None = Field(None, max_length=40, description="Only runs of this kind.")


class ImportRunIn(Schema):
    kind: str = Field(max_length=40, description="The import format, e.g. closed-days.")
    options: str = Field(
        "{}", max_length=10_000, description="The format's options as a JSON object."
    )
    dry_run: bool = Field(True, description="Only check; false applies a clean file too.")


@router.get("/imports", response=list[ImportRunOut], tags=TAGS)
@requires(ANY_IMPORT)
@paginate(Pages)
def list_imports(request, filters: Query[ImportRunFilter]):
    return services.import_runs_for(request.auth, kind=filters.kind or None)


@router.get("/imports/{int:run_id}", response=ImportRunOut, tags=TAGS)
@requires(ANY_IMPORT)
def get_import(request, run_id: Id):
    return get_object_or_404(services.import_runs_for(request.auth), pk=run_id)


@router.post("/imports", response={202: ImportRunOut}, tags=TAGS)
@requires(ANY_IMPORT_USE)
def upload_import(request, file: File[UploadedFile], payload: Form[ImportRunIn]):
    """Upload a file of any import format. It is checked in the background; with
    `dry_run=false` it is applied as soon as the check finds no problems. Poll the run."""
    found = format_for(payload.kind)
    if found is None:
        raise ValidationError({"kind": [f"Homeroom has no “{payload.kind}” import."]})
    chosen = _json_object(payload.options, "options", "the options")
    upload = UploadForm(files={"file": file}, found=found)
    if not upload.is_valid():
        raise form_refusal(upload)
    options, site = {}, None
    if found.options_form is not None:
        form = found.options_form(chosen, user=request.auth)
        if not form.is_valid():
            raise form_refusal(form)
        options, site = split_options(form.cleaned_data)
    run = services.import_run_upload(
        actor=request.auth,
        kind=found.kind,
        upload=upload.cleaned_data["file"],
        site=site,
        options=options,
        apply=not payload.dry_run,
    )
    return Status(202, run)


class ImportApplyIn(Schema):
    answers: str = Field(
        "{}",
        max_length=10_000,
        description="What the format's Apply asks for, as a JSON object (e.g. a roster that "
        'makes many people inactive: {"confirm_deactivations": 540}).',
    )


def _json_object(text: str, name: str, what: str) -> dict:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise ValidationError({name: [f"Give {what} as a JSON object."]})
    return found


@router.post("/imports/{int:run_id}/apply", response={202: ImportRunOut}, tags=TAGS)
@requires(ANY_IMPORT_USE)
def apply_import(request, run_id: Id, payload: Form[ImportApplyIn]):
    run = get_object_or_404(services.import_runs_for(request.auth), pk=run_id)
    answers = _json_object(payload.answers, "answers", "the answers")
    return Status(202, services.import_run_queue_apply(run, actor=request.auth, answers=answers))


@router.post("/imports/{int:run_id}/check", response={202: ImportRunOut}, tags=TAGS)
@requires(ANY_IMPORT_USE)
def check_import_again(request, run_id: Id):
    run = get_object_or_404(services.import_runs_for(request.auth), pk=run_id)
    if run.status == services.S.UPLOADED:
        raise Conflict("Choose the mapping first.")
    return Status(202, services.import_run_check_again(run, actor=request.auth))
