"""The librarians' desk: labels, the collection report and cataloging by scan."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from homeroom.core.access import access
from homeroom.core.charts import bar_chart
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.lists import csv_response
from homeroom.library import cataloging, labels, marc, reports, selectors, services, sru
from homeroom.library.desk_forms import (
    CatalogSettingsForm,
    CopyScanForm,
    LabelsForm,
    ShortTitleForm,
)
from homeroom.library.models import CatalogSettings

LABELS_AT_ONCE = 2000
LABEL_DEFAULTS = {"kind": labels.SPINE, "sheet": labels.DEFAULT_SHEET, "start": "1"}


def _ids(values) -> list[int]:
    return [int(value) for value in values if value.isdigit() and len(value) < 12]


@access("library.change_copy")
def copy_labels(request):
    """Spine or barcode labels as a PDF, for the ticked copies (`copy`), the copies of the
    ticked titles (`titles`, from the catalog list) or every copy a library added since a
    day, of the libraries of the librarian's schools, in shelf order. Without a choice, the
    form."""
    given = request.POST if request.method == "POST" else request.GET
    libraries = selectors.libraries_for(request.user)
    copy_ids, title_ids = _ids(given.getlist("copy")), _ids(given.getlist("titles"))
    chosen = bool(copy_ids or title_ids or "since" in given)
    data = given.copy()
    for name, value in LABEL_DEFAULTS.items():
        if not data.get(name):
            data[name] = value
    form = LabelsForm(data if chosen else None, libraries=libraries, initial=LABEL_DEFAULTS)
    context = {"form": form, "copy_ids": copy_ids, "title_ids": title_ids, "most": LABELS_AT_ONCE}
    if not chosen or not form.is_valid():
        return render(request, "library/desk/labels.html", context)
    options = form.cleaned_data
    copies = selectors.copies_for(request.user).filter(library__in=libraries)
    if copy_ids or title_ids:
        if copy_ids:
            copies = copies.filter(pk__in=copy_ids)
        if title_ids:
            copies = copies.filter(title_id__in=title_ids)
    else:
        if not options["library"] or not options["since"]:
            form.add_error(None, "Choose a library and the day from which to print its copies.")
            return render(request, "library/desk/labels.html", context)
        start = timezone.make_aware(dt.datetime.combine(options["since"], dt.time.min))
        copies = copies.filter(library=options["library"], created_at__gte=start)
    count = copies.count()
    if count > LABELS_AT_ONCE:
        form.add_error(
            None,
            f"That would be {count:,} labels; print up to {LABELS_AT_ONCE} at a time "
            "(a later day, or fewer titles).",
        )
        return render(request, "library/desk/labels.html", context)
    copies = copies.select_related("title", "library").order_by(
        "library__name", "call_number", "barcode"
    )
    try:
        pdf = labels.render(
            copies,
            options["kind"],
            options["sheet"],
            start_position=options["start"],
            outlines=options["outlines"],
        )
    except ValueError as error:
        form.add_error(None, str(error))
        return render(request, "library/desk/labels.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{options['kind']}-labels-{options['sheet']}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


REPORT_EXPORTS = ("dewey", "lexile", "ar", "months")


@access("library.view_copy")
def collection_report(request):
    """The collection report for one of the librarian's libraries (`library`) or all of
    them: copies by Dewey hundreds with their average year, titles by reading level,
    copies added per month; charts, tables and CSV (`export`: dewey, lexile, ar, months)."""
    libraries = selectors.libraries_for(request.user)
    chosen = None
    wanted = request.GET.get("library", "")
    if wanted.isdigit() and len(wanted) < 12:
        chosen = libraries.filter(pk=int(wanted)).first()
    scope = libraries.filter(pk=chosen.pk) if chosen else libraries
    copies = reports.shelved(scope)
    export = request.GET.get("export")
    name = slugify(chosen.name) if chosen else "all-libraries"
    if export == "dewey":
        return csv_response(
            f"collection-dewey-{name}.csv",
            ["Dewey class", "Copies", "Titles", "Average publication year"],
            (
                [row.label, row.copies, row.titles, row.average_year or ""]
                for row in reports.by_dewey(copies)
            ),
        )
    if export in ("lexile", "ar"):
        titles = reports.titles_of(copies)
        rows = reports.by_lexile(titles) if export == "lexile" else reports.by_ar(titles)
        heading = "Lexile band" if export == "lexile" else "Accelerated Reader level"
        return csv_response(f"collection-{export}-{name}.csv", [heading, "Titles"], rows)
    if export == "months":
        return csv_response(
            f"collection-months-{name}.csv", ["Month", "Copies added"], reports.by_month(copies)
        )
    dewey = reports.by_dewey(copies)
    titles = reports.titles_of(copies)
    lexile, ar, months = reports.by_lexile(titles), reports.by_ar(titles), reports.by_month(copies)
    largest = max((row.copies for row in dewey), default=0) or 1
    return render(
        request,
        "library/desk/report.html",
        {
            "libraries": libraries.order_by("name"),
            "chosen": chosen,
            "query": f"library={chosen.pk}&" if chosen else "",
            "dewey": [(row, round(row.copies * 100 / largest, 1)) for row in dewey],
            "copies_total": sum(row.copies for row in dewey),
            "lexile": bar_chart(lexile, title="Titles by Lexile band", unit="titles", limit=20),
            "ar": bar_chart(ar, title="Titles by AR level", unit="titles", limit=20),
            "months": bar_chart(
                months[-24:], title="Copies added per month", unit="copies", limit=24
            ),
            "older_months": len(months) > 24,
        },
    )


def _scan_library(request, libraries):
    wanted = (request.POST.get("library") or request.GET.get("library") or "").strip()
    if wanted.isdigit() and len(wanted) < 12:
        found = libraries.filter(pk=int(wanted)).first()
        if found is not None:
            return found
    return libraries.order_by("name").first()


@access("library.add_copy")
def catalog_scan(request):
    """Cataloging at the desk, scanner first: scan the ISBN; a title the catalog holds takes
    the copy's barcode and is done; an unknown one is fetched over SRU (when a server is set)
    or catalogued from a short form, and its first copy added with it."""
    libraries = selectors.libraries_for(request.user).order_by("name")
    library = _scan_library(request, libraries)
    given = request.POST if request.method == "POST" else request.GET
    raw = given.get("isbn", "")
    context = {"libraries": libraries, "library": library, "isbn_text": raw[:40]}
    if library is None or not raw.strip():
        return render(request, "library/desk/catalog_scan.html", context)
    try:
        isbn = cataloging.isbn_of(raw)
    except ValidationError as error:
        context["problem"] = problem_text(error)
        return render(request, "library/desk/catalog_scan.html", context)
    context["isbn"] = isbn
    title = cataloging.title_by_isbn(selectors.titles_for(request.user), isbn)
    action = request.POST.get("action") if request.method == "POST" else None
    if title is not None:
        form = CopyScanForm(
            request.POST if action == "copy" else None,
            initial={"call_number": services.suggested_call_number(title)},
        )
        context.update(title=title, form=form, step="copy")
        if action == "copy" and form.is_valid():
            return _added(request, context, form, title=title)
        return render(request, "library/desk/catalog_scan.html", context)
    record = None
    if cataloging.sru_configured() and action != "new":
        try:
            record = cataloging.fetch_record(isbn)
        except sru.SruError as error:
            context["sru_problem"] = str(error)
        else:
            if record is None:
                context["sru_problem"] = f"The catalog server has no record for ISBN {isbn}."
    if record is not None:
        fields = marc.extract(record)
        form = CopyScanForm(
            request.POST if action == "fetched" else None,
            initial={"call_number": fields["call_number"] or fields["dewey"]},
        )
        context.update(record=record, fields=fields, form=form, step="fetched")
        if action == "fetched" and form.is_valid():
            return _added(request, context, form, record=record)
        return render(request, "library/desk/catalog_scan.html", context)
    form = ShortTitleForm(request.POST if action == "new" else None)
    context.update(form=form, step="new")
    if action == "new" and form.is_valid():
        return _added(request, context, form, data=form.title_data(isbn))
    return render(request, "library/desk/catalog_scan.html", context)


def _added(request, context, form, **title):
    try:
        copy = cataloging.catalog_copy(
            actor=request.user,
            library=context["library"],
            barcode=form.cleaned_data["barcode"],
            call_number=form.cleaned_data["call_number"],
            **title,
        )
    except (PermissionDenied, ValidationError, Conflict) as error:
        form.add_error(None, problem_text(error))
        return render(request, "library/desk/catalog_scan.html", context)
    messages.success(
        request,
        f"✓ Added copy {copy.barcode} of “{copy.title.title}”"
        + (f", call number {copy.call_number}" if copy.call_number else "")
        + ". Scan the next ISBN.",
    )
    return redirect(f"{reverse('library:catalog_scan')}?library={copy.library_id}")


@access("library.change_catalogsettings")
def catalog_settings(request):
    """Where copy cataloging fetches records (a district admin's setting)."""
    current = CatalogSettings.current()
    form = CatalogSettingsForm(
        request.POST or None,
        initial={"sru_url": current.sru_url, "sru_version": current.sru_version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            cataloging.settings_update(actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, problem_text(error))
        else:
            messages.success(request, "Saved.")
            return redirect("library:catalog_settings")
    return render(request, "library/desk/settings.html", {"form": form})
