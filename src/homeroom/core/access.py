"""Who may use each URL. Every view is wrapped by `access(...)`, which both declares the rule
(the authorization walk test reads it) and enforces it."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Rule:
    """`public`: anyone; otherwise a signed-in user holding `permission` (None: any user)."""

    permission: str | None = None
    public: bool = False

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        return self.permission is None or user.has_perm(self.permission)

    @property
    def needs_role(self) -> bool:
        """Whether some signed-in users are refused (403), which the API schema declares."""
        return not self.public and self.permission is not None


PUBLIC = Rule(public=True)
SIGNED_IN = Rule()


def access(rule: Rule | str):
    """Wrap a view with its access rule; a string is a permission name such as core.view_site."""
    if isinstance(rule, str):
        rule = Rule(permission=rule)

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not rule.public and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule.allows(request.user):
                raise PermissionDenied("Your role does not include this page.")
            return view(request, *args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate


def requires(rule: Rule | str):
    """Declare and enforce who may call an API operation, as `access` does for pages."""
    if isinstance(rule, str):
        rule = Rule(permission=rule)

    def decorate(func):
        @wraps(func)
        def guarded(request, *args, **kwargs):
            if not rule.allows(request.auth):
                raise PermissionDenied("Your role does not allow this.")
            return func(request, *args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate
