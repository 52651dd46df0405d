from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    name = "homeroom.software"
    label = "software"
    verbose_name = "Apps and AI tools"

    def ready(self) -> None:
        from homeroom.software import registrations  # noqa: F401
