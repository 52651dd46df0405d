"""Writing audit events. Services call `record` for every change they make."""

import contextvars
import datetime
import decimal
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import models

from homeroom.core.choices import AuditInterface

_interface: contextvars.ContextVar[str] = contextvars.ContextVar(
    "homeroom_audit_interface", default=AuditInterface.SYSTEM
)


@contextmanager
def interface(name: str) -> Iterator[None]:
    """Mark every audit event written inside the block as coming from `name`."""
    token = _interface.set(name)
    try:
        yield
    finally:
        _interface.reset(token)


def set_interface(name: str) -> None:
    _interface.set(name)


def current_interface() -> str:
    return _interface.get()


def as_json(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [as_json(item) for item in value]
    return value


def apply_changes(instance: models.Model, data: dict) -> dict:
    """Set `data` on `instance`; return {field: [old, new]} for the fields that really changed."""
    changes = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [as_json(old), as_json(new)]
            setattr(instance, field, new)
    return changes


def record(
    *,
    actor,
    obj: models.Model,
    verb: str,
    changes: dict | None = None,
    site=None,
    message: str = "",
):
    from homeroom.core.models import AuditEvent

    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "",
        interface=current_interface(),
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        site=site,
        changes=changes or {},
        message=message[:300],
    )
