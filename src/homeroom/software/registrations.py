"""What the Apps module adds to the navigation and the search."""

from django.db.models import Q
from django.urls import reverse

from homeroom.core.access import Rule
from homeroom.core.registry import NavItem, SearchProvider, SearchResult, Workspace, registry
from homeroom.software import selectors

VIEW = Rule("software.view_tool")
APPS = Workspace("software", "Apps", order=270)

registry.add_nav(
    NavItem("Apps and tools", "software:catalog", VIEW, APPS, order=270, prefixes=("/apps/tools/",))
)

registry.add_nav(NavItem("My apps", "software:my_apps", VIEW, APPS, order=271))


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
