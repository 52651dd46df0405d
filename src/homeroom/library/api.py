"""The library in the API: the catalog searched with the same filter as its pages (cursor
paginated), a title with its copies, a copy by its barcode, and MARC export. MARC import
goes through core's /api/v1/imports with kind "marc"."""

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from homeroom.core.access import requires
from homeroom.core.schemas import Id
from homeroom.library import export, selectors
from homeroom.library.filters import TitleFilter
from homeroom.library.models import Copy, Library
from homeroom.library.schemas import (
    CopyLookupOut,
    LibraryTitleDetailOut,
    LibraryTitlePage,
    LibraryTitlePageIn,
)
from homeroom.library.search import best_first, words

router = Router(tags=["Library"])

SEARCH = "library.search_catalog"
EXPORTS = {
    "mrc": (export.marc_bytes, "application/marc"),
    "xml": (export.marcxml_bytes, "application/marcxml+xml"),
}


def _copy(copy: Copy) -> dict:
    return {
        "id": copy.pk,
        "barcode": copy.barcode,
        "library_id": copy.library.site_id,
        "library": copy.library.name,
        "call_number": copy.call_number,
        "location": copy.location,
        "collection": copy.collection,
        "copy_number": copy.copy_number,
        "circulation_type": copy.circulation_type,
        "status": copy.status,
    }


def _title(title) -> dict:
    return {
        "id": title.pk,
        "title": title.title,
        "subtitle": title.subtitle,
        "authors": [name for name in title.authors.split("; ") if name],
        "isbns": title.isbn_list,
        "year": title.year,
        "publisher": title.publisher,
        "series": title.series,
        "material_type": title.material_type,
        "call_number": title.call_number,
        "dewey": title.dewey,
        "lexile": title.lexile,
        "lexile_label": title.lexile_label,
        "ar_level": title.ar_level,
        "ar_points": title.ar_points,
        "interest_grade": title.interest_grade,
        "status": title.status,
        "copies": title.copy_count,
        "available": title.available_count,
    }


def _cursor(text: str | None) -> dict:
    """A cursor is opaque to callers: base64 of where the last page ended."""
    if not text:
        return {}
    try:
        position = json.loads(base64.urlsafe_b64decode(text.encode("ascii") + b"==="))
    except (ValueError, UnicodeError, binascii.Error):
        position = None
    valid = isinstance(position, dict) and (
        (isinstance(position.get("offset"), int) and 0 <= position["offset"] <= 10**9)
        or (
            isinstance(position.get("title"), str)
            and isinstance(position.get("id"), int)
            and 0 <= position["id"] <= 2**63 - 1
        )
    )
    if not valid:
        raise ValidationError({"cursor": "Not a cursor this list gave; start again without it."})
    return position


def _encode(position: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


@router.get("/library/titles", response=LibraryTitlePage)
@requires(SEARCH)
def list_library_titles(
    request,
    filters: Query[TitleFilter],
    page: Query[LibraryTitlePageIn],
):
    """The catalog, filtered as on its pages. With words in `q` the best matches come first
    (the cursor then counts results); otherwise titles come in title order, and the cursor
    is where the last page ended, so pages stay right while the catalog changes."""
    position, limit = _cursor(page.cursor), page.limit
    titles = selectors.with_copy_counts(filters.filter(selectors.titles_for(request.auth)))
    if filters.q and words(filters.q):
        if "title" in position:
            raise ValidationError({"cursor": "Not a cursor of this search; start again."})
        start = position.get("offset", 0)
        found = list(best_first(titles, filters.q)[start : start + limit + 1])
        more = len(found) > limit
        following = {"offset": start + limit}
    else:
        if "offset" in position:
            raise ValidationError({"cursor": "Not a cursor of this list; start again."})
        titles = titles.order_by("title", "pk")
        if position:
            titles = titles.filter(
                Q(title__gt=position["title"]) | Q(title=position["title"], pk__gt=position["id"])
            )
        found = list(titles[: limit + 1])
        more = len(found) > limit
        following = {"title": found[limit - 1].title, "id": found[limit - 1].pk} if more else {}
    return {
        "items": [_title(title) for title in found[:limit]],
        "next_cursor": _encode(following) if more else None,
    }


@router.get("/library/titles/export")
@requires(selectors.VIEW)
def export_library_titles(request, filters: Query[TitleFilter], format: str = "mrc"):
    """What the filter finds as MARC, streamed: `mrc` (MARC21, UTF-8) or `xml` (MARCXML),
    each copy an 852; with `library`, only that library's copies."""
    if format not in EXPORTS:
        raise ValidationError({"format": "Give mrc or xml."})
    write, content_type = EXPORTS[format]
    titles = filters.filter(selectors.titles_for(request.auth))
    library = None
    if filters.library:
        library = Library.objects.filter(site_id=filters.library).first()
    response = StreamingHttpResponse(write(titles, library=library), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="catalog.{format}"'
    return response


@router.get("/library/titles/{int:title_id}", response=LibraryTitleDetailOut)
@requires(SEARCH)
def get_library_title(request, title_id: Id):
    """A title with its copies (withdrawn ones only for those who keep the catalog)."""
    titles = selectors.with_copy_counts(selectors.titles_for(request.auth))
    title = get_object_or_404(titles, pk=title_id)
    copies = selectors.copies_of(request.auth, title)
    return {
        **_title(title),
        "responsibility": title.responsibility,
        "edition": title.edition,
        "subjects": [name for name in title.subjects.split("; ") if name],
        "summary": title.summary,
        "language": title.language,
        "copy_list": [_copy(copy) for copy in copies],
    }


@router.get("/library/copies/by-barcode/{barcode}", response=CopyLookupOut)
@requires("library.view_copy")
def get_library_copy_by_barcode(request, barcode: str):
    """The copy with this barcode, as a scanner reads it."""
    text = "".join(barcode.split())
    if not text or len(text) > 40 or "\x00" in text:
        raise ValidationError({"barcode": "Give a barcode of at most 40 characters."})
    copy = get_object_or_404(
        selectors.copies_for(request.auth).select_related("library", "title"), barcode=text
    )
    return {**_copy(copy), "title": {"id": copy.title_id, "title": copy.title.title}}
