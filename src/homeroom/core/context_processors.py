from homeroom.core.navigation import navigation_for
from homeroom.core.registry import registry
from homeroom.core.selectors import sites_for


def shell(request):
    """The navigation, search box and site switcher shown around every signed-in page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": navigation_for(user, request.path),
        # A role that no search provider serves would only ever find nothing.
        "can_search": any(provider.rule.allows(user) for provider in registry.search),
        "switcher_sites": sites_for(user).filter(is_active=True).only("pk", "name"),
        "current_site": request.current_site,
    }
