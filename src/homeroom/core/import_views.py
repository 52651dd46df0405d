"""The import pages every format shares: the history of runs (filtered by kind), a new
upload, the run's page (progress bar, preview, problems, Apply), the mapping step, checking
again and the problems as CSV. Pages under /imports/KIND/ follow the kind's own rules."""

import re
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from homeroom.core import import_services as services
from homeroom.core.access import access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.import_formats import (
    ANY_IMPORT,
    ANY_IMPORT_USE,
    KindRule,
    format_for,
    formats,
    usable_kinds,
    viewable_kinds,
)
from homeroom.core.lists import csv_response, paginate

PROBLEM = re.compile(r"^(?P<line>\d+): (?P<column>.*?): (?P<message>.*)$", re.DOTALL)


def kind_access(rule: KindRule):
    """`access(rule)`, then the rule of the kind the URL names: 404 for a kind Homeroom does
    not have, 403 for one the user's role may not use."""

    def decorate(view):
        @access(rule)
        @wraps(view)
        def guarded(request, kind: str, *args, **kwargs):
            found = format_for(kind)
            if found is None:
                raise Http404("No such import.")
            if not rule.for_kind(kind).allows(request.user):
                raise PermissionDenied(found.refusal or "Your role does not include this page.")
            return view(request, found, *args, **kwargs)

        return guarded

    return decorate


class UploadForm(forms.Form):
    file = forms.FileField(label="File")

    def __init__(self, *args, found, **kwargs):
        super().__init__(*args, **kwargs)
        self.found = found
        if found.accept:
            self.fields["file"].widget.attrs["accept"] = found.accept

    def clean_file(self):
        upload = self.cleaned_data["file"]
        too_large = self.found.too_large(upload.size)
        if too_large:
            raise forms.ValidationError(too_large)
        wrong = self.found.read_upload(upload, upload.name or "")
        if wrong:
            raise forms.ValidationError(wrong)
        return upload


def split_options(cleaned: dict) -> tuple[dict, object]:
    """The options form's answers as the run's options, and its site (if it asks for one)."""
    options = dict(cleaned)
    site = options.pop("site", None)
    return options, site


@access(ANY_IMPORT)
def import_run_list(request):
    return run_list_page(request)


def run_list_page(request, *, kinds: tuple[str, ...] = (), title: str = "Imports", links=()):
    """The history of import runs, of `kinds` only when given (a module's own history page,
    e.g. device imports, with its `links` as (label, URL) beside the upload buttons)."""
    chosen = [name for name in request.GET.getlist("kind") if name] or list(kinds)
    kind = chosen[0] if len(chosen) == 1 else None
    runs = services.import_runs_for(request.user, kind=chosen or None).defer("preview", "warnings")
    page = paginate(request, runs, per_page=25)
    known = formats()
    shown = [name for name in viewable_kinds(request.user) if not kinds or name in kinds]
    context = {
        "page": page,
        "kind": kind,
        "title": title,
        "links": links,
        "filter_kinds": not kinds,
        "kinds": [(name, known[name].label) for name in shown],
        "usable": [
            (name, known[name].label)
            for name in usable_kinds(request.user)
            if not kinds or name in kinds
        ],
    }
    return render(request, "core/imports/run_list.html", context)


@kind_access(ANY_IMPORT_USE)
def import_run_create(request, found):
    data = request.POST if request.method == "POST" else None
    upload = UploadForm(data, request.FILES if data is not None else None, found=found)
    options = found.options_form(data, user=request.user) if found.options_form else None
    if request.method == "POST" and upload.is_valid() and (options is None or options.is_valid()):
        chosen, site = split_options(options.cleaned_data if options else {})
        try:
            run = services.import_run_upload(
                actor=request.user,
                kind=found.kind,
                upload=upload.cleaned_data["file"],
                site=site,
                options=chosen,
            )
        except (ValidationError, PermissionDenied, Conflict) as error:
            upload.add_error(None, problem_text(error))
        else:
            if run.status == services.S.UPLOADED:
                messages.success(request, f"Uploaded {run.file_name}. Choose its mapping next.")
                return redirect("core:import_run_mapping", found.kind, run.pk)
            messages.success(
                request,
                f"Uploaded {run.file_name}. Checking it now; nothing changes until you apply it.",
            )
            return redirect(run)
    context = {"found": found, "form": upload, "options": options}
    return render(request, "core/imports/run_form.html", context)


def _run(request, found, run_id: int):
    return get_object_or_404(services.import_runs_for(request.user, kind=found.kind), pk=run_id)


@kind_access(ANY_IMPORT)
def import_run(request, found, run_id: int):
    run = _run(request, found, run_id)
    template = "core/imports/run_detail.html"
    return render(
        request, f"{template}#progress" if request.htmx else template, _context(request, found, run)
    )


def _recheck_form(request, found, run, data=None):
    """The options form again, filled with the run's choices, for Check again."""
    if not found.recheck_with_options or found.options_form is None:
        return None
    initial = {**run.options, "site": run.site.code if run.site else ""}
    return found.options_form(data, user=request.user, initial=initial)


def _context(request, found, run, **extra) -> dict:
    may_use = found.use_rule.allows(request.user)
    context = {
        "run": run,
        "found": found,
        "may_use": may_use,
        "columns": found.preview_columns,
        "preview_rows": [
            [(heading, change.get(key)) for key, heading in found.preview_columns]
            for change in run.preview
        ],
        "preview_hidden": run.preview_total - len(run.preview),
        "waits_for_mapping": run.status == services.S.UPLOADED and found.needs_mapping(run),
        "recheck_form": _recheck_form(request, found, run) if may_use else None,
        "has_mapping": found.mapping_form is not None,
        "apply_form": found.apply_form(run) if may_use and run.status == "checked" else None,
    }
    if found.detail_template or found.section_template:
        context.update(found.detail_context(request, run))
    context.update(extra)
    return context


@kind_access(ANY_IMPORT_USE)
def import_run_mapping(request, found, run_id: int):
    run = _run(request, found, run_id)
    if found.mapping_form is None or run.is_running or run.status == services.S.APPLIED:
        messages.error(request, "This import has no mapping to choose now.")
        return redirect(run)
    form = found.mapping_form(request.POST or None, run=run, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_run_set_mappings(
                run, actor=request.user, mappings=form.cleaned_data["mappings"]
            )
        except Conflict as error:
            messages.error(request, str(error))
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, found.mapping_saved)
            return redirect(run)
        if not form.errors:
            return redirect(run)
    template = found.mapping_template or "core/imports/run_mapping.html"
    status = 400 if form.is_bound else 200  # a refused answer is said on the page
    return render(request, template, {"run": run, "found": found, "form": form}, status=status)


@kind_access(ANY_IMPORT_USE)
@require_POST
def import_run_apply(request, found, run_id: int):
    run = _run(request, found, run_id)
    try:
        services.import_run_queue_apply(run, actor=request.user, answers=request.POST)
    except ValidationError:
        form = found.apply_form(run, request.POST)
        context = _context(request, found, run, apply_form=form)
        return render(request, "core/imports/run_detail.html", context, status=400)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Applying the file. You can leave this page; it keeps going.")
    return redirect(run)


@kind_access(ANY_IMPORT_USE)
@require_POST
def import_run_check_again(request, found, run_id: int):
    run = _run(request, found, run_id)
    chosen = {}
    form = _recheck_form(request, found, run, data=request.POST)
    if form is not None:
        if not form.is_valid():
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return redirect(run)
        options, site = split_options(form.cleaned_data)
        chosen = {"options": options, "site": site}
    try:
        services.import_run_check_again(run, actor=request.user, **chosen)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Checking the file again.")
    return redirect(run)


@kind_access(ANY_IMPORT)
def import_run_problems(request, found, run_id: int):
    """The problems and warnings as CSV (kind, file, line, column, message), every cell
    through the export's formula guard."""
    run = _run(request, found, run_id)
    return csv_response(
        f"import-{run.pk}-problems.csv",
        ["kind", "file", "line", "column", "message"],
        [
            [label, *split_problem(text, run.file_name)]
            for label, found_texts in (("problem", run.problems), ("warning", run.warnings))
            for text in found_texts
        ],
    )


def split_problem(text: str, file: str) -> list:
    """`file:line: column: message` back into its parts, the file being the upload or one
    inside it (a zip's members); other text is all message."""
    if text.startswith(f"{file}:"):
        name, rest = file, text[len(file) + 1 :]
    else:
        name, _, rest = text.partition(":")
    match = PROBLEM.match(rest)
    if not name or match is None:
        return ["", "", "", text]
    return [name, int(match["line"]), match["column"], match["message"]]


# The pages of one run, by the names a module's older import pages had.
MOVED_PAGES = {
    "detail": ("core:import_run", True),
    "mapping": ("core:import_run_mapping", False),
    "values": ("core:import_run_mapping", False),
    "problems": ("core:import_run_problems", True),
    "apply": ("core:import_run_apply", False),
    "recheck": ("core:import_run_check_again", False),
}


def moved_run_page(page: str, *, kinds: tuple[str, ...], old_id: str, view: str, use: str):
    """The old address of a run's `page` in a module whose imports moved to core's lifecycle:
    the run is found by the old record's id, kept in its details under `old_id`."""
    target, reads = MOVED_PAGES[page]

    @access(view if reads else use)
    def page_moved(request, pk: int):
        runs = services.import_runs_for(request.user, kind=list(kinds))
        run = runs.filter(**{f"details__{old_id}": pk}).order_by("pk").first()
        if run is None:
            raise Http404("No such import.")
        return moved(request, reverse(target, args=[run.kind, run.pk]))

    page_moved.__name__ = f"import_{page}"
    page_moved.__doc__ = f"The old address of an import's {page} page, sent on to core's."
    return page_moved


def moved(request, url: str):
    """Send a request to a page's new address: a GET is redirected; a POST keeps its method
    and body (307)."""
    return HttpResponseRedirect(url, status=307) if request.method == "POST" else redirect(url)
