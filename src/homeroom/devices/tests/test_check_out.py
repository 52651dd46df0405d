import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.devices import services
from homeroom.devices.choices import AssignmentKind, DeviceStatus
from homeroom.devices.models import Assignment, Device


def test_check_out_and_in_with_a_missing_charger(devices, students, users):
    tech = users[roles.TECHNICIAN]
    device = devices[0]
    assignment = services.device_check_out(actor=tech, device=device, person=students[0])
    device.refresh_from_db()
    assert device.status == DeviceStatus.DEPLOYED and assignment.is_open
    services.device_check_in(actor=tech, device=device, checklist={"charger": False})
    device.refresh_from_db()
    assignment.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK and not assignment.is_open
    assert assignment.check_in_checklist == {"charger": False}
    verbs = list(
        AuditEvent.objects.filter(object_id=device.pk, content_type__model="device").values_list(
            "verb", "message"
        )
    )
    assert verbs == [
        ("checked_in", "Missing: charger"),
        ("checked_out", f"Checked out to {students[0]}"),
    ]


def test_a_device_cannot_be_checked_out_twice(devices, students, users):
    tech = users[roles.TECHNICIAN]
    services.device_check_out(actor=tech, device=devices[0], person=students[0])
    with pytest.raises(Conflict, match="already checked out to Student1 Test"):
        services.device_check_out(actor=tech, device=devices[0], person=students[1])
    assert Assignment.objects.filter(device=devices[0]).count() == 1


def test_a_loaner_goes_back_to_the_loaner_pool(devices, students, users):
    tech = users[roles.TECHNICIAN]
    services.device_set_status(actor=tech, device=devices[1], status=DeviceStatus.LOANER_POOL)
    services.device_check_out(
        actor=tech, device=devices[1], person=students[0], kind=AssignmentKind.LOANER
    )
    services.device_check_in(actor=tech, device=devices[1])
    assert Device.objects.get(pk=devices[1].pk).status == DeviceStatus.LOANER_POOL


def test_illegal_moves_are_refused_with_a_reason(devices, students, users):
    tech = users[roles.TECHNICIAN]
    services.device_set_status(actor=tech, device=devices[0], status=DeviceStatus.RETIRED)
    with pytest.raises(Conflict, match="retired; it cannot be checked out"):
        services.device_check_out(actor=tech, device=devices[0], person=students[0])
    services.device_set_status(actor=tech, device=devices[0], status=DeviceStatus.DISPOSED)
    with pytest.raises(Conflict, match="disposed; it cannot become in stock"):
        services.device_set_status(actor=tech, device=devices[0], status=DeviceStatus.IN_STOCK)
    with pytest.raises(Conflict, match="is not checked out"):
        services.device_check_in(actor=tech, device=devices[1])
    students[0].is_active = False
    students[0].save()
    with pytest.raises(Conflict, match="inactive in the roster"):
        services.device_check_out(actor=tech, device=devices[1], person=students[0])


def test_a_technician_cannot_check_out_a_device_at_another_site(devices, students, users, sites):
    Device.objects.filter(pk=devices[0].pk).update(site=sites[1])
    with pytest.raises(PermissionDenied):
        services.device_check_out(
            actor=users[roles.TECHNICIAN], device=devices[0], person=students[0]
        )


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_check_outs_of_one_device_give_one_assignment(devices, students, users):
    """On PostgreSQL the twenty requests really race (row lock); SQLite's test database lives
    in memory and cannot be shared between threads, so there they run one after another."""
    tech = users[roles.TECHNICIAN]
    racers = 20 if connection.vendor == "postgresql" else 1
    start = threading.Barrier(racers)
    outcomes = []

    def check_out(student):
        try:
            if racers > 1:
                start.wait()
            services.device_check_out(actor=tech, device=devices[0], person=student)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            if racers > 1:
                close_old_connections()
                connection.close()

    if racers > 1:
        threads = [threading.Thread(target=check_out, args=(s,)) for s in students]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for student in students:
            check_out(student)
    assert sorted(outcomes) == ["conflict"] * 19 + ["won"]
    assert Assignment.objects.filter(device=devices[0], checked_in_at__isnull=True).count() == 1
