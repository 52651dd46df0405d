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


def test_histories_and_the_activity_page_show_labels_not_stored_values(sites, users, client_as):
    admin = users["District admin"]
    site = sites[0]
    services.site_update(actor=admin, site=site, type="high", is_active=False)
    services.room_create(actor=admin, site=site, number="204", kind="lab")
    client = client_as(admin)

    history = client.get(f"/sites/{site.pk}/").content.decode()
    assert "Type: <del>Elementary school</del> → <ins>High school</ins>" in history
    assert "Is active: <del>yes</del> → <ins>no</ins>" in history
    assert "<del>elementary</del>" not in history and "<ins>high</ins>" not in history

    activity = client.get("/activity/").content.decode()
    assert 'Created: <span class="muted">Number, Kind</span>' in activity
    assert 'Updated: <span class="muted">Type, Is active</span>' in activity
    assert "is_active" not in activity
