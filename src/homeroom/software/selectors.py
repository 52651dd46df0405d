"""Reads of the software catalog: the tools a user may see and the licences at their sites."""

from django.db.models import Count, Q, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.software.choices import USABLE
from homeroom.software.models import Licence, Tool

VIEW = "software.view_tool"


def tools_for(user) -> QuerySet[Tool]:
    """The catalog is the district's: everyone who may see it sees every tool (a teacher
    needs the decision on a tool whichever school uses it)."""
    if not user.is_authenticated or not user.has_perm(VIEW):
        return Tool.objects.none()
    return Tool.objects.all()


def with_counts(tools: QuerySet[Tool]) -> QuerySet[Tool]:
    return tools.annotate(school_count=Count("sites", distinct=True))


def licences_for(user, tool: Tool) -> QuerySet[Licence]:
    """A tool's licences the user may see: the district's and those of their sites (every
    one for people who work at every site)."""
    licences = tool.licences.select_related("site").order_by("renews_on", "pk")
    if not user.is_authenticated or not user.has_perm("software.view_licence"):
        return Licence.objects.none()
    if user.sees_all_sites:
        return licences
    return licences.filter(Q(site__isnull=True) | Q(site__in=sites_for(user)))


def can_change(user, tool: Tool | None = None) -> bool:
    return user.is_authenticated and user.has_perm("software.change_tool")


def person_of(user):
    if not user.is_authenticated:
        return None
    from homeroom.people.models import Person

    return Person.objects.filter(user=user).select_related("primary_site").first()


def my_tools(user) -> QuerySet[Tool]:
    """The approved tools of the user's schools (their own school first, else the sites
    they work at; every school's for people who work at every site)."""
    tools = tools_for(user).filter(decision__in=USABLE)
    person = person_of(user)
    if person is not None and person.primary_site_id:
        sites = [person.primary_site_id]
    elif user.is_authenticated and user.sees_all_sites:
        return tools
    else:
        sites = list(sites_for(user).values_list("pk", flat=True))
    return tools.filter(
        Q(all_schools=True)
        | Q(pk__in=Tool.sites.through.objects.filter(site_id__in=sites).values("tool_id"))
    )


def sign_in_issues() -> dict[str, int]:
    """The help desk's account issues by name (“Access to Canvas”), for “Trouble signing
    in?” to open the right self-service steps; empty without the help desk."""
    from django.apps import apps

    if not apps.is_installed("homeroom.helpdesk"):
        return {}
    from homeroom.helpdesk.models import IssueType

    return dict(
        IssueType.objects.filter(is_active=True, parent__name="Account").values_list("name", "pk")
    )
