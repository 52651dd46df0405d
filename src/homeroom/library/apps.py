from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "homeroom.library"
    label = "library"
    verbose_name = "Library"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from homeroom.library import registrations  # noqa: F401
        from homeroom.library.rules import seed_loan_rules
        from homeroom.library.search import keep_index_in_step

        post_migrate.connect(keep_index_in_step, dispatch_uid="homeroom.library.search_index")
        post_migrate.connect(seed_loan_rules, dispatch_uid="homeroom.library.loan_rules")
