from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "homeroom.helpdesk"
    label = "helpdesk"
    verbose_name = "Help desk"

    def ready(self) -> None:
        from homeroom.helpdesk import registrations  # noqa: F401
