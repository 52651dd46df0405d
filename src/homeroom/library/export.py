"""MARC export of the catalog: binary MARC21 (UTF-8) or MARCXML, each title's record with
one 852 per copy (library, location, collection, call number, barcode, copy number, price).
Written a batch at a time, so the whole catalog streams."""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from pymarc import record_to_xml

from homeroom.library.choices import CopyStatus
from homeroom.library.marc import holding_field, record_from_json
from homeroom.library.models import Copy, Title

BATCH = 500
XML_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
)
XML_TAIL = b"</collection>\n"


def records(titles: QuerySet[Title], *, library=None) -> Iterator:
    """Each title's record with its copies (of `library` only, when given) as 852s."""
    copies = Copy.objects.exclude(status=CopyStatus.WITHDRAWN).select_related("library__site")
    if library is not None:
        copies = copies.filter(library=library)
    last = 0
    while True:
        batch = list(
            titles.filter(pk__gt=last)
            .order_by("pk")
            .prefetch_related(Prefetch("copies", queryset=copies.order_by("barcode")))[:BATCH]
        )
        if not batch:
            return
        for title in batch:
            record = record_from_json(title.record)
            for copy in title.copies.all():
                record.add_ordered_field(holding_field(copy, copy.library.site.code))
            yield record
        last = batch[-1].pk


def marc_bytes(titles: QuerySet[Title], *, library=None) -> Iterator[bytes]:
    for record in records(titles, library=library):
        yield record.as_marc()


def marcxml_bytes(titles: QuerySet[Title], *, library=None) -> Iterator[bytes]:
    yield XML_HEAD
    for record in records(titles, library=library):
        yield record_to_xml(record) + b"\n"
    yield XML_TAIL
