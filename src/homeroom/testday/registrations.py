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
    Workspace,
    registry,
)
from homeroom.testday import selectors

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
registry.add_nav(NavItem("Platforms", "testday:platform_list", VIEW_PLATFORMS, TEST_DAY, order=276))

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
