import pytest
from django.core.exceptions import ValidationError

from homeroom.core import audit, services
from homeroom.core.choices import AuditInterface
from homeroom.core.models import AuditEvent


def test_audit_events_are_append_only(sites, users):
    room = sites[0].rooms.first()
    services.room_update(actor=users["Technician"], room=room, name="Art room")
    event = AuditEvent.objects.get(object_id=room.pk, verb="updated")
    event.message = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).update(message="rewritten")
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).message == ""


def test_an_update_records_only_the_fields_that_changed(sites, users):
    room = sites[0].rooms.get(number="101")
    services.room_update(actor=users["Technician"], room=room, name="Art room", number="101")
    services.room_update(actor=users["Technician"], room=room, name="Art room")
    events = AuditEvent.objects.filter(object_id=room.pk, verb="updated")
    assert [event.changes for event in events] == [{"name": ["", "Art room"]}]
    assert events[0].actor_name == "technician"
    assert events[0].site == sites[0]


def test_the_interface_comes_from_the_context(sites):
    with audit.interface(AuditInterface.IMPORT):
        site = services.site_create(actor=None, name="West Middle", code="WMS", type="middle")
    event = AuditEvent.objects.get(object_id=site.pk, verb="created")
    assert event.interface == AuditInterface.IMPORT
    assert event.actor is None
