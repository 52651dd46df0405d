"""What people and accounts add to the navigation, Today, search and the import command."""

from django.db.models import Count, Q

from homeroom.core.access import Rule
from homeroom.core.charts import bar_chart
from homeroom.core.import_formats import register_format
from homeroom.core.import_services import import_runs_for
from homeroom.core.registrations import DISTRICT
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    SearchProvider,
    SearchResult,
    Workspace,
    registry,
)
from homeroom.core.selectors import scoped_sites
from homeroom.people import cli  # noqa: F401  (registers `homeroom import oneroster`)
from homeroom.people.choices import PersonKind
from homeroom.people.filters import PersonFilter
from homeroom.people.models import Person
from homeroom.people.oneroster.format import KIND, OneRoster
from homeroom.people.selectors import people_for, users_for


def search_users(request, query: str, limit: int):
    users = users_for(request.user).filter(
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(email__icontains=query)
    )[:limit]
    return [
        SearchResult(str(user), user.get_absolute_url(), user.username, user.role_label)
        for user in users
    ]


def search_people(request, query: str, limit: int):
    people = (
        PersonFilter(q=query)
        .filter(people_for(request.user))
        .order_by("-is_active", "family_name", "given_name")[:limit]
    )
    return [
        SearchResult(
            str(person),
            person.get_absolute_url(),
            " · ".join(
                filter(
                    None,
                    [person.grade_label, person.primary_site.name if person.primary_site else ""],
                )
            ),
            person.get_kind_display(),
        )
        for person in people
    ]


def roster_card(request):
    """Active students per site, counted from the people index (one grouped scan of it)."""
    names = dict(scoped_sites(request).filter(is_active=True).values_list("pk", "name"))
    counts = (
        Person.objects.filter(primary_site__in=names, kind=PersonKind.STUDENT, is_active=True)
        .values_list("primary_site")
        .annotate(students=Count("pk"))
        .order_by()
    )
    rows = sorted((names[site], students) for site, students in counts)
    return {
        "chart": bar_chart(rows, title="Active students per site", unit="students")
        if rows
        else None,
        "last_import": import_runs_for(request.user, kind=KIND).first(),
    }


PEOPLE = Workspace("people", "People", order=300)

registry.add_nav(
    NavItem("People", "people:person_list", Rule("people.view_person"), PEOPLE, order=300)
)
registry.add_nav(
    NavItem("Classes", "people:class_list", Rule("people.view_schoolclass"), PEOPLE, order=310)
)
registry.add_nav(
    NavItem("Users", "people:user_list", Rule("people.view_user"), DISTRICT, order=900)
)
registry.add_card(
    DashboardCard(
        "people/cards/roster.html", roster_card, Rule("people.view_all_students"), order=300
    )
)
registry.add_search(SearchProvider("People", search_people, Rule("people.view_person"), order=100))
registry.add_search(SearchProvider("Users", search_users, Rule("people.view_user"), order=950))
register_format(OneRoster())
