"""What the Test day module adds to the navigation, Today and the search."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.access import Rule
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    SearchProvider,
    SearchResult,
    SweepJob,
    Workspace,
    registry,
)
from homeroom.testday import selectors, services
from homeroom.testday.models import TestSession

VIEW_WINDOWS = Rule("testday.view_testingwindow")
VIEW_PLATFORMS = Rule("testday.view_assessmentplatform")
TEST_DAY = Workspace("testday", "Test day", order=275)

registry.add_nav(
    NavItem(
        "Testing windows",
        "testday:window_list",
        VIEW_WINDOWS,
        TEST_DAY,
        order=275,
        prefixes=("/testday/windows/",),
    )
)
VIEW_SESSIONS = Rule("testday.view_testsession")
registry.add_nav(NavItem("Live board", "testday:board", VIEW_SESSIONS, TEST_DAY, order=276))
registry.add_nav(
    NavItem(
        "Test sessions",
        "testday:session_list",
        VIEW_SESSIONS,
        TEST_DAY,
        order=277,
        prefixes=("/testday/sessions/", "/testday/incidents/"),
    )
)
registry.add_nav(NavItem("Platforms", "testday:platform_list", VIEW_PLATFORMS, TEST_DAY, order=278))

CARD_ROWS = 4
# A window shows on Today from this many days before its first day.
CARD_LEAD = datetime.timedelta(days=14)


def windows_card(request):
    """The testing windows open today at the user's schools, then those starting within
    two weeks. Hidden when there are none."""
    today = timezone.localdate()
    windows = list(
        selectors.windows_for(request.user)
        .filter(starts_on__lte=today + CARD_LEAD, ends_on__gte=today)
        .order_by("starts_on", "pk")[:CARD_ROWS]
    )
    if not windows:
        return None
    return {"windows": windows, "today": today}


registry.add_card(
    DashboardCard(
        "testday/cards/windows.html",
        windows_card,
        VIEW_WINDOWS,
        order=275,
        leads=frozenset({roles.TEST_COORDINATOR}),
    )
)


def search_windows(request, query: str, limit: int):
    words = query.strip()
    windows = selectors.windows_for(request.user).filter(
        Q(assessment__icontains=words) | Q(content_area__icontains=words)
    )
    return [
        SearchResult(
            title=window.assessment,
            url=reverse("testday:window_detail", args=[window.pk]),
            subtitle=f"{window.starts_on:%-d %b} \N{EN DASH} {window.ends_on:%-d %b %Y} · "
            f"{window.platform.name}",
            badge="Testing window",
        )
        for window in windows.order_by("-ends_on", "pk")[:limit]
    ]


registry.add_search(SearchProvider("Testing windows", search_windows, VIEW_WINDOWS, order=275))


def search_platforms(request, query: str, limit: int):
    platforms = selectors.platforms_for(request.user).filter(name__icontains=query.strip())
    return [
        SearchResult(
            title=platform.name,
            url=platform.get_absolute_url(),
            subtitle=f"{platform.get_kind_display()} · {platform.school_year}",
            badge="Test platform",
        )
        for platform in platforms.order_by("name")[:limit]
    ]


registry.add_search(SearchProvider("Test platforms", search_platforms, VIEW_PLATFORMS, order=276))


# A session shows on its administrators' and proctors' Today from this many days ahead.
SESSION_LEAD = datetime.timedelta(days=7)


def sessions_card(request):
    """The test sessions the user administers or proctors, from today to a week ahead."""
    now = timezone.now()
    user = request.user
    sessions = list(
        TestSession.objects.filter(
            Q(administrators=user) | Q(proctors=user),
            ends_at__gte=now,
            starts_at__lte=now + SESSION_LEAD,
        )
        .exclude(status="cancelled")
        .select_related("room", "window")
        .distinct()
        .order_by("starts_at", "pk")[:CARD_ROWS]
    )
    return {"sessions": sessions} if sessions else None


registry.add_card(
    DashboardCard(
        "testday/cards/sessions.html",
        sessions_card,
        VIEW_SESSIONS,
        order=276,
        leads=frozenset({roles.TEACHER}),
    )
)


registry.add_sweep(SweepJob("Test-day readiness snapshots", services.readiness_snapshots))
