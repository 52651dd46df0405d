from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from homeroom.core.access import SIGNED_IN, requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.people import imports, selectors
from homeroom.people.filters import ClassFilter, EnrollmentFilter, PersonFilter
from homeroom.people.forms import RosterUploadForm
from homeroom.people.models import Enrollment
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


@router.get("/imports/oneroster", response=list[RosterImportOut], tags=["Imports"])
@requires("people.view_rosterimport")
@paginate(Pages)
def list_roster_imports(request):
    return selectors.imports_for(request.auth)


@router.get("/imports/oneroster/{import_id}", response=RosterImportOut, tags=["Imports"])
@requires("people.view_rosterimport")
def get_roster_import(request, import_id: Id):
    return get_object_or_404(selectors.imports_for(request.auth), pk=import_id)


@router.post("/imports/oneroster", response={202: RosterImportOut}, tags=["Imports"])
@requires("people.add_rosterimport")
def upload_roster(request, file: File[UploadedFile], options: Form[ImportOptions]):
    """Upload a OneRoster zip (district admins only). It is checked in the background; with
    `dry_run=false` it is applied as soon as the check finds no problems and, when it makes
    more than a fifth of a school's people or any school inactive, `confirm_deactivations`
    is that number of people. Poll the import for its status and `impact`."""
    form = RosterUploadForm(files={"file": file})
    if not form.is_valid():
        raise ValidationError(
            {
                name: [error["message"] for error in errors]
                for name, errors in form.errors.get_json_data().items()
            }
        )
    record = imports.roster_import_upload(
        actor=request.auth,
        upload=form.cleaned_data["file"],
        apply=not options.dry_run,
        whole_district=options.whole_district,
        confirm_deactivations=options.confirm_deactivations,
    )
    return Status(202, record)


@router.post(
    "/imports/oneroster/{import_id}/apply", response={202: RosterImportOut}, tags=["Imports"]
)
@requires("people.add_rosterimport")
def apply_roster(request, import_id: Id, confirm_deactivations: int | None = None):
    """Apply a checked import. When its `impact` says `needs_confirmation`, pass
    `?confirm_deactivations=` with the number of people it makes inactive."""
    record = get_object_or_404(selectors.imports_for(request.auth), pk=import_id)
    return Status(
        202,
        imports.roster_import_queue_apply(
            record, actor=request.auth, confirm_deactivations=confirm_deactivations
        ),
    )
