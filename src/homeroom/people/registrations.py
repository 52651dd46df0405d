"""What people and accounts add to the navigation, search and the import command."""

from django.db.models import Q

from homeroom.core.access import Rule
from homeroom.people import cli  # noqa: F401  (registers `homeroom import oneroster`)
from homeroom.core.registry import NavItem, SearchProvider, SearchResult, registry
from homeroom.people.selectors import users_for


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


registry.add_nav(
    NavItem("Users", "people:user_list", Rule("people.view_user"), order=900, section="District")
)
registry.add_search(SearchProvider("Users", search_users, Rule("people.view_user"), order=950))
