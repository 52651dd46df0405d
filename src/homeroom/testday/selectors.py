"""Reads of test day: the platforms and the testing windows a user may see."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from homeroom.core.selectors import sites_for
from homeroom.testday.models import AssessmentPlatform, TestingWindow


def platforms_for(user) -> QuerySet[AssessmentPlatform]:
    """Platforms are the district's: anyone who may read them sees every one."""
    if not user.is_authenticated or not user.has_perm("testday.view_assessmentplatform"):
        return AssessmentPlatform.objects.none()
    return AssessmentPlatform.objects.all()


def windows_for(user) -> QuerySet[TestingWindow]:
    """Windows at one of the user's sites (every window for people who see every site), and
    those the user coordinates."""
    if not user.is_authenticated or not user.has_perm("testday.view_testingwindow"):
        return TestingWindow.objects.none()
    windows = TestingWindow.objects.select_related("platform")
    if user.sees_all_sites:
        return windows
    through = TestingWindow.sites.through.objects.filter(site__in=sites_for(user))
    mine = TestingWindow.coordinators.through.objects.filter(user=user)
    return windows.filter(
        Q(pk__in=through.values("testingwindow_id")) | Q(pk__in=mine.values("testingwindow_id"))
    )


def open_on(windows: QuerySet[TestingWindow], day: datetime.date) -> QuerySet[TestingWindow]:
    return windows.filter(starts_on__lte=day, ends_on__gte=day)


def current_and_coming(
    windows: QuerySet[TestingWindow], day: datetime.date | None = None
) -> QuerySet[TestingWindow]:
    return windows.filter(ends_on__gte=day or timezone.localdate())


def can_manage(user, window: TestingWindow) -> bool:
    """Whoever may change windows and works at every one of the window's schools."""
    if not user.is_authenticated or not user.has_perm("testday.change_testingwindow"):
        return False
    if user.sees_all_sites:
        return True
    allowed = set(sites_for(user).values_list("pk", flat=True))
    return set(window.sites.values_list("pk", flat=True)) <= allowed
