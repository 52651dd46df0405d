"""The test-day lists' filters, shared by the pages and the API."""

import datetime

from django.db.models import Q
from django.utils import timezone
from ninja import Field, FilterSchema

from homeroom.core.schemas import Id
from homeroom.testday.choices import PlatformKind, ReadinessState, SessionStatus, WindowPhase


def _words(value: str | None, *fields: str) -> Q:
    found = Q()
    for word in (value or "").split()[:8]:
        either = Q()
        for field in fields:
            either |= Q(**{f"{field}__icontains": word})
        found &= either
    return found


class PlatformFilter(FilterSchema):
    kind: PlatformKind | None = None
    active: bool | None = Field(None, description="Only platforms in use (or only retired).")
    q: str | None = Field(None, description="Words of the name or the notes.")

    def filter_active(self, value: bool | None) -> Q:
        return Q() if value is None else Q(is_active=value)

    def filter_q(self, value: str | None) -> Q:
        return _words(value, "name", "notes")


class WindowFilter(FilterSchema):
    phase: WindowPhase | None = Field(
        None, description="upcoming, open (today is in the window) or closed."
    )
    platform: Id | None = None
    site: Id | None = Field(None, description="Windows in which this school tests.")
    q: str | None = Field(None, description="Words of the assessment or the content area.")

    def filter_phase(self, value: str | None) -> Q:
        today = timezone.localdate()
        if value == WindowPhase.UPCOMING:
            return Q(starts_on__gt=today)
        if value == WindowPhase.OPEN:
            return Q(starts_on__lte=today, ends_on__gte=today)
        if value == WindowPhase.CLOSED:
            return Q(ends_on__lt=today)
        return Q()

    def filter_platform(self, value: int | None) -> Q:
        return Q(platform_id=value) if value else Q()

    def filter_site(self, value: int | None) -> Q:
        if not value:
            return Q()
        from homeroom.testday.models import TestingWindow

        through = TestingWindow.sites.through.objects.filter(site_id=value)
        return Q(pk__in=through.values("testingwindow_id"))

    def filter_q(self, value: str | None) -> Q:
        return _words(value, "assessment", "content_area")


class ReadinessFilter(FilterSchema):
    """The devices of a window's readiness: by school and by state."""

    site: Id | None = Field(None, description="Devices of this school.")
    state: ReadinessState | None = Field(
        None, description="ready, warning or not_ready; leave out for warning and not ready."
    )

    # The devices are judged in Python (selectors.device_verdicts), not filtered in SQL.
    def filter_site(self, value: int | None) -> Q:
        return Q()

    def filter_state(self, value: str | None) -> Q:
        return Q()


class TestingSessionFilter(FilterSchema):
    """Test sessions: by window, school, day and status."""

    window: Id | None = None
    site: Id | None = None
    day: datetime.date | None = Field(None, description="Sessions on this day.")
    status: SessionStatus | None = None

    def filter_window(self, value: int | None) -> Q:
        return Q(window_id=value) if value else Q()

    def filter_site(self, value: int | None) -> Q:
        return Q(site_id=value) if value else Q()

    def filter_day(self, value: datetime.date | None) -> Q:
        if value is None:
            return Q()
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(value, datetime.time.min, zone)
        return Q(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))

    def filter_status(self, value: str | None) -> Q:
        return Q(status=value) if value else Q()
