from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "homeroom.fees"
    label = "fees"
    verbose_name = "Fees"

    def ready(self) -> None:
        from homeroom.fees import registrations  # noqa: F401
