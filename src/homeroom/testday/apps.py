from django.apps import AppConfig


class TestdayConfig(AppConfig):
    name = "homeroom.testday"
    label = "testday"
    verbose_name = "Test day"

    def ready(self) -> None:
        from homeroom.testday import registrations  # noqa: F401
