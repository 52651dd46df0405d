from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "homeroom.library"
    label = "library"
    verbose_name = "Library"

    def ready(self) -> None:
        from homeroom.library import registrations  # noqa: F401
