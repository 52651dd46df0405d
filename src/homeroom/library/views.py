from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.import_views import run_list_page
from homeroom.core.lists import paginate
from homeroom.core.models import Site
from homeroom.library import export, selectors, services
from homeroom.library.choices import HAND_STATUSES, CopyStatus, MaterialType, TitleStatus
from homeroom.library.filters import TitleFilter
from homeroom.library.forms import BulkForm, CopyForm, TitleForm, title_initial
from homeroom.library.marc import record_from_json
from homeroom.library.models import Library
from homeroom.library.search import best_first

VIEW = "library.view_title"
EXPORT_FORMATS = {
    "mrc": (export.marc_bytes, "application/marc"),
    "xml": (export.marcxml_bytes, "application/marcxml+xml"),
}


def _title(request, pk: int):
    return get_object_or_404(selectors.titles_for(request.user), pk=pk)


def _libraries():
    return Site.objects.filter(is_active=True, library__isnull=False).order_by("name")


def _problem(request, error) -> None:
    messages.error(request, problem_text(error))


@access(VIEW)
def title_list(request):
    """The librarians' catalog: one filter, bulk changes to the copies of a selection, and
    MARC export of what the filter finds."""
    title_filter, titles = filtered(request, TitleFilter, selectors.titles_for(request.user))
    wanted = request.GET.get("export")
    if wanted in EXPORT_FORMATS:
        write, content_type = EXPORT_FORMATS[wanted]
        library = None
        if title_filter.library:
            library = Library.objects.filter(site_id=title_filter.library).first()
        response = StreamingHttpResponse(write(titles, library=library), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="catalog.{wanted}"'
        return response
    context = {
        "page": paginate(
            request,
            best_first(selectors.with_copy_counts(titles.defer("record")), title_filter.q),
        ),
        "filter": title_filter,
        "materials": MaterialType.choices,
        "libraries": _libraries(),
        "query": request.GET.urlencode(),
        "bulk_form": BulkForm() if request.user.has_perm("library.change_copy") else None,
    }
    template = "library/title_list.html#table" if request.htmx else "library/title_list.html"
    return render(request, template, context)


@access("library.change_copy")
@require_POST
def copies_bulk(request):
    """Change the copies of the chosen titles (at the libraries of the librarian's schools)."""
    form = BulkForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            messages.error(request, " ".join(problems))
        return redirect("library:title_list")
    copies = selectors.copies_for(request.user).filter(
        title_id__in=form.cleaned_data["titles"],
        library__in=selectors.libraries_for(request.user),
    )
    try:
        changed = services.copies_bulk_change(
            actor=request.user, copies=list(copies), changes=form.changes()
        )
    except (PermissionDenied, ValidationError, Conflict) as error:
        _problem(request, error)
    else:
        messages.success(request, f"Changed {changed} cop{'y' if changed == 1 else 'ies'}.")
    return redirect(request.POST.get("next") or "library:title_list")


@access(VIEW)
def title_detail(request, pk: int):
    title = get_object_or_404(
        selectors.titles_for(request.user).select_related("source_run"), pk=pk
    )
    copies = list(selectors.copies_of(request.user, title))
    return render(
        request,
        "library/title_detail.html",
        {
            "title": title,
            "copies": copies,
            "record": record_from_json(title.record),
            "history": selectors.history(request.user, title)[:20],
            "can_change": request.user.has_perm("library.change_title"),
            "can_add_copy": selectors.libraries_for(request.user).exists()
            and request.user.has_perm("library.add_copy"),
        },
    )


@access("library.change_title")
def title_edit(request, pk: int):
    title = _title(request, pk)
    form = TitleForm(request.POST or None, initial=title_initial(title))
    if request.method == "POST" and form.is_valid():
        try:
            services.title_update(actor=request.user, title=title, data=form.record_data())
        except (PermissionDenied, ValidationError, Conflict) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, "Saved. The MARC record says the same.")
            return redirect(title)
    return render(request, "library/title_form.html", {"title": title, "form": form})


@access("library.change_title")
@require_POST
def title_status(request, pk: int):
    title = _title(request, pk)
    status = request.POST.get("status", "")
    try:
        services.title_set_status(actor=request.user, title=title, status=status)
    except (PermissionDenied, ValidationError, Conflict) as error:
        _problem(request, error)
    else:
        word = "withdrawn" if status == TitleStatus.WITHDRAWN else "back in the catalog"
        messages.success(request, f"The title is {word}.")
    return redirect(title)


@access("library.add_copy")
def copy_create(request, pk: int):
    title = _title(request, pk)
    libraries = selectors.libraries_for(request.user)
    form = CopyForm(
        request.POST or None,
        libraries=libraries,
        initial={"call_number": services.suggested_call_number(title)},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        library = data.pop("library")
        try:
            copy = services.copy_create(actor=request.user, title=title, library=library, data=data)
        except (PermissionDenied, ValidationError, Conflict) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, f"Copy {copy.barcode} added.")
            return redirect(title)
    return render(request, "library/copy_form.html", {"title": title, "form": form, "copy": None})


def _copy(request, pk: int):
    return get_object_or_404(
        selectors.copies_for(request.user).select_related("title", "library__site"), pk=pk
    )


@access("library.view_copy")
def copy_detail(request, pk: int):
    copy = _copy(request, pk)
    may_change = selectors.libraries_for(request.user).filter(pk=copy.library_id).exists()
    return render(
        request,
        "library/copy_detail.html",
        {
            "copy": copy,
            "history": selectors.history(request.user, copy)[:20],
            "may_change": may_change,
            "statuses": [
                (value, label)
                for value, label in CopyStatus.choices
                if value in HAND_STATUSES and value != copy.status
            ],
        },
    )


@access("library.change_copy")
def copy_edit(request, pk: int):
    copy = _copy(request, pk)
    form = CopyForm(request.POST or None, instance_copy=copy)
    if request.method == "POST" and form.is_valid():
        try:
            services.copy_update(actor=request.user, copy=copy, data=form.cleaned_data)
        except (PermissionDenied, ValidationError, Conflict) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, "Saved.")
            return redirect(copy)
    return render(
        request, "library/copy_form.html", {"title": copy.title, "form": form, "copy": copy}
    )


@access("library.change_copy")
@require_POST
def copy_status(request, pk: int):
    copy = _copy(request, pk)
    try:
        services.copy_set_status(
            actor=request.user,
            copy=copy,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", "")[:300],
        )
    except (PermissionDenied, ValidationError, Conflict) as error:
        _problem(request, error)
    else:
        messages.success(request, "Status changed.")
    return redirect(copy)


@access(VIEW)
def import_list(request):
    """The history of MARC imports: core's list of import runs, of this kind."""
    return run_list_page(request, kinds=("marc",), title="MARC imports")
