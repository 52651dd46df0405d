"""Helpers shared by list pages: pagination, sorting and CSV export of what the filters show."""

import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def sort(request, queryset, allowed: dict[str, str], default: str):
    """Order by the `sort` parameter (a key of `allowed`, "-" for descending)."""
    key = request.GET.get("sort", default)
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, field = default, allowed[default.lstrip("-")]
    descending = key.startswith("-")
    return queryset.order_by(("-" if descending else "") + field, "pk"), key


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream rows as CSV, so an export of a whole district never sits in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
