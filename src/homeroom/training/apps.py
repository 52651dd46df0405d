from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "homeroom.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from homeroom.training import registrations  # noqa: F401
