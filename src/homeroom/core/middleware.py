from django.conf import settings

from homeroom.core import audit
from homeroom.core.choices import AuditInterface

SESSION_SITE_KEY = "homeroom_site_id"


def client_ip(request) -> str | None:
    """The address of the client: behind the reverse proxy (HOMEROOM_BEHIND_PROXY), the one
    the proxy appended last to X-Forwarded-For, as a client can write the earlier ones."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY with every response that has none of its own.
    A small middleware rather than django-csp: the policy is one fixed header (no nonces),
    and Django 6's built-in policy replaces it when the project moves there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        response.headers.setdefault(
            "Content-Security-Policy", "; ".join(f"{k} {v}" for k, v in policy.items())
        )
        return response


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
