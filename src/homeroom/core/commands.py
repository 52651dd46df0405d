from django.core.management.base import BaseCommand

from homeroom.core import audit
from homeroom.core.choices import AuditInterface


class AuditedCommand(BaseCommand):
    """A management command whose changes are audited as coming from the command line."""

    def execute(self, *args, **options):
        with audit.interface(AuditInterface.CLI):
            return super().execute(*args, **options)
