from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.core import roles
from homeroom.core.access import PUBLIC, access
from homeroom.core.charts import bar_chart
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.forms import form_errors
from homeroom.core.lists import csv_response, export_response, paginate
from homeroom.core.models import AuditEvent, Site
from homeroom.core.selectors import audit_events_for, sites_for
from homeroom.people.models import Person, User
from homeroom.software import exports, provisioning, selectors, services
from homeroom.software.choices import (
    OPEN_REQUESTS,
    REQUEST_TRANSITIONS,
    Category,
    Decision,
    ExportStatus,
    GradeBand,
    RequestStatus,
    ReviewStatus,
)
from homeroom.software.filters import RequestFilter, ToolFilter
from homeroom.software.forms import (
    DecideForm,
    LicenceForm,
    RequestForm,
    RequestStatusForm,
    ReviewForm,
    ReviewStartForm,
    SettingsForm,
    ToolForm,
)
from homeroom.software.models import Licence, SoftwareSettings
from homeroom.software.rules import USES_APPS

VIEW = "software.view_tool"
TOOL_FIELDS = [
    "name",
    "vendor",
    "website",
    "category",
    "uses_ai",
    "description",
    "grade_bands",
    "subjects",
    "sign_in",
    "rostering",
    "platforms",
    "extension_ids",
    "sign_in_help",
    "owner",
    "champion",
]


def _tool(request, pk: int):
    return get_object_or_404(
        selectors.tools_for(request.user).select_related("owner", "champion"), pk=pk
    )


EXPORT_HEADER = [
    "Name",
    "Vendor",
    "Website",
    "Category",
    "Uses AI",
    "Decision",
    "Conditions",
    "Grades",
    "Subjects",
    "Sign-in",
    "Rostering",
    "Platforms",
    "Schools",
]


def _export_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def _export_rows(tools):
    """One row per tool as the filters show them, streamed in batches."""
    tools = tools.order_by("name", "pk").prefetch_related("sites")
    for tool in tools.iterator(chunk_size=500):
        schools = (
            "Every school"
            if tool.all_schools
            else "; ".join(sorted(site.name for site in tool.sites.all()))
        )
        yield [
            tool.name,
            tool.vendor,
            tool.website,
            tool.get_category_display(),
            "yes" if tool.uses_ai else "no",
            tool.get_decision_display(),
            tool.conditions,
            tool.grade_bands_label,
            tool.subjects,
            tool.sign_in_label,
            tool.rostering_label,
            tool.platforms_label,
            schools,
        ]


@access(VIEW)
def catalog(request):
    """Every tool in the catalog with its decision, with one filter form."""
    tool_filter, tools = filtered(
        request, ToolFilter, selectors.with_counts(selectors.tools_for(request.user))
    )
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(request, "apps", EXPORT_HEADER, _export_rows(tools))
    context = {
        "page": paginate(request, tools.order_by("name", "pk")),
        "filter": tool_filter,
        "export_query": _export_query(request),
        "categories": Category.choices,
        "decisions": Decision.choices,
        "grades": GradeBand.choices,
        "sites": Site.objects.filter(is_active=True).order_by("name"),
    }
    template = "software/catalog.html#table" if request.htmx else "software/catalog.html"
    return render(request, template, context)


@access(VIEW)
def tool_detail(request, pk: int):
    tool = _tool(request, pk)
    licences = list(selectors.licences_for(request.user, tool))
    can_add_licence = request.user.has_perm("software.add_licence")
    return render(
        request,
        "software/tool_detail.html",
        {
            "tool": tool,
            "schools": tool.sites.order_by("name"),
            "licences": licences,
            "can_change": selectors.can_change(request.user, tool),
            "reviews": list(selectors.reviews_for(request.user).filter(tool=tool)[:10]),
            "can_review": selectors.can_review(request.user, tool),
            "demand": selectors.demand(tool),
            "licence_form": LicenceForm(sites=_licence_sites(request)) if can_add_licence else None,
            "history": audit_events_for(request.user, tool)[:10]
            if request.user.has_perm("core.view_auditevent")
            else AuditEvent.objects.none(),
        },
    )


def _tool_form(request, data=None, initial=None):
    return ToolForm(
        data,
        initial=initial,
        owners=User.objects.filter(
            is_active=True, groups__name__in=[roles.TECHNICIAN, roles.DISTRICT_ADMIN]
        )
        .distinct()
        .order_by("last_name", "first_name", "username"),
        champions=Person.objects.filter(is_active=True, primary_site__in=sites_for(request.user))
        .exclude(kind="student")
        .order_by("family_name", "given_name"),
        sites=sites_for(request.user).filter(is_active=True).order_by("name"),
        every_site=request.user.sees_all_sites,
    )


def _tool_data(form) -> dict:
    data = {field: form.cleaned_data[field] for field in TOOL_FIELDS}
    if "all_schools" in form.cleaned_data:
        data["all_schools"] = form.cleaned_data["all_schools"]
    return data


@access("software.add_tool")
def tool_create(request):
    form = _tool_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tool = services.tool_create(
                actor=request.user, sites=form.cleaned_data["sites"], **_tool_data(form)
            )
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Added {tool} to the catalog. It has no decision yet.")
            return redirect(tool)
    return render(request, "software/tool_form.html", {"form": form, "tool": None})


@access("software.change_tool")
def tool_edit(request, pk: int):
    tool = _tool(request, pk)
    mine = sites_for(request.user)
    initial = {field: getattr(tool, field) for field in TOOL_FIELDS}
    initial["extension_ids"] = "\n".join(tool.extension_ids)
    initial["all_schools"] = tool.all_schools
    initial["sites"] = list(tool.sites.filter(pk__in=mine))
    form = _tool_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Schools the editor does not work at are kept as they are.
        others = list(tool.sites.exclude(pk__in=mine))
        try:
            services.tool_update(
                actor=request.user,
                tool=tool,
                sites=[*others, *form.cleaned_data["sites"]],
                **_tool_data(form),
            )
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saved {tool}.")
            return redirect(tool)
    return render(request, "software/tool_form.html", {"form": form, "tool": tool})


def _licence_sites(request):
    return sites_for(request.user).filter(is_active=True).order_by("name")


@access("software.add_licence")
@require_POST
def licence_add(request, pk: int):
    tool = _tool(request, pk)
    form = LicenceForm(request.POST, sites=_licence_sites(request))
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        ]
        messages.error(request, "The licence was not added. " + " ".join(problems))
        return redirect(tool)
    try:
        services.licence_add(actor=request.user, tool=tool, **form.cleaned_data)
    except (ValidationError, PermissionDenied, Conflict) as error:
        messages.error(request, f"The licence was not added. {problem_text(error)}")
    else:
        messages.success(request, f"Added a licence of {tool}.")
    return redirect(tool)


@access("software.delete_licence")
@require_POST
def licence_remove(request, pk: int):
    licence = get_object_or_404(Licence.objects.select_related("tool", "site"), pk=pk)
    tool = _tool(request, licence.tool_id)
    if not selectors.licences_for(request.user, tool).filter(pk=licence.pk).exists():
        messages.error(request, "That licence is not one you can see.")
        return redirect(tool)
    try:
        services.licence_remove(actor=request.user, licence=licence)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Removed the licence for {licence.site or 'the district'}.")
    return redirect(tool)


@access(USES_APPS)
def my_apps(request):
    """The approved tools of the user's school: how to sign in, a link, and help."""
    tools = list(selectors.my_tools(request.user).order_by("name", "pk"))
    issues = selectors.sign_in_issues()
    fallback = issues.get("Password reset")
    for tool in tools:
        issue = issues.get(f"Access to {tool.name}", fallback)
        tool.help_query = urlencode({**({"issue": issue} if issue else {}), "about": tool.name})
    return render(
        request,
        "software/my_apps.html",
        {
            "tools": tools,
            "person": selectors.person_of(request.user),
            "can_file": _files_tickets(request.user),
        },
    )


def _files_tickets(user) -> bool:
    """Whether "Trouble signing in?" can lead to the help desk (students too, when the
    district lets them file)."""
    from django.apps import apps

    if not apps.is_installed("homeroom.helpdesk"):
        return False
    from homeroom.helpdesk.rules import FILES_TICKETS

    return FILES_TICKETS.allows(user)


# Teachers' requests.

ASK = "software.add_toolrequest"


@access(ASK)
def request_start(request):
    """Ask for a tool: first the catalog is searched, and a tool already decided shows its
    decision at once; only then the request form."""
    query = (request.GET.get("q") or request.POST.get("tool_name") or "").strip()
    matches = []
    decided = None
    if query:
        words = query.split()[:8]
        tools = selectors.tools_for(request.user)
        for word in words:
            tools = tools.filter(name__icontains=word)
        matches = list(tools.order_by("name", "pk")[:10])
        decided = services.decided_tool(query)
    form = RequestForm(request.POST or None, initial={"tool_name": query} if query else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.request_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Asked for {made.tool_name}. We will email you when it is decided."
            )
            return redirect(made)
    return render(
        request,
        "software/request_start.html",
        {
            "query": query,
            "matches": matches,
            "decided": decided,
            "form": form,
            "show_form": bool(query) and decided is None,
        },
    )


@access(ASK)
def request_list(request):
    request_filter, found = filtered(
        request, RequestFilter, selectors.requests_for(request.user), site_field="site"
    )
    context = {
        "page": paginate(request, found.order_by("-created_at", "-pk")),
        "filter": request_filter,
        "statuses": [("open", "Open"), *RequestStatus.choices],
        "sites": sites_for(request.user).filter(is_active=True).order_by("name"),
        "handles": request.user.has_perm("software.view_toolrequest"),
    }
    template = "software/requests.html#table" if request.htmx else "software/requests.html"
    return render(request, template, context)


def _request(request, pk: int):
    return get_object_or_404(selectors.requests_for(request.user), pk=pk)


@access(ASK)
def request_detail(request, pk: int):
    found = _request(request, pk)
    handles = request.user.has_perm("software.change_toolrequest")
    moves = [
        (value, label)
        for value, label in RequestStatus.choices
        if value in REQUEST_TRANSITIONS[found.status] and value != RequestStatus.WITHDRAWN
    ]
    tool = found.tool
    return render(
        request,
        "software/request_detail.html",
        {
            "found": found,
            "tool": tool,
            "handles": handles,
            "moves": moves,
            "own": found.requested_by_id == request.user.pk,
            "open": found.status in OPEN_REQUESTS,
            "categories": Category.choices,
            "review": tool.reviews.filter(status=ReviewStatus.IN_PROGRESS).first()
            if tool
            else None,
            "can_review": tool is not None and selectors.can_review(request.user, tool),
            "others": selectors.requests_for(request.user)
            .filter(tool_name__iexact=found.tool_name)
            .exclude(pk=found.pk)
            .count(),
        },
    )


@access(ASK)
@require_POST
def request_status(request, pk: int):
    found = _request(request, pk)
    form = RequestStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
        return redirect(found)
    try:
        services.request_set_status(actor=request.user, tool_request=found, **form.cleaned_data)
    except (ValidationError, PermissionDenied, Conflict) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, "Saved. A decided request is emailed to the teacher.")
    return redirect(found)


@access("software.add_tool")
@require_POST
def request_to_catalog(request, pk: int):
    found = _request(request, pk)
    category = request.POST.get("category", "")
    try:
        tool = services.request_to_catalog(
            actor=request.user, tool_request=found, category=category
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, problem_text(error))
        return redirect(found)
    messages.success(request, f"Added {tool} to the catalog. Start its review on its page.")
    return redirect(tool)


# Reviews.


@access("software.add_review")
def review_start(request, pk: int):
    tool = _tool(request, pk)
    form = ReviewStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_start(actor=request.user, tool=tool, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        except (PermissionDenied, Conflict) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Started the review of {tool}. Go through the checklist.")
            return redirect(review)
    return render(request, "software/review_start.html", {"tool": tool, "form": form})


def _review(request, pk: int):
    return get_object_or_404(selectors.reviews_for(request.user), pk=pk)


@access("software.view_review")
def review_detail(request, pk: int):
    """The checklist: the questions of a review in plain words, saved as you go; then the
    decision. A decided review reads as it was decided."""
    review = _review(request, pk)
    editable = review.status == ReviewStatus.IN_PROGRESS and selectors.can_review(
        request.user, review.tool
    )
    initial = {field: getattr(review, field) for field in services.REVIEW_ANSWERS}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            messages.error(request, "This review cannot be changed.")
            return redirect(review)
        if form.is_valid():
            try:
                services.review_update(actor=request.user, review=review, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            except (PermissionDenied, Conflict) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Saved the checklist.")
                return redirect(review)
    return render(
        request,
        "software/review_detail.html",
        {
            "review": review,
            "tool": review.tool,
            "form": form,
            "editable": editable,
            "decide_form": DecideForm() if editable else None,
            "may_attach": selectors.can_review(request.user, review.tool)
            and request.user.has_perm("software.change_review"),
            "answers": _answers(review),
            "history": audit_events_for(request.user, review)[:10]
            if request.user.has_perm("core.view_auditevent")
            else AuditEvent.objects.none(),
        },
    )


@access("software.change_review")
@require_POST
def review_agreement(request, pk: int):
    """Upload (or replace) the signed agreement's PDF, or remove it."""
    review = _review(request, pk)
    try:
        if request.POST.get("remove"):
            services.review_remove_agreement(actor=request.user, review=review)
            messages.success(request, "Removed the agreement document.")
        elif "document" not in request.FILES:
            messages.error(request, "Choose the signed agreement's PDF file.")
        else:
            services.review_attach_agreement(
                actor=request.user, review=review, upload=request.FILES["document"]
            )
            messages.success(request, "Kept the agreement document.")
    except (ValidationError, Conflict) as error:
        messages.error(request, problem_text(error))
    return redirect(review)


@access("software.view_review")
def review_agreement_download(request, pk: int):
    review = _review(request, pk)
    if not review.agreement_file:
        raise Http404("This review has no agreement document.")
    try:
        handle = review.agreement_file.open("rb")
    except FileNotFoundError:
        raise Http404("The agreement document is gone.") from None
    name = f"agreement-{review.tool.name}-{review.pk}.pdf".replace('"', "")
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Content-Type"] = "application/pdf"
    return response


def _answers(review) -> list:
    """The checklist as read: each section's questions with the answer given."""
    form = ReviewForm(initial={f: getattr(review, f) for f in services.REVIEW_ANSWERS})
    rows = []
    for title, fields in form.sections():
        answered = []
        for field in fields:
            value = getattr(review, field.name)
            choices = dict(getattr(field.field, "choices", []) or [])
            if field.name == "data_elements":
                shown = review.data_elements_label or "None"
            elif choices:
                shown = choices.get(value, value)
            else:
                shown = value if value not in (None, "") else "—"
            answered.append((field.label, shown))
        rows.append((title, answered))
    return rows


@access("software.change_review")
@require_POST
def review_decide(request, pk: int):
    review = _review(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision.")
        return redirect(review)
    try:
        services.review_decide(actor=request.user, review=review, **form.cleaned_data)
    except (ValidationError, PermissionDenied, Conflict) as error:
        messages.error(request, f"Not decided. {problem_text(error)}")
    else:
        messages.success(
            request,
            f"{review.tool}: {ReviewStatus(form.cleaned_data['status']).label.lower()}. "
            "The teachers who asked are emailed.",
        )
    return redirect(review)


# The public list and the district's settings.


@access(PUBLIC)
def public_list(request):
    """For families, without sign-in, when the district turns it on: the approved tools
    per school and grade, what data each collects and the agreement signed. No names of
    staff or students."""
    current = SoftwareSettings.current()
    if not current.public_list:
        raise Http404("The district does not publish its list of apps.")
    site_id = request.GET.get("site", "")
    site_id = int(site_id) if site_id.isdigit() else None
    grade = request.GET.get("grade", "")
    grade = grade if grade in GradeBand.values else None
    return render(
        request,
        "software/public_list.html",
        {
            "tools": selectors.public_tools(site_id, grade),
            "settings": current,
            "sites": Site.objects.filter(is_active=True)
            .exclude(type="district_office")
            .order_by("name"),
            "grades": GradeBand.choices,
            "site_id": site_id,
            "grade": grade,
        },
    )


@access("software.change_softwaresettings")
def settings_edit(request):
    current = SoftwareSettings.current()
    form = SettingsForm(
        request.POST or None,
        initial={"public_list": current.public_list, "public_note": current.public_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Saved the apps settings.")
            return redirect("software:settings")
    return render(request, "software/settings.html", {"form": form})


# LMS provisioning files.

EXPORT = "software.export_provisioning"


def _provisioning_scope(request):
    """The school asked for (one of the user's), or the district for people who work at
    every site; None when the user may not export that."""
    from homeroom.people.models import AcademicSession

    term_id = request.GET.get("term", "")
    term = (
        AcademicSession.objects.filter(pk=term_id, is_active=True).first()
        if term_id.isdigit()
        else None
    )
    site_id = request.GET.get("site", "")
    if site_id.isdigit():
        site = sites_for(request.user).filter(pk=site_id).first()
        return provisioning.Scope(site=site, term=term) if site is not None else None
    return provisioning.Scope(term=term) if request.user.sees_all_sites else None


def _terms():
    from homeroom.people.models import AcademicSession

    return AcademicSession.objects.filter(is_active=True).order_by("-start_date", "title")[:50]


def _diff_asked(request) -> bool:
    return request.GET.get("diff", request.POST.get("diff", "")) in ("1", "on", "true")


@access(EXPORT)
def provisioning_page(request):
    """Choose a format and a school, see the counts and the problems, then start the export
    (it runs in the background) or download the full files at once."""
    kind = request.GET.get("format", "")
    scope = _provisioning_scope(request)
    diff = _diff_asked(request) and kind == "canvas"
    result = None
    if kind in provisioning.FORMATS and scope is not None:
        result = provisioning.preview(kind, exports.prepare(kind, scope, diff=diff))
    elif kind and kind not in provisioning.FORMATS:
        messages.warning(request, "Choose Canvas, Schoology or OneRoster.")
    elif kind and scope is None:
        messages.warning(request, "Choose one of your schools.")
    return render(
        request,
        "software/provisioning.html",
        {
            "formats": provisioning.FORMATS.items(),
            "kind": kind,
            "diff": diff,
            "sites": sites_for(request.user).filter(is_active=True).order_by("name"),
            "site_id": int(request.GET["site"]) if request.GET.get("site", "").isdigit() else None,
            "every_site": request.user.sees_all_sites,
            "terms": _terms(),
            "term_id": int(request.GET["term"]) if request.GET.get("term", "").isdigit() else None,
            "result": result,
            "query": request.GET.urlencode(),
            "recent": selectors.provisioning_exports_for(request.user)[:10],
        },
    )


@access(EXPORT)
@require_POST
def provisioning_start(request):
    """Queue the export for the worker and show its progress."""
    from homeroom.people.models import AcademicSession

    kind = request.POST.get("format", "")
    site_id, term_id = request.POST.get("site", ""), request.POST.get("term", "")
    site = Site.objects.filter(pk=site_id).first() if site_id.isdigit() else None
    if site_id and site is None:
        raise Http404("No such school.")
    term = None
    if term_id.isdigit():
        term = get_object_or_404(AcademicSession.objects.filter(is_active=True), pk=term_id)
    try:
        export = exports.export_start(
            actor=request.user, kind=kind, site=site, term=term, diff=_diff_asked(request)
        )
    except ValidationError as error:
        messages.error(request, problem_text(error))
        return redirect("software:provisioning")
    return redirect(export)


@access(EXPORT)
def provisioning_export(request, pk: int):
    """An export's progress (polled by htmx while it runs), then its download."""
    export = get_object_or_404(selectors.provisioning_exports_for(request.user), pk=pk)
    template = "software/provisioning_export.html"
    return render(
        request,
        f"{template}#progress" if request.htmx else template,
        {"export": export, "retention_days": exports.retention_days()},
    )


@access(EXPORT)
def provisioning_export_download(request, pk: int):
    export = get_object_or_404(selectors.provisioning_exports_for(request.user), pk=pk)
    if export.status != ExportStatus.DONE or not export.file_path:
        raise Http404("This export has no file (not finished yet, or deleted).")
    path = Path(export.file_path)
    if not path.is_file():
        raise Http404("The export's file is gone.")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)


@access(EXPORT)
def provisioning_download(request):
    kind = request.GET.get("format", "")
    scope = _provisioning_scope(request)
    if kind not in provisioning.FORMATS or scope is None:
        messages.error(request, "Choose a format and one of your schools.")
        return redirect("software:provisioning")
    where = scope.site.code if scope.site is not None else "district"
    response = StreamingHttpResponse(
        provisioning.stream_zip(kind, scope), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{where}.zip"'
    return response


# Reports.

REPORT_EXPORTS = {
    "spend": (["Category", "Cost per year"], "spend"),
    "ai": (["Decision", "AI tools"], "ai"),
    "demand": (["Tool", "Requests"], "demand"),
}


@access("software.view_review")
def reports(request):
    """Spend by category, AI tools by decision, the tools teachers ask for, requests
    waiting, agreements expiring within 90 days and tools in use without a decision."""
    today = timezone.localdate()
    numbers = selectors.report_numbers(request.user, today)
    categories, decisions = dict(Category.choices), dict(Decision.choices)
    spend = [(str(categories.get(key, key)), float(total or 0)) for key, total in numbers["spend"]]
    ai = [(str(decisions.get(key, key)), count) for key, count in numbers["ai"]]
    export = request.GET.get("export", "")
    if export in REPORT_EXPORTS:
        header, name = REPORT_EXPORTS[export]
        rows = {"spend": spend, "ai": ai, "demand": numbers["demand"]}[export]
        return csv_response(f"apps-{name}.csv", header, rows)
    statuses = dict(RequestStatus.choices)
    return render(
        request,
        "software/reports.html",
        {
            "charts": {
                "spend": bar_chart(spend, title="Spend by category", unit="$ a year"),
                "ai": bar_chart(ai, title="AI tools by decision", unit="tools"),
                "demand": bar_chart(numbers["demand"], title="Most requested", unit="requests"),
            },
            "waiting": [(statuses.get(key, key), count) for key, count in numbers["waiting"]],
            "expiring": numbers["expiring"],
            "undecided": numbers["undecided"],
            "today": today,
        },
    )
