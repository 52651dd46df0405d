"""A small help desk with hand-counted metrics, two days before "now" (Wed 18 Nov 2026,
3 pm in the district's zone).

North (sites[0]):
  T1 filed Mon 9:00, answered 30 min later, resolved Mon 11:00 with one public reply,
     rated happy (3) Tue, closed Tue: on time, first-contact resolution.
  T2 filed Mon 10:00, answered Tue after 6 business hours (late), reopened once, resolved
     Tue late with three public replies, rated not happy (1) Tue.
  T3 filed Tue 8:00, answered after 10 min, still in progress.
  Two self-service fixes on Monday; a repair of a Walkbook opened Monday, completed
  Tuesday for $85.50; four Walkbooks in service and one retired.
South (sites[1]):
  T4 filed Mon 13:00, answered after 5 min, resolved after 30 min, no reply: on time,
     first contact. One self-service fix on Tuesday.
Nowhere: one self-service fix on Tuesday by someone without a site.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from homeroom.core import roles
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.helpdesk.models import Deflection, IssueType, Ticket
from homeroom.repairs.models import RepairOrder

ZONE = ZoneInfo(settings.TIME_ZONE)
NOW = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=ZONE)
MONDAY = datetime.date(2026, 11, 16)
TUESDAY = datetime.date(2026, 11, 17)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), ZONE)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


@pytest.fixture
def admin(users):
    return users[roles.DISTRICT_ADMIN]


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


@pytest.fixture
def helpdesk(sites, now):
    north, south = sites
    group = IssueType.objects.create(name="Reports Chromebook")
    screen = IssueType.objects.create(parent=group, name="Cracked screen")
    tickets = {
        "t1": Ticket.objects.create(
            site=north,
            subject="T1",
            issue_type=screen,
            status="closed",
            created_at=at(MONDAY, 9),
            first_response_at=at(MONDAY, 9, 30),
            response_seconds=30 * 60,
            resolved_at=at(MONDAY, 11),
            resolution_seconds=2 * 3600,
            closed_at=at(TUESDAY, 12),
            public_comment_count=1,
            comment_count=2,
            satisfaction=3,
            satisfaction_at=at(TUESDAY, 10),
        ),
        "t2": Ticket.objects.create(
            site=north,
            subject="T2",
            issue_type=screen,
            status="resolved",
            created_at=at(MONDAY, 10),
            first_response_at=at(TUESDAY, 10),
            response_seconds=6 * 3600,
            response_breached=True,
            resolved_at=at(TUESDAY, 14),
            resolution_seconds=7 * 3600,
            resolution_breached=True,
            reopen_count=1,
            public_comment_count=3,
            comment_count=3,
            satisfaction=1,
            satisfaction_at=at(TUESDAY, 15),
        ),
        "t3": Ticket.objects.create(
            site=north,
            subject="T3",
            status="in_progress",
            created_at=at(TUESDAY, 8),
            first_response_at=at(TUESDAY, 8, 10),
            response_seconds=10 * 60,
        ),
        "t4": Ticket.objects.create(
            site=south,
            subject="T4",
            status="resolved",
            created_at=at(MONDAY, 13),
            first_response_at=at(MONDAY, 13, 5),
            response_seconds=5 * 60,
            resolved_at=at(MONDAY, 13, 30),
            resolution_seconds=30 * 60,
        ),
    }
    for site, moment in [
        (north, at(MONDAY, 9)),
        (north, at(MONDAY, 14)),
        (south, at(TUESDAY, 9)),
        (None, at(TUESDAY, 10)),
    ]:
        Deflection.objects.create(issue_type=screen, site=site, created_at=moment)
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Reports"),
        name="Walkbook",
        category="chromebook",
    )
    devices = [
        Device.objects.create(
            asset_tag=f"RPT-{n}",
            serial_number=f"RPT-SN-{n}",
            site=north,
            model=model,
            status="retired" if n == 4 else "deployed",
        )
        for n in range(5)
    ]
    RepairOrder.objects.create(
        device=devices[0],
        site=north,
        problem="Cracked screen",
        status="completed",
        outcome="repaired",
        device_status_before="deployed",
        opened_at=at(MONDAY, 9, 15),
        completed_at=at(TUESDAY, 11),
        total_cost=Decimal("85.50"),
    )
    return {**tickets, "screen": screen, "model": model, "devices": devices}
