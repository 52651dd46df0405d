"""The librarians' desk: labels, the collection report and cataloging by scan."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from homeroom.core.access import access
from homeroom.core.charts import bar_chart
from homeroom.core.lists import csv_response
from homeroom.library import labels, reports, selectors
from homeroom.library.desk_forms import LabelsForm

LABELS_AT_ONCE = 600
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
