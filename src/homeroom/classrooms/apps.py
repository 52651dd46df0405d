from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "homeroom.classrooms"
    label = "classrooms"
    verbose_name = "Classrooms and AV"

    def ready(self) -> None:
        from homeroom.classrooms import registrations  # noqa: F401
