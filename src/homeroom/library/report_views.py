"""The circulation report: loans by month, grade and library, the titles lent most and
the holds waiting, for one of the librarian's libraries or all of them; charts, tables and
CSV like the collection report."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from homeroom.core.access import access
from homeroom.core.charts import bar_chart
from homeroom.core.lists import csv_response
from homeroom.library import reports, selectors

EXPORTS = {
    "months": ["Month", "Loans"],
    "grades": ["Grade", "Loans"],
    "libraries": ["Library", "Loans"],
    "titles": ["Title", "Loans"],
    "holds": ["Title", "Library", "Readers waiting"],
}


@access("library.view_loan")
def circulation_report(request):
    """A year of whole months of lending (`export`: months, grades, libraries, titles,
    holds as CSV)."""
    libraries = selectors.libraries_for(request.user)
    chosen = None
    wanted = request.GET.get("library", "")
    if wanted.isdigit() and len(wanted) < 12:
        chosen = libraries.filter(pk=int(wanted)).first()
    scope = libraries.filter(pk=chosen.pk) if chosen else libraries
    since = reports.report_start(timezone.localdate())
    loans = reports.lent(scope, since)
    holds = reports.holds_waiting(scope)
    export = request.GET.get("export")
    if export in EXPORTS:
        rows = {
            "months": lambda: reports.loans_by_month(loans, since),
            "grades": lambda: reports.loans_by_grade(loans),
            "libraries": lambda: reports.loans_by_library(loans),
            "titles": lambda: reports.top_titles(loans, limit=500),
            "holds": lambda: reports.holds_by_title(holds, limit=5000),
        }[export]()
        name = slugify(chosen.name) if chosen else "all-libraries"
        return csv_response(f"circulation-{export}-{name}.csv", EXPORTS[export], rows)
    months = reports.loans_by_month(loans, since)
    grades = reports.loans_by_grade(loans)
    by_library = reports.loans_by_library(loans)
    titles = reports.top_titles(loans)
    waiting = reports.holds_by_library(holds)
    return render(
        request,
        "library/reports/circulation.html",
        {
            "libraries": libraries.order_by("name"),
            "chosen": chosen,
            "query": f"library={chosen.pk}&" if chosen else "",
            "since": since,
            "total": sum(count for _, count in months),
            "months": bar_chart(months, title="Loans per month", unit="loans", limit=12),
            "grades": bar_chart(grades, title="Loans by grade", unit="loans", limit=16),
            "by_library": bar_chart(by_library, title="Loans by library", unit="loans", limit=20),
            "titles": titles,
            "waiting": bar_chart(waiting, title="Holds waiting", unit="holds", limit=20),
            "most_waited": reports.holds_by_title(holds, limit=10),
        },
    )
