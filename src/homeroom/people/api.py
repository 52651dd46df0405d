from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from homeroom.core.access import SIGNED_IN, requires
from homeroom.core.exceptions import form_refusal
from homeroom.core.import_formats import format_for
from homeroom.core.import_services import import_run_queue_apply, import_run_upload, import_runs_for
from homeroom.core.import_views import UploadForm
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.people import selectors
from homeroom.people.filters import ClassFilter, EnrollmentFilter, PersonFilter
from homeroom.people.models import Enrollment
from homeroom.people.oneroster.format import KIND
from homeroom.people.schemas import (
    ClassOut,
    EnrollmentOut,
    ImportOptions,
    PersonOut,
    RosterImportOut,
)

router = Router(tags=["Accounts"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    roles: list[str]
    site_ids: list[int] | None


@router.get("/me", response=MeOut)
@requires(SIGNED_IN)
def me(request):
    """The account behind the token or session; `site_ids` is null when it sees every site."""
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "roles": user.role_names,
        "site_ids": None if user.sees_all_sites else list(user.sites.values_list("pk", flat=True)),
    }


@router.get("/people", response=list[PersonOut], tags=["People"])
@requires("people.view_person")
@paginate(Pages)
def list_people(request, filters: Query[PersonFilter]):
    return filters.filter(selectors.people_for(request.auth)).order_by(
        "family_name", "given_name", "pk"
    )


@router.get("/people/{person_id}", response=PersonOut, tags=["People"])
@requires("people.view_person")
def get_person(request, person_id: Id):
    return get_object_or_404(selectors.people_for(request.auth), pk=person_id)


@router.get("/classes", response=list[ClassOut], tags=["People"])
@requires("people.view_schoolclass")
@paginate(Pages)
def list_classes(request, filters: Query[ClassFilter]):
    return filters.filter(selectors.classes_for(request.auth)).prefetch_related("terms")


@router.get("/classes/{class_id}", response=ClassOut, tags=["People"])
@requires("people.view_schoolclass")
def get_class(request, class_id: Id):
    return get_object_or_404(
        selectors.classes_for(request.auth).prefetch_related("terms"), pk=class_id
    )


@router.get("/enrollments", response=list[EnrollmentOut], tags=["People"])
@requires("people.view_schoolclass")
@paginate(Pages)
def list_enrollments(request, filters: Query[EnrollmentFilter]):
    enrollments = Enrollment.objects.filter(
        school_class__in=selectors.classes_for(request.auth).values("pk"),
        person__in=selectors.people_for(request.auth).values("pk"),
    ).order_by("pk")
    return filters.filter(enrollments)


# The roster's own import routes, kept for the clients that use them: they run on core's
# import lifecycle (/api/v1/imports, kind "oneroster") and answer in the shape they always had.
def _roster_runs(user):
    return import_runs_for(user, kind=KIND)


@router.get("/imports/oneroster", response=list[RosterImportOut], tags=["Imports"])
@requires("people.view_rosterimport")
@paginate(Pages)
def list_roster_imports(request):
    return _roster_runs(request.auth)


@router.get("/imports/oneroster/{import_id}", response=RosterImportOut, tags=["Imports"])
@requires("people.view_rosterimport")
def get_roster_import(request, import_id: Id):
    return get_object_or_404(_roster_runs(request.auth), pk=import_id)


@router.post("/imports/oneroster", response={202: RosterImportOut}, tags=["Imports"])
@requires("people.add_rosterimport")
def upload_roster(request, file: File[UploadedFile], options: Form[ImportOptions]):
    """Upload a OneRoster zip (district admins only). It is checked in the background; with
    `dry_run=false` it is applied as soon as the check finds no problems and, when it makes
    more than a fifth of a school's people or any school inactive, `confirm_deactivations`
    is that number of people. Poll the import for its status and `impact`."""
    form = UploadForm(files={"file": file}, found=format_for(KIND))
    if not form.is_valid():
        raise form_refusal(form)
    run_options = {"whole_district": options.whole_district}
    if options.confirm_deactivations is not None:
        run_options["confirmed_deactivations"] = options.confirm_deactivations
    run = import_run_upload(
        actor=request.auth,
        kind=KIND,
        upload=form.cleaned_data["file"],
        options=run_options,
        apply=not options.dry_run,
    )
    return Status(202, run)


@router.post(
    "/imports/oneroster/{import_id}/apply", response={202: RosterImportOut}, tags=["Imports"]
)
@requires("people.add_rosterimport")
def apply_roster(request, import_id: Id, confirm_deactivations: int | None = None):
    """Apply a checked import. When its `impact` says `needs_confirmation`, pass
    `?confirm_deactivations=` with the number of people it makes inactive."""
    run = get_object_or_404(_roster_runs(request.auth), pk=import_id)
    answers = (
        {} if confirm_deactivations is None else {"confirm_deactivations": confirm_deactivations}
    )
    return Status(202, import_run_queue_apply(run, actor=request.auth, answers=answers))
