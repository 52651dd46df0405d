"""The catalog's filter, shared by the page and the API."""

from django.db.models import Q
from ninja import Field, FilterSchema

from homeroom.core.schemas import Id
from homeroom.software.choices import Category, Decision, GradeBand


class ToolFilter(FilterSchema):
    category: Category | None = None
    decision: Decision | None = None
    grade: GradeBand | None = Field(None, description="Tools for this grade band.")
    site: Id | None = Field(None, description="Tools this school uses (and every school's).")
    ai: bool | None = Field(None, description="Only tools that use AI (or only those that do not).")
    q: str | None = Field(None, description="Words of the name, the vendor or the subjects.")

    def filter_grade(self, value: str | None) -> Q:
        # The list's JSON text holds the quoted value (JSON `contains` has no SQLite form).
        return Q(grade_bands__icontains=f'"{value}"') | Q(grade_bands=[]) if value else Q()

    def filter_site(self, value: int | None) -> Q:
        if not value:
            return Q()
        from homeroom.software.models import Tool

        users = Tool.sites.through.objects.filter(site_id=value).values("tool_id")
        return Q(all_schools=True) | Q(pk__in=users)

    def filter_ai(self, value: bool | None) -> Q:
        return Q() if value is None else Q(uses_ai=value)

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        found = Q()
        for word in value.split()[:8]:
            found &= (
                Q(name__icontains=word) | Q(vendor__icontains=word) | Q(subjects__icontains=word)
            )
        return found


class RequestFilter(FilterSchema):
    """The requests queue: by status (or `open`), school and words."""

    status: str | None = Field(
        None,
        description="A status (new, in_review, waiting_vendor, decided, withdrawn) or `open` "
        "for the first three.",
    )
    site: Id | None = None
    q: str | None = Field(None, description="Words of the tool's name or what it is for.")

    def filter_status(self, value: str | None) -> Q:
        from homeroom.software.choices import OPEN_REQUESTS, RequestStatus

        if not value:
            return Q()
        if value == "open":
            return Q(status__in=OPEN_REQUESTS)
        if value in RequestStatus.values:
            return Q(status=value)
        return Q(pk__in=[])

    def filter_site(self, value: int | None) -> Q:
        return Q(site_id=value) if value else Q()

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        found = Q()
        for word in value.split()[:8]:
            found &= Q(tool_name__icontains=word) | Q(purpose__icontains=word)
        return found
