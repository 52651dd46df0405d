from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "homeroom.repairs"
    label = "repairs"
    verbose_name = "Repairs"

    def ready(self) -> None:
        from homeroom.repairs import registrations  # noqa: F401
