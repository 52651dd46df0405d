"""Apps and AI tools in the API: the catalog, reviews, teachers' requests and the public
list. The same services as the pages, so the same rules."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from homeroom.core.access import PUBLIC, requires
from homeroom.core.pagination import Pages
from homeroom.core.schemas import Id
from homeroom.core.selectors import sites_for
from homeroom.software import exports, provisioning, selectors, services
from homeroom.software.filters import RequestFilter, ToolFilter
from homeroom.software.models import SoftwareSettings
from homeroom.software.schemas import (
    DecisionIn,
    ProvisioningDiffPreviewOut,
    ProvisioningExportIn,
    ProvisioningExportOut,
    PublicListClosed,
    PublicToolOut,
    RequestIn,
    RequestOut,
    RequestStatusIn,
    ReviewOut,
    ReviewPatch,
    ReviewStartIn,
    ToolIn,
    ToolOut,
    ToolPatch,
)

router = Router(tags=["Apps and AI tools"])

VIEW = "software.view_tool"


def _tool(request, tool_id: int):
    return get_object_or_404(
        selectors.tools_for(request.auth).prefetch_related("sites"), pk=tool_id
    )


def _sites(request, ids: list[int]) -> list:
    sites = list(sites_for(request.auth).filter(pk__in=ids))
    if len(sites) != len(set(ids)):
        raise ValidationError({"site_ids": "Give schools you work at."})
    return sites


@router.get("/software/tools", response=list[ToolOut])
@requires(VIEW)
@paginate(Pages)
def list_software_tools(request, filters: Query[ToolFilter]):
    """The catalog, filtered as on its page."""
    tools = filters.filter(selectors.tools_for(request.auth)).prefetch_related("sites")
    return tools.order_by("name", "pk")


@router.get("/software/tools/{int:tool_id}", response=ToolOut)
@requires(VIEW)
def get_software_tool(request, tool_id: Id):
    return _tool(request, tool_id)


@router.post("/software/tools", response={201: ToolOut})
@requires("software.add_tool")
def create_software_tool(request, payload: ToolIn):
    data = payload.dict()
    sites = _sites(request, data.pop("site_ids"))
    tool = services.tool_create(actor=request.auth, sites=sites, **data)
    return Status(201, _tool(request, tool.pk))


@router.patch("/software/tools/{int:tool_id}", response=ToolOut)
@requires("software.change_tool")
def update_software_tool(request, tool_id: Id, payload: ToolPatch):
    tool = _tool(request, tool_id)
    data = payload.dict(exclude_unset=True)
    sites = None
    if "site_ids" in data:
        ids = data.pop("site_ids") or []
        # Schools the caller does not work at are kept as they are.
        mine = sites_for(request.auth)
        sites = [*tool.sites.exclude(pk__in=mine), *_sites(request, ids)]
    services.tool_update(actor=request.auth, tool=tool, sites=sites, **data)
    return _tool(request, tool_id)


@router.get("/software/tools/{int:tool_id}/reviews", response=list[ReviewOut])
@requires("software.view_review")
def list_software_reviews(request, tool_id: Id):
    tool = _tool(request, tool_id)
    return list(selectors.reviews_for(request.auth).filter(tool=tool)[:100])


@router.post("/software/tools/{int:tool_id}/reviews", response={201: ReviewOut})
@requires("software.add_review")
def start_software_review(request, tool_id: Id, payload: ReviewStartIn):
    tool = _tool(request, tool_id)
    return Status(201, services.review_start(actor=request.auth, tool=tool, **payload.dict()))


def _review(request, review_id: int):
    return get_object_or_404(selectors.reviews_for(request.auth), pk=review_id)


@router.get("/software/reviews/{int:review_id}", response=ReviewOut)
@requires("software.view_review")
def get_software_review(request, review_id: Id):
    return _review(request, review_id)


@router.patch("/software/reviews/{int:review_id}", response=ReviewOut)
@requires("software.change_review")
def update_software_review(request, review_id: Id, payload: ReviewPatch):
    """Answer questions of a review in progress (only the ones given)."""
    review = _review(request, review_id)
    return services.review_update(
        actor=request.auth, review=review, **payload.dict(exclude_unset=True)
    )


@router.post("/software/reviews/{int:review_id}/decision", response=ReviewOut)
@requires("software.change_review")
def decide_software_review(request, review_id: Id, payload: DecisionIn):
    """Approve, approve with conditions or deny; the tool takes the decision and the
    teachers who asked for it are emailed."""
    review = _review(request, review_id)
    return services.review_decide(actor=request.auth, review=review, **payload.dict())


@router.get("/software/requests", response=list[RequestOut])
@requires("software.add_toolrequest")
@paginate(Pages)
def list_software_requests(request, filters: Query[RequestFilter]):
    """Reviewers see the requests of their schools; everyone sees their own."""
    return filters.filter(selectors.requests_for(request.auth)).order_by("-created_at", "-pk")


@router.post("/software/requests", response={201: RequestOut})
@requires("software.add_toolrequest")
def create_software_request(request, payload: RequestIn):
    """Ask for a tool; one the district already approved or denied is refused with its
    decision."""
    data = payload.dict()
    site_id = data.pop("site_id")
    site = get_object_or_404(sites_for(request.auth), pk=site_id) if site_id else None
    return Status(201, services.request_create(actor=request.auth, site=site, **data))


@router.post("/software/requests/{int:request_id}/status", response=RequestOut)
@requires("software.add_toolrequest")
def set_software_request_status(request, request_id: Id, payload: RequestStatusIn):
    found = get_object_or_404(selectors.requests_for(request.auth), pk=request_id)
    return services.request_set_status(
        actor=request.auth, tool_request=found, status=payload.status, note=payload.note
    )


def _public(func):
    """Declare an operation open to anyone. (`requires` reads `request.auth`, which an
    operation without authentication does not have.)"""
    func.access_rule = PUBLIC
    return func


@router.get(
    "/software/public", response={200: list[PublicToolOut], 404: PublicListClosed}, auth=None
)
@_public
def public_software_list(request, site_id: int | None = None, grade: str | None = None):
    """The approved tools families may read, when the district publishes them (404 when
    not): what data each collects and the agreement signed; no names of people."""
    if not SoftwareSettings.current().public_list:
        raise Http404("The district does not publish its list of apps.")
    rows = []
    for tool in selectors.public_tools(site_id, grade):
        review = tool.public_review
        rows.append(
            {
                "name": tool.name,
                "vendor": tool.vendor,
                "website": tool.website,
                "category": tool.category,
                "uses_ai": tool.uses_ai,
                "grade_bands": tool.grade_bands,
                "conditions": tool.conditions,
                "data_elements": review.data_elements if review else [],
                "agreement": review.agreement if review else "none",
                "agreement_expires_on": review.agreement_expires_on if review else None,
            }
        )
    return rows


def _provisioning_scope(request, site_id: int | None, term_id: int | None = None):
    """The school asked for (one of the caller's); the district for people who work at
    every site; else the caller's only school. With a term, only its classes."""
    from homeroom.people.models import AcademicSession

    term = None
    if term_id is not None:
        term = get_object_or_404(AcademicSession.objects.filter(is_active=True), pk=term_id)
    if site_id is not None:
        site = get_object_or_404(sites_for(request.auth), pk=site_id)
        return provisioning.Scope(site=site, term=term)
    if request.auth.sees_all_sites:
        return provisioning.Scope(term=term)
    mine = list(sites_for(request.auth).filter(is_active=True)[:2])
    if len(mine) != 1:
        raise ValidationError({"site_id": "Give one of your schools."})
    return provisioning.Scope(site=mine[0], term=term)


def _format(lms_format: str) -> str:
    if lms_format not in provisioning.FORMATS:
        raise Http404(f"No format {lms_format}: use {' or '.join(provisioning.FORMATS)}.")
    return lms_format


@router.get("/software/provisioning/{lms_format}/preview", response=ProvisioningDiffPreviewOut)
@requires("software.export_provisioning")
def preview_software_provisioning(
    request,
    lms_format: str,
    site_id: int | None = None,
    term_id: int | None = None,
    diff: bool = False,
):
    """What the files of `canvas`, `schoology` or `oneroster` would hold: rows per file and problems
    (people left out for want of a username or email). With `diff` (Canvas), the rows that
    changed since the last export; `full` says when there is none to compare with."""
    kind = _format(lms_format)
    scope = _provisioning_scope(request, site_id, term_id)
    return provisioning.preview(kind, exports.prepare(kind, scope, diff=diff))


@router.post("/software/provisioning-exports", response={202: ProvisioningExportOut})
@requires("software.export_provisioning")
def start_software_provisioning_export(request, payload: ProvisioningExportIn):
    """Start an export in the background; poll it, then download its zip."""
    from homeroom.people.models import AcademicSession

    _format(payload.format)
    site = None
    if payload.site_id is not None:
        site = get_object_or_404(sites_for(request.auth), pk=payload.site_id)
    elif not request.auth.sees_all_sites:
        scope = _provisioning_scope(request, None, None)
        site = scope.site
    term = None
    if payload.term_id is not None:
        term = get_object_or_404(AcademicSession.objects.filter(is_active=True), pk=payload.term_id)
    export = exports.export_start(
        actor=request.auth, kind=payload.format, site=site, term=term, diff=payload.diff
    )
    return Status(202, export)


@router.get("/software/provisioning-exports/{int:export_id}", response=ProvisioningExportOut)
@requires("software.export_provisioning")
def get_software_provisioning_export(request, export_id: int):
    """An export's status and progress; `download_url` once it is done."""
    return get_object_or_404(selectors.provisioning_exports_for(request.auth), pk=export_id)


@router.get("/software/provisioning-exports/{int:export_id}/download")
@requires("software.export_provisioning")
def download_software_provisioning_export(request, export_id: int):
    """The finished export's zip."""
    from pathlib import Path

    export = get_object_or_404(selectors.provisioning_exports_for(request.auth), pk=export_id)
    path = Path(export.file_path) if export.file_path else None
    if export.status != "done" or path is None or not path.is_file():
        raise Http404("This export has no file (not finished yet, or deleted).")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)


@router.get("/software/provisioning/{lms_format}")
@requires("software.export_provisioning")
def export_software_provisioning(
    request, lms_format: str, site_id: int | None = None, term_id: int | None = None
):
    """The files as a zip, streamed (`canvas`: Canvas SIS import CSVs; `schoology`: its user
    and enrollment imports; `oneroster`: a OneRoster 1.1 CSV set)."""
    kind = _format(lms_format)
    scope = _provisioning_scope(request, site_id, term_id)
    where = scope.site.code if scope.site is not None else "district"
    response = StreamingHttpResponse(
        provisioning.stream_zip(kind, scope), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{where}.zip"'
    return response
