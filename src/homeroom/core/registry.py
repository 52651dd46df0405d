"""Extension points that modules fill from their `registrations.py`: the navigation
workspaces and their pages, the cards on Today and the providers behind the global search."""

from collections.abc import Callable
from dataclasses import dataclass, field

from homeroom.core.access import SIGNED_IN, Rule


@dataclass(frozen=True)
class Workspace:
    """A group of pages in the navigation (Help desk, Devices, District…). It opens at the
    first of its pages the user may use, and only users who may use one of them see it.
    Modules whose pages belong in another module's workspace import that workspace."""

    key: str
    label: str
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    """A page in a workspace's sub-navigation. It is the current page on its URL and below,
    and on pages under any of `prefixes` (ticket pages for the queue, say)."""

    label: str
    url_name: str
    rule: Rule
    workspace: Workspace
    order: int = 100
    prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DashboardCard:
    """A card on Today. `context(request)` returns the template's context, or None to hide.
    Cards whose `leads` names one of the user's roles come first: each role's own work."""

    template: str
    context: Callable
    rule: Rule = SIGNED_IN
    order: int = 100
    leads: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    subtitle: str = ""
    badge: str = ""


@dataclass(frozen=True)
class SearchProvider:
    """`search(request, query, limit)` returns SearchResults the user may see."""

    label: str
    search: Callable
    rule: Rule = SIGNED_IN
    order: int = 100


@dataclass(frozen=True)
class PersonSection:
    """A section on a person's page (devices, tickets, loans…): `context(request, person)`."""

    template: str
    context: Callable
    rule: Rule = SIGNED_IN
    order: int = 100


@dataclass(frozen=True)
class PageSection:
    """A section one module adds to another module's page, which names itself by `page`
    (e.g. "helpdesk.article"): `context(request, obj)` returns the template's context, or
    None to leave the section out. The page knows only its own name, never the module."""

    page: str
    template: str
    context: Callable
    rule: Rule = SIGNED_IN
    order: int = 100


@dataclass(frozen=True)
class Holding:
    """What a module still keeps at a site or with a person ("active devices", "open
    tickets"), said before a roster import makes the site or person inactive.
    `count(ids)` takes site ids (`of="sites"`) or person ids (`of="people"`) and returns
    {id: how many}."""

    label: str
    of: str
    count: Callable


@dataclass(frozen=True)
class SweepJob:
    """Periodic housekeeping a module needs (`homeroom sweep`, which `homeroom run` repeats):
    `run()` does it and returns one line saying what it did. With `at_worker_start`, it also
    runs whenever a background task worker starts (before the worker takes its first task)."""

    name: str
    run: Callable
    at_worker_start: bool = False


@dataclass
class Registry:
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    cards: list[DashboardCard] = field(default_factory=list)
    search: list[SearchProvider] = field(default_factory=list)
    person_sections: list[PersonSection] = field(default_factory=list)
    page_sections: list[PageSection] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    sweeps: list[SweepJob] = field(default_factory=list)

    def add_nav(self, item: NavItem) -> None:
        self.workspaces.setdefault(item.workspace.key, item.workspace)
        self.nav.append(item)
        self.nav.sort(key=lambda entry: entry.order)

    def add_card(self, card: DashboardCard) -> None:
        self.cards.append(card)
        self.cards.sort(key=lambda entry: entry.order)

    def add_person_section(self, section: PersonSection) -> None:
        self.person_sections.append(section)
        self.person_sections.sort(key=lambda entry: entry.order)

    def add_page_section(self, section: PageSection) -> None:
        self.page_sections.append(section)
        self.page_sections.sort(key=lambda entry: entry.order)

    def sections_for(self, page: str, request, obj) -> list[tuple[str, dict]]:
        """(template, context) of the sections other modules add to `page` for this user."""
        sections = []
        for section in self.page_sections:
            if section.page != page or not section.rule.allows(request.user):
                continue
            context = section.context(request, obj)
            if context is not None:
                sections.append((section.template, context))
        return sections

    def add_search(self, provider: SearchProvider) -> None:
        self.search.append(provider)
        self.search.sort(key=lambda entry: entry.order)

    def add_holding(self, holding: Holding) -> None:
        self.holdings.append(holding)

    def add_sweep(self, job: SweepJob) -> None:
        self.sweeps.append(job)


registry = Registry()
