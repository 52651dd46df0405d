"""What the Apps module adds to the navigation, Today, the search and the sweep."""

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
from homeroom.software import selectors, services
from homeroom.software.choices import OPEN_REQUESTS, RequestStatus
from homeroom.software.rules import USES_APPS

VIEW = Rule("software.view_tool")
APPS = Workspace("software", "Apps", order=270)

registry.add_nav(
    NavItem("Apps and tools", "software:catalog", VIEW, APPS, order=270, prefixes=("/apps/tools/",))
)

registry.add_nav(NavItem("My apps", "software:my_apps", USES_APPS, APPS, order=271))
ASK = Rule("software.add_toolrequest")
registry.add_nav(
    NavItem(
        "Requests",
        "software:request_list",
        ASK,
        APPS,
        order=272,
        prefixes=("/apps/requests/", "/apps/request/"),
    )
)

registry.add_nav(
    NavItem(
        "LMS files",
        "software:provisioning",
        Rule("software.export_provisioning"),
        APPS,
        order=274,
    )
)

registry.add_nav(
    NavItem("Apps reports", "software:reports", Rule("software.view_review"), APPS, order=276)
)


def search_tools(request, query: str, limit: int):
    words = query.split()[:8]
    if not words:
        return []
    tools = selectors.tools_for(request.user)
    for word in words:
        tools = tools.filter(Q(name__icontains=word) | Q(vendor__icontains=word))
    return [
        SearchResult(
            title=tool.name,
            url=reverse("software:tool_detail", args=[tool.pk]),
            subtitle=f"{tool.get_decision_display()}"
            + (f" · {tool.conditions}" if tool.conditions else "")
            + (f" · {tool.vendor}" if tool.vendor else ""),
            badge="App",
        )
        for tool in tools.order_by("name", "pk")[:limit]
    ]


registry.add_search(SearchProvider("Apps and tools", search_tools, VIEW, order=270))


registry.add_sweep(SweepJob("Privacy agreements", services.reviews_sweep))


def _old_exports() -> str:
    from homeroom.software.exports import exports_delete_old

    return exports_delete_old()


registry.add_sweep(SweepJob("Old provisioning exports", _old_exports))


def _stopped_exports() -> str:
    from homeroom.software.exports import exports_recover

    return exports_recover()


registry.add_sweep(SweepJob("Stopped provisioning exports", _stopped_exports))

CARD_ROWS = 4


def vetting_card(request):
    """For reviewers: the requests waiting at their schools, agreements expiring within 90
    days and tools in use without a decision. Hidden when there is nothing."""
    today = timezone.localdate()
    waiting = selectors.requests_for(request.user).filter(status__in=OPEN_REQUESTS)
    new = list(waiting.filter(status=RequestStatus.NEW).order_by("created_at", "pk")[:CARD_ROWS])
    waiting_count = waiting.count()
    expiring = list(selectors.expiring(request.user, today)[:CARD_ROWS])
    undecided = selectors.in_use_undecided(request.user).count()
    if not waiting_count and not expiring and not undecided:
        return None
    return {
        "new": new,
        "waiting": waiting_count,
        "expiring": expiring,
        "undecided": undecided,
        "today": today,
    }


registry.add_card(
    DashboardCard(
        "software/cards/vetting.html",
        vetting_card,
        Rule("software.change_review"),
        order=270,
        leads=frozenset({roles.TECHNICIAN}),
    )
)


def my_requests_card(request):
    """A teacher's own requests: the open ones and those decided in the last 30 days."""
    since = timezone.now() - datetime.timedelta(days=30)
    mine = list(
        selectors.requests_for(request.user)
        .filter(requested_by=request.user)
        .filter(Q(status__in=OPEN_REQUESTS) | Q(decided_at__gte=since))
        .order_by("-created_at", "-pk")[:CARD_ROWS]
    )
    return {"requests": mine} if mine else None


registry.add_card(
    DashboardCard("software/cards/my_requests.html", my_requests_card, ASK, order=272)
)
