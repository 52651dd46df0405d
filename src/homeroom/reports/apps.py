from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "homeroom.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from homeroom.reports import registrations  # noqa: F401
