from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from homeroom.library.choices import CirculationType, CopyStatus, MaterialType, TitleStatus

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
