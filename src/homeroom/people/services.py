"""Writes to accounts and API tokens. Every change is validated and audited."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.models import DistrictSettings
from homeroom.core.roles import ROLES, STUDENT
from homeroom.people.models import ApiToken, PasswordLinkRequest, User


def _set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    user.groups.set([Group.objects.get(name=role)])


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    sites=(),
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _set_role(user, role)
    user.sites.set(sites)
    audit.record(
        actor=actor,
        obj=user,
        verb=AuditVerb.CREATED,
        changes={
            "username": [None, username],
            "role": [None, role],
            "sites": [None, sorted(str(site) for site in sites)],
        },
    )
    return user


@transaction.atomic
def user_update(*, actor, user: User, role: str | None = None, sites=None, **data) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = audit.apply_changes(user, data)
    if changes:
        user.full_clean(exclude=["password"])
        user.save()
    if role is not None and user.role_names != [role]:
        changes["role"] = [user.role_label, role]
        _set_role(user, role)
    if sites is not None:
        before = sorted(str(site) for site in user.sites.all())
        after = sorted(str(site) for site in sites)
        if before != after:
            changes["sites"] = [before, after]
            user.sites.set(sites)
    if changes:
        verb = AuditVerb.UPDATED
        if list(changes) == ["is_active"]:
            verb = AuditVerb.REACTIVATED if user.is_active else AuditVerb.DEACTIVATED
        audit.record(actor=actor, obj=user, verb=verb, changes=changes)
    if "is_active" in changes and not user.is_active:
        tokens_revoke_all(actor=actor, user=user, reason="the account was turned off")
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str, how: str = "") -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    user_password_changed(actor=actor, user=user, how=how)
    return user


@transaction.atomic
def user_password_changed(*, actor, user: User, how: str = "") -> None:
    """Record a password just changed (by a form that saved it) and revoke the account's
    API tokens: whoever had the old password may have made one, and a token would
    otherwise outlive the password that let them in."""
    audit.record(actor=actor, obj=user, verb=AuditVerb.PASSWORD_CHANGED, message=how)
    tokens_revoke_all(actor=actor, user=user, reason="the password was changed")


def may_create_api_tokens(user: User) -> bool:
    """Students make API tokens only while the district's settings allow it."""
    return STUDENT not in user.role_names or DistrictSettings.current().student_api_tokens


@transaction.atomic
def token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token record and the plain token, which is never stored or shown again."""
    if not may_create_api_tokens(user):
        raise PermissionDenied("Your district does not let students create API tokens.")
    key = ApiToken.generate()
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash(key))
    token.full_clean()
    token.save()
    audit.record(
        actor=actor,
        obj=user,
        verb=AuditVerb.TOKEN_CREATED,
        message=f"API token “{name}” ({token.prefix}…)",
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        because = f", because {reason}" if reason else ""
        audit.record(
            actor=actor,
            obj=token.user,
            verb=AuditVerb.TOKEN_REVOKED,
            message=f"API token “{token.name}” ({token.prefix}…){because}",
        )
    return token


@transaction.atomic
def tokens_revoke_all(*, actor, user: User, reason: str) -> int:
    """Revoke every active token of `user`; returns how many there were."""
    tokens = list(user.api_tokens.active().select_for_update())
    for token in tokens:
        token_revoke(actor=actor, token=token, reason=reason)
    return len(tokens)


@transaction.atomic
def password_link_request(*, email: str, ip_address: str | None) -> bool:
    """Count a request for a password-reset mail; False when the address or the client has
    asked too often in the last hour. Counted whether or not an account uses the address,
    so the answer says nothing about which addresses have accounts."""
    now = timezone.now()
    email = email.strip().lower()
    recent = PasswordLinkRequest.objects.filter(requested_at__gt=now - timedelta(hours=1))
    if (
        recent.filter(email=email).count() >= settings.PASSWORD_LINKS_PER_ADDRESS
        or recent.filter(ip_address=ip_address).count() >= settings.PASSWORD_LINKS_PER_CLIENT
    ):
        return False
    PasswordLinkRequest.objects.filter(requested_at__lt=now - timedelta(days=1)).delete()
    PasswordLinkRequest.objects.create(email=email, ip_address=ip_address, requested_at=now)
    return True


def token_authenticate(key: str) -> User | None:
    """The active user behind an active token, or None. Marks the token as used (at most
    once a minute, so busy scripts do not write on every call)."""
    token = (
        ApiToken.objects.active().select_related("user").filter(key_hash=ApiToken.hash(key)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
