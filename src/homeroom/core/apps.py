from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "homeroom.core"
    label = "core"
    verbose_name = "Sites, rooms and audit"

    def ready(self) -> None:
        from homeroom.core import registrations, roles  # noqa: F401

        roles.connect_role_sync()
