"""The students' catalog: a phone-first search of the library for students and teachers,
with reading levels and where to find each book, and holds placed from a book's page."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from homeroom.core.access import access
from homeroom.core.filters import filtered
from homeroom.core.lists import paginate
from homeroom.core.models import Site
from homeroom.library import selectors
from homeroom.library.choices import ACTIVE_HOLD_STATUSES, CopyStatus
from homeroom.library.circulation_selectors import own_person
from homeroom.library.filters import TitleFilter
from homeroom.library.search import best_first

SEARCH = "library.search_catalog"
RESULTS_PER_PAGE = 20
# The filters the page offers; any of them (or words) makes a search.
ASKED = (
    "q",
    "library",
    "available",
    "lexile_min",
    "lexile_max",
    "ar_min",
    "ar_max",
    "interest_grade",
)


@dataclass
class Shelf:
    """Where a book is in one library: its call numbers and how many copies are in."""

    library: str
    call_numbers: list[str] = field(default_factory=list)
    copies: int = 0
    in_now: int = 0


def shelves(title) -> list[Shelf]:
    """A title's copies (prefetched as `shelf_copies`) grouped by library."""
    found: dict[int, Shelf] = {}
    for copy in title.shelf_copies:
        shelf = found.setdefault(copy.library_id, Shelf(copy.library.name))
        number = copy.call_number or title.call_number
        if number and number not in shelf.call_numbers:
            shelf.call_numbers.append(number)
        shelf.copies += 1
        shelf.in_now += copy.status == CopyStatus.AVAILABLE
    return list(found.values())


def _with_shelves(user, titles):
    copies = (
        selectors.catalog_copies(user)
        .select_related("library")
        .order_by("library__name", "call_number", "barcode")
    )
    return titles.prefetch_related(Prefetch("copies", queryset=copies, to_attr="shelf_copies"))


@access(SEARCH)
def catalog(request):
    """Search the library: words, a reading level, what is on the shelf now."""
    title_filter, titles = filtered(request, TitleFilter, selectors.titles_for(request.user))
    asked = any(getattr(title_filter, name) not in (None, "") for name in ASKED)
    page = None
    if asked:
        ordered = best_first(_with_shelves(request.user, titles), title_filter.q)
        page = paginate(request, ordered, per_page=RESULTS_PER_PAGE)
        for title in page.object_list:
            title.shelves = shelves(title)
    context = {
        "filter": title_filter,
        "asked": asked,
        "page": page,
        "libraries": Site.objects.filter(is_active=True, library__isnull=False).order_by("name"),
    }
    template = "library/catalog/search.html#results" if request.htmx else None
    return render(request, template or "library/catalog/search.html", context)


@access(SEARCH)
def catalog_title(request, pk: int):
    """One book as a reader sees it: what it is about, its reading levels, where it is."""
    title = get_object_or_404(
        _with_shelves(request.user, selectors.titles_for(request.user)), pk=pk
    )
    person = own_person(request.user)
    holding = {copy.library_id: copy.library for copy in title.shelf_copies}
    return render(
        request,
        "library/catalog/title.html",
        {
            "title": title,
            "shelves": shelves(title),
            "person": person,
            "hold_libraries": sorted(holding.values(), key=lambda library: library.name),
            "my_hold": title.holds.filter(person=person, status__in=ACTIVE_HOLD_STATUSES)
            .select_related("library")
            .first()
            if person
            else None,
        },
    )
