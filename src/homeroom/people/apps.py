from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "homeroom.people"
    label = "people"
    verbose_name = "People and accounts"

    def ready(self) -> None:
        from homeroom.people import registrations  # noqa: F401
