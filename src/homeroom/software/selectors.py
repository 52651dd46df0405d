"""Reads of the software catalog: the tools a user may see and the licences at their sites."""

import datetime

from django.db.models import Count, Q, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.software.choices import USABLE, Decision, ReviewStatus
from homeroom.software.models import Licence, Review, Tool, ToolRequest

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


# A student's grade (as the roster writes it) to the catalog's grade band.
BANDS = {
    **dict.fromkeys(["PK", "TK", "KG", "K", "00", "0", "01", "1", "02", "2"], "k2"),
    **dict.fromkeys(["03", "3", "04", "4", "05", "5"], "3_5"),
    **dict.fromkeys(["06", "6", "07", "7", "08", "8"], "6_8"),
    **dict.fromkeys(["09", "9", "10", "11", "12", "13"], "9_12"),
}


def band_of(grade: str) -> str | None:
    return BANDS.get((grade or "").strip().upper())


def my_tools(user) -> QuerySet[Tool]:
    """The approved tools of the user's school (their own school first, else the sites
    they work at; every school's for people who work at every site). A student sees those
    for their grade, never staff-only ones."""
    from homeroom.software.rules import is_student

    student = is_student(user)
    if student:
        tools = Tool.objects.filter(decision__in=USABLE)
    else:
        tools = tools_for(user).filter(decision__in=USABLE)
    person = person_of(user)
    if student:
        if person is None or not person.primary_site_id:
            return Tool.objects.none()
        band = band_of(person.grade)
        grade = Q(grade_bands=[])
        if band:
            grade |= Q(grade_bands__icontains=f'"{band}"')
        tools = tools.filter(grade)
    if person is not None and person.primary_site_id:
        sites = [person.primary_site_id]
    elif user.is_authenticated and user.sees_all_sites:
        return tools
    else:
        sites = list(sites_for(user).values_list("pk", flat=True))
    used = Tool.sites.through.objects.filter(site_id__in=sites).values("tool_id")
    return tools.filter(Q(all_schools=True) | Q(pk__in=used))


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


def can_review(user, tool: Tool) -> bool:
    """Reviewers decide tools used only at their schools; a tool used at every school, or
    at one they do not work at, is for someone who works at every site."""
    if not user.is_authenticated or not user.has_perm("software.change_review"):
        return False
    if user.sees_all_sites:
        return True
    if tool.all_schools:
        return False
    return not tool.sites.exclude(pk__in=sites_for(user)).exists()


def home_site(user):
    """The school a user's requests are for: their own, else their only site."""
    person = person_of(user)
    if person is not None and person.primary_site_id:
        return person.primary_site
    sites = list(sites_for(user).filter(is_active=True)[:2]) if user.is_authenticated else []
    return sites[0] if len(sites) == 1 else None


def reviews_for(user) -> QuerySet[Review]:
    if not user.is_authenticated or not user.has_perm("software.view_review"):
        return Review.objects.none()
    return Review.objects.select_related("tool", "reviewer")


def requests_for(user) -> QuerySet[ToolRequest]:
    """Reviewers see the requests of their sites; everyone sees their own."""
    if not user.is_authenticated:
        return ToolRequest.objects.none()
    requests = ToolRequest.objects.select_related("site", "requested_by", "tool")
    if not user.has_perm("software.view_toolrequest"):
        return requests.filter(requested_by=user)
    if user.sees_all_sites:
        return requests
    return requests.filter(Q(site__in=sites_for(user)) | Q(requested_by=user))


def demand(tool: Tool) -> int:
    return tool.requests.count()


def expiring(user, today, days: int = 90) -> QuerySet[Review]:
    """Approvals whose agreement expires within `days` (the tools' current reviews)."""
    return (
        reviews_for(user)
        .filter(
            status__in=[ReviewStatus.APPROVED, ReviewStatus.CONDITIONS],
            agreement_expires_on__gte=today,
            agreement_expires_on__lte=today + datetime.timedelta(days=days),
        )
        .order_by("agreement_expires_on", "pk")
    )


def in_use_undecided(user) -> QuerySet[Tool]:
    """Tools schools use that the district has not decided on (or whose approval expired)."""
    return (
        tools_for(user)
        .filter(
            Q(all_schools=True) | Q(sites__isnull=False),
            decision__in=[Decision.NOT_REVIEWED, Decision.EXPIRED],
        )
        .distinct()
    )


def public_tools(site_id: int | None = None, grade: str | None = None) -> list[Tool]:
    """The approved tools for families: each with its latest decided review (the data it
    collects, the agreement), and nothing about people."""
    tools = Tool.objects.filter(decision__in=USABLE).order_by("name", "pk")
    if site_id:
        used = Tool.sites.through.objects.filter(site_id=site_id).values("tool_id")
        tools = tools.filter(Q(all_schools=True) | Q(pk__in=used))
    if grade:
        tools = tools.filter(Q(grade_bands__icontains=f'"{grade}"') | Q(grade_bands=[]))
    tools = list(tools)
    decided = Review.objects.filter(
        tool__in=tools, status__in=[ReviewStatus.APPROVED, ReviewStatus.CONDITIONS]
    ).order_by("tool_id", "-decided_on", "-pk")
    latest = {}
    for review in decided:
        latest.setdefault(review.tool_id, review)
    for tool in tools:
        tool.public_review = latest.get(tool.pk)
    return tools


def licences_visible(user) -> QuerySet[Licence]:
    """Every licence the user may see: the district's and their sites' (all of them for
    people who work at every site)."""
    if not user.is_authenticated or not user.has_perm("software.view_licence"):
        return Licence.objects.none()
    licences = Licence.objects.all()
    if user.sees_all_sites:
        return licences
    return licences.filter(Q(site__isnull=True) | Q(site__in=sites_for(user)))


def report_numbers(user, today) -> dict:
    """The numbers of the Apps reports page, each from one grouped query."""
    from django.db.models import Sum

    spend = (
        licences_visible(user)
        .values("tool__category")
        .annotate(total=Sum("cost"))
        .order_by("-total", "tool__category")
    )
    ai = (
        tools_for(user)
        .filter(uses_ai=True)
        .values("decision")
        .annotate(count=Count("pk"))
        .order_by("decision")
    )
    demand = (
        requests_for(user)
        .values("tool_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "tool_name")[:10]
    )
    waiting = (
        requests_for(user)
        .filter(status__in=["new", "in_review", "waiting_vendor"])
        .values("status")
        .annotate(count=Count("pk"))
        .order_by("status")
    )
    return {
        "spend": [(row["tool__category"], row["total"]) for row in spend],
        "ai": [(row["decision"], row["count"]) for row in ai],
        "demand": [(row["tool_name"], row["count"]) for row in demand],
        "waiting": [(row["status"], row["count"]) for row in waiting],
        "expiring": list(expiring(user, today)[:50]),
        "undecided": list(in_use_undecided(user).order_by("name")[:50]),
    }


def provisioning_exports_for(user):
    """Exports the user may see and download: a school's for people who may export and work
    there, the district's for those who work at every site."""
    from homeroom.software.models import ProvisioningExport

    exports = ProvisioningExport.objects.select_related("site", "term", "requested_by")
    if not user.is_authenticated or not user.has_perm("software.export_provisioning"):
        return exports.none()
    if user.sees_all_sites:
        return exports
    return exports.filter(site__in=sites_for(user))
