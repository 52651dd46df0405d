from django.urls import reverse

from homeroom.core.registry import registry
from homeroom.core.selectors import sites_for


def shell(request):
    """The navigation and site switcher shown around every signed-in page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    nav = []
    for item in registry.nav:
        if item.rule.allows(user):
            url = reverse(item.url_name)
            current = path == url if url == "/" else path.startswith(url)
            nav.append(
                {"label": item.label, "url": url, "current": current, "section": item.section}
            )
    return {
        "nav": nav,
        "switcher_sites": sites_for(user).filter(is_active=True).only("pk", "name"),
        "current_site": request.current_site,
    }
