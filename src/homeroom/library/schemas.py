"""The library's API shapes. Every name starts with Library, Title or Copy: names are shared
by the whole API's schema."""

from decimal import Decimal

from ninja import Field, Schema


class LibraryCopyOut(Schema):
    id: int
    barcode: str
    library_id: int = Field(description="The library's site id.")
    library: str
    call_number: str
    location: str
    collection: str
    copy_number: int | None
    circulation_type: str
    status: str


class LibraryTitleOut(Schema):
    id: int
    title: str
    subtitle: str
    authors: list[str]
    isbns: list[str]
    year: int | None
    publisher: str
    series: str
    material_type: str
    call_number: str
    dewey: str
    lexile: int | None
    lexile_label: str = Field(description="As readers see it written: 850L, AD520L, BR150L.")
    ar_level: Decimal | None
    ar_points: Decimal | None
    interest_grade: str
    status: str
    copies: int = Field(description="Copies not withdrawn.")
    available: int = Field(description="Copies on the shelf now.")


class LibraryTitlePageIn(Schema):
    cursor: str | None = Field(None, max_length=400, description="From `next_cursor`.")
    limit: int = Field(50, ge=1, le=200)


class LibraryTitlePage(Schema):
    items: list[LibraryTitleOut]
    next_cursor: str | None = Field(
        description="Give it as `cursor` for the next page; null on the last page."
    )


class LibraryTitleDetailOut(LibraryTitleOut):
    responsibility: str
    edition: str
    subjects: list[str]
    summary: str
    language: str
    copy_list: list[LibraryCopyOut] = Field(description="Its copies, by library.")


class CopyTitleRef(Schema):
    id: int
    title: str


class CopyLookupOut(LibraryCopyOut):
    title: CopyTitleRef
