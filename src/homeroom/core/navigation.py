"""The navigation as one user sees it on one page: the workspaces they may use, each with
the pages they may use in it, and the one page that is current."""

from dataclasses import dataclass, field

from django.urls import reverse

from homeroom.core.registry import NavItem, Workspace, registry


@dataclass
class Link:
    label: str
    url: str
    is_current: bool = False


@dataclass
class WorkspaceMenu:
    label: str
    links: list[Link] = field(default_factory=list)
    is_open: bool = False

    @property
    def url(self) -> str:
        return self.links[0].url

    @property
    def is_single(self) -> bool:
        """A workspace of one page is shown as that page's link, with no sub-navigation."""
        return len(self.links) == 1


def navigation_for(user, path: str) -> list[WorkspaceMenu]:
    """The user's workspaces in order. The current page is the item whose URL (or one of its
    prefixes) is the longest start of `path`, so /devices/imports/ is Device imports, not
    Devices; its workspace is the open one."""
    by_workspace: dict[str, list[tuple[NavItem, str]]] = {}
    for item in registry.nav:
        if item.rule.allows(user):
            by_workspace.setdefault(item.workspace.key, []).append((item, reverse(item.url_name)))

    current, longest = None, 0
    for entries in by_workspace.values():
        for item, url in entries:
            for prefix in (url, *item.prefixes):
                matches = path == prefix if prefix == "/" else path.startswith(prefix)
                if matches and len(prefix) > longest:
                    current, longest = item, len(prefix)

    workspaces: list[Workspace] = sorted(
        (registry.workspaces[key] for key in by_workspace), key=lambda ws: ws.order
    )
    menus = []
    for workspace in workspaces:
        menu = WorkspaceMenu(workspace.label)
        for item, url in by_workspace[workspace.key]:
            menu.links.append(Link(item.label, url, is_current=item is current))
        menu.is_open = any(link.is_current for link in menu.links)
        menus.append(menu)
    return menus
