"""The catalog's filter, shared by the librarians' list, the students' catalog and the API."""

from decimal import Decimal
from typing import Annotated

from django.db.models import Exists, OuterRef, Q
from ninja import Field, FilterLookup, FilterSchema

from homeroom.core.schemas import Id
from homeroom.library.choices import CopyStatus, MaterialType


class TitleFilter(FilterSchema):
    q: str | None = Field(
        None,
        description="Words of the title, authors, subjects, series or summary; an ISBN or "
        "a barcode.",
    )
    library: Id | None = Field(
        None, description="Titles with a copy in this library (its site's id)."
    )
    material_type: MaterialType | None = None
    available: bool | None = Field(None, description="Only titles with a copy on the shelf now.")
    lexile_min: Annotated[int | None, FilterLookup("lexile__gte")] = Field(None, ge=-2000, le=2500)
    lexile_max: Annotated[int | None, FilterLookup("lexile__lte")] = Field(None, ge=-2000, le=2500)
    ar_min: Annotated[Decimal | None, FilterLookup("ar_level__gte")] = Field(None, ge=0, le=99)
    ar_max: Annotated[Decimal | None, FilterLookup("ar_level__lte")] = Field(None, ge=0, le=99)
    interest_grade: Annotated[str | None, FilterLookup("interest_grade__icontains")] = Field(
        None, max_length=40
    )
    dewey_from: Annotated[str | None, FilterLookup("dewey__gte")] = Field(None, max_length=10)
    dewey_to: str | None = Field(
        None, max_length=10, description="Dewey numbers up to this one, inclusive of its decimals."
    )
    year_from: Annotated[int | None, FilterLookup("year__gte")] = Field(None, ge=0, le=3000)
    year_to: Annotated[int | None, FilterLookup("year__lte")] = Field(None, ge=0, le=3000)

    def filter_q(self, value: str | None) -> Q:
        from homeroom.library.search import matching

        return matching(value) if value and value.strip() else Q()

    def filter_library(self, value: int | None) -> Q:
        if not value:
            return Q()
        from homeroom.library.models import Copy

        return Q(Exists(Copy.objects.filter(title=OuterRef("pk"), library__site_id=value)))

    def filter_available(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        from homeroom.library.models import Copy

        shelf = Copy.objects.filter(title=OuterRef("pk"), status=CopyStatus.AVAILABLE)
        if self.library:
            shelf = shelf.filter(library__site_id=self.library)
        return Q(Exists(shelf)) if value else ~Q(Exists(shelf))

    def filter_dewey_to(self, value: str | None) -> Q:
        # "599" takes in 599.75: compare with the next string after every decimal of it.
        return Q(dewey__lte=value + "~") if value else Q()
