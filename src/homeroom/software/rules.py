"""Who may use My apps: everyone who reads the catalog, and students (who hold no
permission; their school and grade decide what they see)."""

from dataclasses import dataclass

from homeroom.core import roles
from homeroom.core.access import Rule


def is_student(user) -> bool:
    return user.is_authenticated and roles.STUDENT in user.role_names


@dataclass(frozen=True)
class UsesApps(Rule):
    def allows(self, user) -> bool:
        if not super().allows(user):
            return False
        return user.has_perm("software.view_tool") or is_student(user)


USES_APPS = UsesApps()
