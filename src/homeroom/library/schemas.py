"""The library's API shapes. Every name starts with Library, Title or Copy: names are shared
by the whole API's schema."""

import datetime
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


class LibraryLoanIn(Schema):
    barcode: str = Field(min_length=1, max_length=40, description="The copy's barcode.")
    person_id: int = Field(ge=1, le=2**63 - 1, description="The reader.")
    override: bool = Field(
        False, description="Lend past the refusals a librarian may override (recorded)."
    )


class LibraryLoanOut(Schema):
    id: int
    barcode: str
    title_id: int
    title: str
    library: str
    person_id: int | None
    status: str
    checked_out_at: datetime.datetime
    due_on: datetime.date
    due_at: datetime.datetime
    renewals: int
    returned_at: datetime.datetime | None
    override: str


class LibraryLoanPage(Schema):
    items: list[LibraryLoanOut]
    next_cursor: str | None = Field(
        description="Give it as `cursor` for the next page; null on the last page."
    )


class LibraryReturnIn(Schema):
    barcode: str = Field(min_length=1, max_length=40)
    library_id: int | None = Field(
        None,
        ge=1,
        le=2**63 - 1,
        description="The desk's library (site id); the copy's own by default.",
    )


class LibraryHoldOut(Schema):
    id: int
    title_id: int
    title: str
    library: str
    person_id: int
    status: str
    placed_at: datetime.datetime
    expires_on: datetime.date | None


class LibraryReturnOut(Schema):
    barcode: str
    loan: LibraryLoanOut | None
    hold: LibraryHoldOut | None = Field(description="The hold the copy was set aside for.")
    in_transit_to: str | None = Field(description="The library the copy goes back to.")
    copy_status: str


class LibraryDamagedIn(Schema):
    barcode: str = Field(min_length=1, max_length=40, description="The copy's barcode.")
    charge: bool = Field(True, description="Charge the reader who has it out its replacement cost.")
    note: str = Field("", max_length=200, description="What is wrong with it.")


class LibraryDamagedOut(Schema):
    barcode: str
    copy_status: str
    charge_id: int | None = Field(description="The charge made under Fees, if any.")
    amount: Decimal | None


class LibraryOverdueOut(LibraryLoanOut):
    days_overdue: int
    reader: str
    grade: str
    homeroom: str = Field(
        description='The homeroom from the roster; "No homeroom on the roster" or "Staff".'
    )
    teachers: list[str] = Field(description="The homeroom's teachers, primary first.")


class LibraryHoldIn(Schema):
    title_id: int = Field(ge=1, le=2**63 - 1)
    library_id: int = Field(ge=1, le=2**63 - 1, description="The library's site id.")
    person_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="The reader; yourself when left out."
    )


class LibraryLoanRuleOut(Schema):
    id: int
    library_id: int | None = Field(description="The library's site id; null: any library.")
    patron_type: str | None = Field(description="Its code; null: any reader.")
    circulation_type: str | None = Field(description="Null: any item.")
    loan_unit: str
    loan_length: int
    ceiling: datetime.date | None
    max_items: int
    renewals: int
    holds_allowed: bool
    max_holds: int
    grace_days: int
    fine_per_day: Decimal
    fine_cap: Decimal
    lost_after_days: int
    charge_replacement: bool


class LibraryStocktakeIn(Schema):
    library_id: int = Field(ge=1, le=2**63 - 1, description="The library's site id.")
    call_number_from: str = Field("", max_length=100, description="Empty: from the start.")
    call_number_to: str = Field(
        "", max_length=100, description="Empty: to the end; takes every call number it begins."
    )


class LibraryStocktakeOut(Schema):
    id: int
    library_id: int = Field(description="The library's site id.")
    library: str
    call_number_from: str
    call_number_to: str
    status: str
    started_at: datetime.datetime
    closed_at: datetime.datetime | None
    expected: int = Field(description="Copies expected on the shelves, frozen at the start.")
    found: int
    not_found: int = Field(description="Expected copies not scanned (yet), still on the shelf.")
    scans: int
    misplaced: int = Field(description="Scans of another library's copies or not on the list.")


class LibraryStocktakeScanIn(Schema):
    barcode: str = Field(min_length=1, max_length=40)


class LibraryStocktakeScanOut(Schema):
    barcode: str
    outcome: str = Field(description="found, checked_in, not_expected, other_library or unknown.")
    repeated: bool = Field(description="The barcode was counted before; it counts once.")
    message: str
    copy_id: int | None
    title: str | None
