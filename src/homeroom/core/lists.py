"""Helpers shared by list pages: pagination, sorting and CSV export of what the filters show."""

import csv
import io
import re

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def sort(request, queryset, allowed: dict[str, str | tuple[str, ...]], default: str):
    """Order by the `sort` parameter (a key of `allowed`, "-" for descending); a key may
    stand for several fields, e.g. site then room number."""
    key = request.GET.get("sort", default)
    fields = allowed.get(key.lstrip("-"))
    if fields is None:
        key, fields = default, allowed[default.lstrip("-")]
    direction = "-" if key.startswith("-") else ""
    fields = (fields,) if isinstance(fields, str) else fields
    return queryset.order_by(*(direction + field for field in fields), "pk"), key


class _Echo:
    def write(self, value):
        return value


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) from
# a ticket subject, say). Exports carry names and text people typed, so such text is marked
# as text; a plain number such as "-12.50" is harmless and stays as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def runs_as_formula(value) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    )


def csv_cell(value):
    """CSV has no cell types, so text a spreadsheet would run gets the apostrophe that
    Excel and LibreOffice read as "this is text"."""
    return "'" + value if runs_as_formula(value) else value


def xlsx_cell(sheet, value):
    """openpyxl stores text starting with "=" as a formula; such text is written as a text
    cell with Excel's quote prefix instead, so it shows exactly as typed and never runs."""
    if not runs_as_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream rows as CSV, so an export of a whole district never sits in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([csv_cell(value) for value in header])
        for row in rows:
            yield writer.writerow([csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, header: list[str], rows) -> HttpResponse:
    """The same rows as an Excel workbook, written row by row (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([xlsx_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(request, name: str, header: list[str], rows):
    """CSV or XLSX of a list as its filters show it, by the `export` parameter."""
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows)
    return csv_response(f"{name}.csv", header, rows)
