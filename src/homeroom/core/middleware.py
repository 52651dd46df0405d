from homeroom.core import audit
from homeroom.core.choices import AuditInterface

SESSION_SITE_KEY = "homeroom_site_id"


class AuditInterfaceMiddleware:
    """Marks audit events written during a request as coming from the web or the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = AuditInterface.API if request.path.startswith("/api/") else AuditInterface.WEB
        with audit.interface(name):
            return self.get_response(request)


class CurrentSiteMiddleware:
    """`request.current_site`: the site picked in the site switcher, or None for all the
    user's sites. A stale or forbidden choice falls back to None."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.current_site = self.current_site(request)
        return self.get_response(request)

    @staticmethod
    def current_site(request):
        from homeroom.core.selectors import sites_for

        site_id = request.session.get(SESSION_SITE_KEY)
        if not site_id or not request.user.is_authenticated:
            return None
        return sites_for(request.user).filter(pk=site_id).first()
