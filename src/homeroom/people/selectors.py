"""Reads of accounts, scoped to what the user may see."""

from django.db.models import Q, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.people.models import User


def users_for(user) -> QuerySet[User]:
    """Accounts an account manager may see: those sharing a site with them, or all of them
    for someone who works at every site."""
    users = User.objects.prefetch_related("groups", "sites")
    if user.sees_all_sites:
        return users
    return users.filter(Q(sites__in=sites_for(user)) | Q(sites__isnull=True)).distinct()
