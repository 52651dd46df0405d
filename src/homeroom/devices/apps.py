from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "homeroom.devices"
    label = "devices"
    verbose_name = "Devices"

    def ready(self) -> None:
        from homeroom.devices import registrations  # noqa: F401
