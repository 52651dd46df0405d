"""Background tasks for device imports: the web page and the API queue these; `homeroom run`
starts a worker."""

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

from homeroom.core import audit
from homeroom.core.choices import AuditInterface
from homeroom.devices.choices import DeviceImportStatus
from homeroom.devices.importers.services import (
    device_import_apply,
    device_import_check,
    device_import_fail,
    device_import_start_apply,
)
from homeroom.devices.models import DeviceImport

logger = logging.getLogger(__name__)


@task()
def check_device_import(import_id: int, apply_as: int | None = None) -> None:
    """Check an import; with `apply_as` (a user id), apply it as that user when clean."""
    record = DeviceImport.objects.get(pk=import_id)
    try:
        with audit.interface(AuditInterface.IMPORT):
            record = device_import_check(record)
            if apply_as is not None and record.status == DeviceImportStatus.CHECKED:
                actor = get_user_model().objects.filter(pk=apply_as).first()
                device_import_apply(device_import_start_apply(record), actor=actor)
    except Exception as error:
        logger.exception("Device import %s failed", record.pk)
        device_import_fail(record, error)
        raise


@task()
def apply_device_import(import_id: int, actor_id: int | None) -> None:
    record = DeviceImport.objects.get(pk=import_id)
    actor = get_user_model().objects.filter(pk=actor_id).first()
    try:
        with audit.interface(AuditInterface.IMPORT):
            device_import_apply(record, actor=actor)
    except Exception as error:
        logger.exception("Device import %s failed", record.pk)
        device_import_fail(record, error)
        raise
