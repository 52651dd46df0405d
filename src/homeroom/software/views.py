from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from homeroom.core import roles
from homeroom.core.access import access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.lists import paginate
from homeroom.core.models import AuditEvent, Site
from homeroom.core.selectors import audit_events_for, sites_for
from homeroom.people.models import Person, User
from homeroom.software import selectors, services
from homeroom.software.choices import Category, Decision, GradeBand
from homeroom.software.filters import ToolFilter
from homeroom.software.forms import LicenceForm, ToolForm
from homeroom.software.models import Licence

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


def form_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _tool(request, pk: int):
    return get_object_or_404(
        selectors.tools_for(request.user).select_related("owner", "champion"), pk=pk
    )


@access(VIEW)
def catalog(request):
    """Every tool in the catalog with its decision, with one filter form."""
    tool_filter, tools = filtered(
        request, ToolFilter, selectors.with_counts(selectors.tools_for(request.user))
    )
    context = {
        "page": paginate(request, tools.order_by("name", "pk")),
        "filter": tool_filter,
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


@access(VIEW)
def my_apps(request):
    """The approved tools of the user's school: how to sign in, a link, and help."""
    tools = list(selectors.my_tools(request.user).order_by("name", "pk"))
    issues = selectors.sign_in_issues()
    fallback = issues.get("Password reset")
    for tool in tools:
        tool.help_issue = issues.get(f"Access to {tool.name}", fallback)
    return render(
        request,
        "software/my_apps.html",
        {"tools": tools, "person": selectors.person_of(request.user)},
    )
