import datetime
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from homeroom.core.exceptions import Conflict
from homeroom.devices import services as device_services
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Assignment, Device
from homeroom.repairs import services
from homeroom.repairs.models import Loaner
from homeroom.repairs.services import end_of_day
from homeroom.repairs.tests.conftest import make_device


def test_the_next_free_loaner_is_due_when_the_repair_is_expected_back(
    checked_out, loaners, students, tech
):
    repair = services.repair_open(actor=tech, device=checked_out, problem="Screen")
    loaner = services.loaner_issue(actor=tech, person=None, repair=repair)
    assignment = loaner.assignment
    assert assignment.device == loaners[0] and assignment.person == students[0]
    assert assignment.kind == "loaner"
    assert assignment.due_at == end_of_day(repair.expected_back)
    assert Device.objects.get(pk=loaners[0].pk).status == DeviceStatus.DEPLOYED
    with pytest.raises(Conflict, match="already has a loaner out: LOAN-1"):
        services.loaner_issue(actor=tech, person=None, repair=repair)


def test_a_scanned_loaner_is_given_and_one_outside_the_pool_refused(
    checked_out, devices, loaners, tech
):
    repair = services.repair_open(actor=tech, device=checked_out, problem="Keys")
    with pytest.raises(Conflict, match="NES-0002 is not in the loaner pool"):
        services.loaner_issue(actor=tech, person=None, repair=repair, device=devices[1])
    loaner = services.loaner_issue(actor=tech, person=None, repair=repair, device=loaners[2])
    assert loaner.assignment.device == loaners[2]


def test_no_free_loaner_gives_a_clear_message(checked_out, students, tech, sites):
    repair = services.repair_open(actor=tech, device=checked_out, problem="Keys")
    with pytest.raises(Conflict, match="No loaner is free at North Elementary"):
        services.loaner_issue(actor=tech, person=None, repair=repair)
    assert not Loaner.objects.exists()


def test_a_loaner_without_a_repair_is_due_in_a_week(school_monday, loaners, students, tech):
    loaner = services.loaner_issue(actor=tech, person=students[1])
    week = timezone.localdate() + datetime.timedelta(days=7)
    assert loaner.assignment.due_at == end_of_day(week) and loaner.repair is None


def test_the_loaner_is_due_when_the_repair_moves_and_the_day_it_completes(
    school_monday, checked_out, loaners, tech
):
    repair = services.repair_open(actor=tech, device=checked_out, problem="Board")
    loaner = services.loaner_issue(actor=tech, person=None, repair=repair)
    later = timezone.localdate() + datetime.timedelta(days=21)
    services.repair_update(actor=tech, repair=repair, expected_back=later)
    assert Assignment.objects.get(pk=loaner.assignment_id).due_at == end_of_day(later)
    services.repair_complete(actor=tech, repair=repair, outcome="repaired")
    today = end_of_day(timezone.localdate())
    assert Assignment.objects.get(pk=loaner.assignment_id).due_at == today
    # The loaner comes back into the pool when checked in.
    device_services.device_check_in(actor=tech, device=loaners[0])
    assert Device.objects.get(pk=loaners[0].pk).status == DeviceStatus.LOANER_POOL


@pytest.mark.django_db(transaction=True)
def test_two_loaners_given_at_once_are_two_different_devices(sites, chromebook_model, users):
    """On PostgreSQL both technicians race for the first free loaner; the one who loses
    gets the next. SQLite's in-memory test database runs them one after the other."""
    from homeroom.core import roles
    from homeroom.people.models import Person

    tech = users[roles.TECHNICIAN]
    for n in range(1, 4):
        make_device(sites[0], chromebook_model, f"POOL-{n}", DeviceStatus.LOANER_POOL)
    people = [
        Person.objects.create(given_name=f"Kid{n}", family_name="Race", primary_site=sites[0])
        for n in range(2)
    ]
    racing = connection.vendor == "postgresql"
    start = threading.Barrier(2)
    given, problems = [], []

    def issue(person):
        try:
            if racing:
                start.wait()
            given.append(services.loaner_issue(actor=tech, person=person).assignment.device_id)
        except Exception as error:
            problems.append(repr(error))
        finally:
            if racing:
                close_old_connections()
                connection.close()

    if racing:
        threads = [threading.Thread(target=issue, args=(p,)) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for person in people:
            issue(person)
    assert problems == []
    assert len(set(given)) == 2
    assert Assignment.objects.filter(kind="loaner", checked_in_at__isnull=True).count() == 2


def test_a_loaner_that_breaks_while_lent_goes_back_to_the_pool(loaners, students, tech):
    lent = services.loaner_issue(actor=tech, person=students[0]).assignment.device
    repair = services.repair_open(actor=tech, device=lent, problem="Dropped")
    assert repair.person == students[0] and not repair.return_to_person
    assert not Assignment.objects.filter(device=lent, checked_in_at__isnull=True).exists()
    services.repair_complete(actor=tech, repair=repair, outcome="repaired")
    assert Device.objects.get(pk=lent.pk).status == DeviceStatus.LOANER_POOL
