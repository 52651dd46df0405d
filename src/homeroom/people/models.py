import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone

from homeroom.core import roles

TOKEN_PREFIX = "hr_"


class User(AbstractUser):
    """A login account. Its role is one of the role groups; `sites` limits it to some sites
    (an account with no sites, or a district admin, works at every site)."""

    sites = models.ManyToManyField("core.Site", blank=True, related_name="users")

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("people:user_detail", args=[self.pk])

    @property
    def role_names(self) -> list[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = sorted(group.name for group in self.groups.all())
        return self._role_names

    @property
    def role_label(self) -> str:
        if self.is_superuser and not self.role_names:
            return roles.DISTRICT_ADMIN
        return ", ".join(self.role_names) or "No role"

    @property
    def is_district_admin(self) -> bool:
        return self.is_active and (self.is_superuser or roles.DISTRICT_ADMIN in self.role_names)

    @property
    def sees_all_sites(self) -> bool:
        if not hasattr(self, "_sees_all_sites"):
            self._sees_all_sites = self.is_district_admin or not self.sites.exists()
        return self._sees_all_sites


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. Inventory script."
    )
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
