"""What the library adds to the navigation, Today, the global search, the import formats
and the sweep."""

from django.utils import timezone

from homeroom.core import roles
from homeroom.core.access import Rule
from homeroom.core.import_formats import register_format
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    PersonSection,
    SearchProvider,
    SearchResult,
    SweepJob,
    Workspace,
    registry,
)
from homeroom.library import circulation, circulation_selectors, overdues, selectors
from homeroom.library.choices import ACTIVE_HOLD_STATUSES, OPEN_LOAN_STATUSES
from homeroom.library.importer import Marc
from homeroom.library.search import search

VIEW = Rule("library.view_title")
LIBRARY = Workspace("library", "Library", order=300)

registry.add_nav(
    NavItem(
        "Catalog",
        "library:title_list",
        VIEW,
        LIBRARY,
        order=300,
        prefixes=("/library/titles/", "/library/copies/"),
    )
)
registry.add_nav(NavItem("MARC imports", "library:import_list", VIEW, LIBRARY, order=302))
registry.add_nav(
    NavItem("Cataloging", "library:catalog_scan", Rule("library.add_copy"), LIBRARY, order=301)
)
registry.add_nav(
    NavItem(
        "Catalog settings",
        "library:catalog_settings",
        Rule("library.change_catalogsettings"),
        LIBRARY,
        order=306,
    )
)
registry.add_nav(
    NavItem(
        "Collection report",
        "library:collection_report",
        Rule("library.view_copy"),
        LIBRARY,
        order=304,
    )
)
# The students' catalog: for those who only search, the Library workspace is this one page.
registry.add_nav(
    NavItem(
        "Find a book",
        "library:catalog",
        Rule("library.search_catalog"),
        LIBRARY,
        order=310,
        prefixes=("/library/my-books/",),
    )
)
registry.add_nav(
    NavItem("Circulation desk", "library:desk", Rule("library.add_loan"), LIBRARY, order=303)
)
registry.add_nav(
    NavItem(
        "Loan rules",
        "library:loan_rules",
        Rule("library.view_loanrule"),
        LIBRARY,
        order=305,
        prefixes=("/library/loan-rules/",),
    )
)
registry.add_nav(
    NavItem(
        "Stocktake",
        "library:stocktake_list",
        Rule("library.view_stocktake"),
        LIBRARY,
        order=307,
        prefixes=("/library/stocktakes/",),
    )
)
registry.add_nav(
    NavItem(
        "Class sets",
        "library:class_set",
        Rule("library.add_loan"),
        LIBRARY,
        order=308,
        prefixes=("/library/class-sets/",),
    )
)
registry.add_nav(
    NavItem(
        "Circulation report",
        "library:circulation_report",
        Rule("library.view_loan"),
        LIBRARY,
        order=309,
    )
)
registry.add_nav(
    NavItem("Overdue books", "library:overdue_list", Rule("library.view_loan"), LIBRARY, order=311)
)
registry.add_nav(
    NavItem("Holds to pull", "library:holds_to_pull", Rule("library.view_hold"), LIBRARY, order=312)
)
register_format(Marc())


def desk_card(request):
    """Today at the desk: books due back, overdue ones and holds to pull, at the libraries
    of the user's schools (the chosen school's when one is picked)."""
    libraries = selectors.libraries_for(request.user)
    if request.current_site is not None:
        libraries = libraries.filter(site=request.current_site)
    libraries = list(libraries)
    if not libraries:
        return None
    numbers = circulation_selectors.desk_numbers(request.user, libraries, timezone.localdate())
    return {**numbers, "library": libraries[0] if len(libraries) == 1 else None}


registry.add_card(
    DashboardCard(
        "library/circulation/card.html",
        desk_card,
        Rule("library.add_loan"),
        order=250,
        leads=frozenset({roles.LIBRARIAN}),
    )
)


def person_loans(request, person):
    return {
        "loans": circulation_selectors.loans_for(request.user)
        .filter(person=person, status__in=OPEN_LOAN_STATUSES)
        .order_by("due_at", "pk"),
        "holds": circulation_selectors.holds_for(request.user)
        .filter(person=person, status__in=ACTIVE_HOLD_STATUSES)
        .order_by("placed_at", "pk"),
        "today": timezone.localdate(),
    }


registry.add_person_section(
    PersonSection(
        "library/circulation/person_loans.html",
        person_loans,
        Rule("library.view_loan"),
        order=300,
    )
)


def search_titles(request, query: str, limit: int):
    titles = search(selectors.titles_for(request.user), query)
    return [
        SearchResult(
            title=str(title),
            url=title.get_absolute_url(),
            subtitle=" · ".join(
                part for part in (title.authors.split("; ")[0], str(title.year or "")) if part
            ),
            badge="Title",
        )
        for title in titles[:limit]
    ]


def search_copies(request, query: str, limit: int):
    text = query.strip()
    if " " in text:
        return []
    copies = (
        selectors.copies_for(request.user).filter(barcode=text).select_related("title", "library")
    )
    return [
        SearchResult(
            title=f"{copy.barcode} · {copy.title.title}",
            url=copy.get_absolute_url(),
            subtitle=f"{copy.library.name} · {copy.get_status_display()}",
            badge="Copy",
        )
        for copy in copies[:limit]
    ]


registry.add_search(SearchProvider("Library titles", search_titles, VIEW, order=300))
registry.add_search(
    SearchProvider("Library copies", search_copies, Rule("library.view_copy"), order=301)
)

# Lost before the notices, so a book just given up as lost is not mailed as overdue.
registry.add_sweep(SweepJob("Library holds", circulation.holds_expire))
registry.add_sweep(SweepJob("Library lost books", overdues.lost_sweep))
registry.add_sweep(SweepJob("Library overdue notices", overdues.notices_send))
