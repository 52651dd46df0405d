from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from homeroom.library.choices import (
    ACTIVE_HOLD_STATUSES,
    OPEN_LOAN_STATUSES,
    CirculationType,
    CopyStatus,
    HoldStatus,
    LoanStatus,
    LoanUnit,
    MaterialType,
    ScanOutcome,
    StocktakeStatus,
    TitleStatus,
)

MAX_PRICE = Decimal("99999.99")
# The MARC language codes of the languages school libraries hold most.
LANGUAGES = {
    "eng": "English",
    "spa": "Spanish",
    "fre": "French",
    "ger": "German",
    "ita": "Italian",
    "por": "Portuguese",
    "chi": "Chinese",
    "jpn": "Japanese",
    "kor": "Korean",
    "vie": "Vietnamese",
    "ara": "Arabic",
    "rus": "Russian",
    "hmn": "Hmong",
    "som": "Somali",
    "tgl": "Tagalog",
    "hin": "Hindi",
    "lat": "Latin",
    "mul": "Several languages",
    "zxx": "No language",
    "und": "Unknown",
}
PRICE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PRICE)]


class Library(models.Model):
    """A school's library or media center: one per site. New copies without a barcode of
    their own get the next number of its range (`barcode_prefix` and `next_barcode`)."""

    site = models.OneToOneField("core.Site", on_delete=models.PROTECT, related_name="library")
    name = models.CharField(max_length=200)
    barcode_prefix = models.CharField(
        max_length=12, blank=True, help_text="Put before the number of a new barcode, e.g. T."
    )
    next_barcode = models.PositiveIntegerField(
        default=1,
        validators=[MaxValueValidator(10**12)],
        help_text="The next new barcode's number.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "libraries"

    def __str__(self) -> str:
        return self.name


class Title(models.Model):
    """A bibliographic record: the MARC record kept whole (MARC-in-JSON text) is the source of
    truth; the other fields are read from it for search, display and matching, and are written
    again whenever the record changes."""

    record = models.TextField(help_text="The whole MARC record, as MARC-in-JSON.")
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(max_length=20, choices=TitleStatus, default=TitleStatus.ACTIVE)
    title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=500, blank=True)
    responsibility = models.CharField(max_length=500, blank=True)
    authors = models.CharField(max_length=1000, blank=True, help_text="Separated by “; ”.")
    isbns = models.CharField(max_length=500, blank=True, help_text="ISBN-13s, space-separated.")
    invalid_isbns = models.CharField(max_length=500, blank=True)
    lccn = models.CharField(max_length=40, blank=True)
    control_number = models.CharField(max_length=100, blank=True)
    control_source = models.CharField(max_length=100, blank=True)
    system_numbers = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    edition = models.CharField(max_length=200, blank=True)
    series = models.CharField(max_length=500, blank=True)
    subjects = models.TextField(blank=True, help_text="Separated by “; ”.")
    summary = models.TextField(blank=True)
    language = models.CharField(max_length=3, blank=True)
    material_type = models.CharField(
        max_length=20, choices=MaterialType, default=MaterialType.BOOK, db_index=True
    )
    audience = models.CharField(max_length=200, blank=True)
    reading_grade = models.CharField(max_length=40, blank=True)
    interest_grade = models.CharField(max_length=40, blank=True)
    lexile = models.SmallIntegerField(null=True, blank=True)
    lexile_code = models.CharField(max_length=2, blank=True, help_text="AD, GN, HL, IG, NC, NP, BR")
    ar_level = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    ar_points = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    ar_quiz = models.CharField(max_length=20, blank=True)
    dewey = models.CharField(max_length=40, blank=True)
    call_number = models.CharField(max_length=100, blank=True)
    source_run = models.ForeignKey(
        "core.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The MARC import that added it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [
            models.Index(fields=["title", "id"]),
            models.Index(fields=["lexile"]),
            models.Index(fields=["ar_level"]),
            models.Index(fields=["year"]),
            models.Index(fields=["dewey"]),
        ]
        permissions = [("search_catalog", "Can search the library catalog")]

    def __str__(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    def get_absolute_url(self) -> str:
        return reverse("library:title_detail", args=[self.pk])

    @property
    def isbn_list(self) -> list[str]:
        return self.isbns.split()

    @property
    def language_name(self) -> str:
        return LANGUAGES.get(self.language, self.language)

    @property
    def lexile_label(self) -> str:
        """850L, AD520L, BR150L as readers see it written."""
        if self.lexile is None:
            return ""
        if self.lexile < 0:
            return f"BR{-self.lexile}L"
        return f"{self.lexile_code}{self.lexile}L"


class TitleKey(models.Model):
    """One way of recognising a title when a MARC file brings it again: `isbn:978…`,
    `lccn:…`, `ctrl:003|001` or `sys:(OCoLC)…` (and, without any, the title's fingerprint)."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["title", "key"], name="title_key_once")]

    def __str__(self) -> str:
        return self.key


class Copy(models.Model):
    """One physical item of a title in a library, known by its barcode across the district."""

    barcode = models.CharField(max_length=40, unique=True)
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="copies")
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="copies")
    location = models.CharField(max_length=100, blank=True, help_text="Shelving location.")
    collection = models.CharField(max_length=100, blank=True)
    call_number = models.CharField(max_length=100, blank=True)
    copy_number = models.PositiveSmallIntegerField(null=True, blank=True)
    price = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=PRICE_VALIDATORS
    )
    replacement_cost = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=PRICE_VALIDATORS
    )
    acquired_on = models.DateField(null=True, blank=True)
    funding_source = models.CharField(max_length=100, blank=True)
    vendor = models.CharField(max_length=100, blank=True)
    circulation_type = models.CharField(
        max_length=20, choices=CirculationType, default=CirculationType.BOOK
    )
    status = models.CharField(
        max_length=20, choices=CopyStatus, default=CopyStatus.AVAILABLE, db_index=True
    )
    # For a copy a MARC file brought without a barcode: the holding it came from, so the
    # same file imported again finds it instead of making another.
    source_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["barcode"]
        verbose_name_plural = "copies"
        indexes = [
            models.Index(fields=["library", "status"]),
            models.Index(fields=["title", "library"]),
            models.Index(fields=["source_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.barcode} · {self.title.title}"

    def get_absolute_url(self) -> str:
        return reverse("library:copy_detail", args=[self.pk])


class CatalogSettings(models.Model):
    """The district's library settings (one row): where copy cataloging fetches records.
    Until a district admin sets an SRU server, nothing leaves the server."""

    sru_url = models.URLField(
        "SRU server",
        blank=True,
        max_length=500,
        help_text="The base address of an SRU catalog server, e.g. "
        "http://lx2.loc.gov:210/LCDB for the Library of Congress. Leave empty to catalog "
        "by hand only.",
    )
    sru_version = models.CharField(
        "SRU version",
        max_length=3,
        choices=[("1.1", "1.1"), ("1.2", "1.2"), ("2.0", "2.0")],
        default="1.1",
    )
    hold_shelf_days = models.PositiveSmallIntegerField(
        "Days on the hold shelf",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="School days a reader has to collect a book set aside for them.",
    )
    keep_loan_history = models.BooleanField(
        "Keep who borrowed a book after it comes back",
        default=False,
        help_text="Off: a returned loan forgets its reader (library privacy); the counts "
        "for reports stay.",
    )
    overdue_notice_days = models.PositiveSmallIntegerField(
        "Days between overdue notices",
        default=7,
        validators=[MaxValueValidator(60)],
        help_text="A reader with an address is mailed about an overdue book at most once in "
        "this many days; 0: no overdue mail.",
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "catalog settings"
        verbose_name_plural = "catalog settings"

    def __str__(self) -> str:
        return "Catalog settings"

    @classmethod
    def current(cls) -> "CatalogSettings":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class SearchDocument(models.TextField):
    """The FTS5 table's hidden column of its own name: `document MATCH 'query'`."""


@SearchDocument.register_lookup
class FullTextMatch(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class TitleText(models.Model):
    """SQLite's full-text index of the titles (an FTS5 table with `library_title` as its
    content, kept in step by triggers; see `library.search`). Read only, and only on SQLite:
    the table is made by a migration there, and PostgreSQL uses an index instead."""

    title = models.OneToOneField(
        Title,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="text",
    )
    document = SearchDocument(db_column="library_title_fts")
    rank = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = "library_title_fts"

    def __str__(self) -> str:
        return str(self.title_id)


class PatronType(models.Model):
    """A kind of reader the loan rules tell apart: a band of grades from the roster (K-2,
    3-5…) or staff. A student is of the type that lists their grade; staff of the staff
    type; librarians may add types of their own."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    grades = models.CharField(
        max_length=200, blank=True, help_text="Roster grades, space-separated: KG 01 02."
    )
    for_staff = models.BooleanField(default=False, help_text="Teachers, aides and other staff.")
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class LoanRule(models.Model):
    """One row of the loan rules matrix: library, patron type and circulation type, where
    an empty part matches any. The most specific matching row wins: a library's own row
    before the district's, then a patron type's, then a circulation type's."""

    library = models.ForeignKey(
        Library, null=True, blank=True, on_delete=models.CASCADE, related_name="loan_rules"
    )
    patron_type = models.ForeignKey(
        PatronType, null=True, blank=True, on_delete=models.CASCADE, related_name="loan_rules"
    )
    circulation_type = models.CharField(max_length=20, choices=CirculationType, blank=True)
    loan_unit = models.CharField(max_length=10, choices=LoanUnit, default=LoanUnit.OPEN_DAYS)
    loan_length = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    ceiling = models.DateField(
        null=True,
        blank=True,
        help_text="Nothing is due after this day (the last school day of the year).",
    )
    max_items = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(500)], help_text="0: not for loan."
    )
    renewals = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(50)])
    holds_allowed = models.BooleanField(default=True)
    max_holds = models.PositiveSmallIntegerField(default=3, validators=[MaxValueValidator(50)])
    grace_days = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(60)])
    fine_per_day = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.00"), validators=PRICE_VALIDATORS
    )
    fine_cap = models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal("0.00"), validators=PRICE_VALIDATORS
    )
    lost_after_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MaxValueValidator(730)],
        help_text="Days overdue after which the copy counts as lost; 0: never.",
    )
    charge_replacement = models.BooleanField(
        default=True, help_text="A lost copy charges the reader its replacement cost."
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["library__name", "patron_type__order", "circulation_type", "pk"]

    def __str__(self) -> str:
        parts = (
            self.library.name if self.library_id else "Any library",
            self.patron_type.name if self.patron_type_id else "any reader",
            self.get_circulation_type_display().lower() if self.circulation_type else "any item",
        )
        return " · ".join(parts)

    @property
    def specificity(self) -> tuple[bool, bool, bool]:
        return (
            self.library_id is not None,
            self.patron_type_id is not None,
            bool(self.circulation_type),
        )

    @property
    def length_label(self) -> str:
        unit = {
            LoanUnit.OPEN_DAYS: "school day",
            LoanUnit.DAYS: "day",
            LoanUnit.HOURS: "open hour",
        }[LoanUnit(self.loan_unit)]
        return f"{self.loan_length} {unit}{'' if self.loan_length == 1 else 's'}"


class Loan(models.Model):
    """A copy lent to a reader. `due_at` is when it is due (the school's closing time on
    `due_on` for loans counted in days). While open, one loan per copy; once returned and
    unless the district keeps loan history, the loan forgets its reader but keeps the
    patron type and grade its reports count by."""

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="loans")
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="loans")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="loans"
    )
    patron_type = models.ForeignKey(
        PatronType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grade = models.CharField(max_length=10, blank=True)
    rule = models.ForeignKey(
        LoanRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="loans"
    )
    status = models.CharField(max_length=20, choices=LoanStatus, default=LoanStatus.OUT)
    checked_out_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    due_at = models.DateTimeField()
    renewals = models.PositiveSmallIntegerField(default=0)
    returned_at = models.DateTimeField(null=True, blank=True)
    lost_at = models.DateTimeField(null=True, blank=True)
    noticed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reader was last mailed that it is overdue."
    )
    override = models.CharField(
        max_length=300, blank=True, help_text="What the librarian overrode to lend it."
    )

    class Meta:
        ordering = ["-checked_out_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(status__in=OPEN_LOAN_STATUSES),
                name="one_open_loan_per_copy",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["library", "status", "due_on"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["-checked_out_at"]),
        ]
        permissions = [("override_loan", "Can lend past a loan rule's refusal")]

    def __str__(self) -> str:
        return f"Loan of {self.copy.barcode}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LOAN_STATUSES


class Hold(models.Model):
    """A reader's place in the queue for a title at a library, first come, first served.
    A returned copy is set aside (READY) for the first one waiting; uncollected by
    `expires_on`, the hold expires and the copy goes to the next."""

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="holds")
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="holds")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="holds")
    status = models.CharField(max_length=20, choices=HoldStatus, default=HoldStatus.WAITING)
    placed_at = models.DateTimeField(default=timezone.now)
    copy = models.ForeignKey(
        Copy, null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "title"],
                condition=Q(status__in=ACTIVE_HOLD_STATUSES),
                name="one_active_hold_per_title",
            ),
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(status=HoldStatus.READY),
                name="one_hold_per_copy_on_shelf",
            ),
        ]
        indexes = [
            models.Index(fields=["library", "title", "status", "placed_at"]),
            models.Index(fields=["library", "status", "expires_on"]),
            models.Index(fields=["person", "status"]),
        ]

    def __str__(self) -> str:
        return f"Hold on {self.title.title}"


class Stocktake(models.Model):
    """An inventory of a library's shelves, or of a range of call numbers: the copies
    expected on them are frozen when it starts (`StocktakeItem`); scans in any number of
    sittings by several people find them (`StocktakeScan`); closing it leaves the copies
    never found, which the librarian may mark missing."""

    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="stocktakes")
    call_number_from = models.CharField(
        max_length=100, blank=True, help_text="The first call number counted; empty: the start."
    )
    call_number_to = models.CharField(
        max_length=100,
        blank=True,
        help_text="The last call number counted (and all that start with it); empty: the end.",
    )
    status = models.CharField(
        max_length=10, choices=StocktakeStatus, default=StocktakeStatus.OPEN, db_index=True
    )
    expected_count = models.PositiveIntegerField(default=0, editable=False)
    started_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    missing_marked_at = models.DateTimeField(null=True, blank=True)
    missing_marked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["library", "status"])]

    def __str__(self) -> str:
        return f"Stocktake of {self.library.name}{self.range_label and f' ({self.range_label})'}"

    def get_absolute_url(self) -> str:
        return reverse("library:stocktake", args=[self.pk])

    @property
    def range_label(self) -> str:
        if not self.call_number_from and not self.call_number_to:
            return ""
        return f"{self.call_number_from or 'start'} to {self.call_number_to or 'end'}"


class StocktakeItem(models.Model):
    """A copy the stocktake expects on the shelf: frozen when it starts."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="items")
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "copy"], name="stocktake_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.copy_id} in stocktake {self.stocktake_id}"


class StocktakeScan(models.Model):
    """One barcode scanned during a stocktake, and what it was. A barcode counts once
    however many people scan it."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="scans")
    barcode = models.CharField(max_length=40)
    copy = models.ForeignKey(
        Copy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=ScanOutcome)
    note = models.CharField(max_length=300, blank=True)
    scanned_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-scanned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "barcode"], name="stocktake_scan_once")
        ]
        indexes = [models.Index(fields=["stocktake", "copy"])]

    def __str__(self) -> str:
        return f"{self.barcode} in stocktake {self.stocktake_id}"
