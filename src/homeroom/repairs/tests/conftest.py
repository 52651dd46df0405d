import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homeroom.core import roles
from homeroom.devices import services as device_services
from homeroom.devices.choices import DeviceCategory, DeviceStatus
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.people.models import Person
from homeroom.repairs import services
from homeroom.repairs.models import Vendor

# A Monday in term time, 10 am in the district's time zone: 3 days later is a Thursday,
# a week later a Monday, so due dates land on school days unless a test closes one.
SCHOOL_MONDAY = datetime.datetime(2025, 3, 10, 10, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture
def school_monday(settings):
    """The clock stands on SCHOOL_MONDAY (and moves on from there)."""
    settings.TIME_ZONE = "America/Chicago"
    with time_machine.travel(SCHOOL_MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def chromebook_model(db):
    return DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acer"),
        name="Chromebook 311",
        category=DeviceCategory.CHROMEBOOK,
    )


@pytest.fixture
def laptop_model(db):
    return DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Dell"),
        name="Latitude 3140",
        category=DeviceCategory.WINDOWS_LAPTOP,
    )


def make_device(site, model, tag: str, status=DeviceStatus.IN_STOCK) -> Device:
    return Device.objects.create(
        asset_tag=tag, serial_number=f"SN-{tag}", model=model, site=site, status=status
    )


@pytest.fixture
def devices(sites, chromebook_model):
    """Five Chromebooks in stock at sites[0]."""
    return [make_device(sites[0], chromebook_model, f"NES-{n:04d}") for n in range(1, 6)]


@pytest.fixture
def loaners(sites, chromebook_model):
    """Three loaner-pool Chromebooks at sites[0]."""
    return [
        make_device(sites[0], chromebook_model, f"LOAN-{n}", DeviceStatus.LOANER_POOL)
        for n in range(1, 4)
    ]


@pytest.fixture
def students(sites):
    return [
        Person.objects.create(
            given_name=f"Student{n}",
            family_name="Test",
            kind="student",
            primary_site=sites[0],
            grade="04",
        )
        for n in range(1, 4)
    ]


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


@pytest.fixture
def vendor(db):
    return Vendor.objects.create(
        name="Acer depot", depot_address="1 Depot Way", warranty_portal_url="https://example.org"
    )


@pytest.fixture
def screen(sites, tech, chromebook_model):
    """A screen part at sites[0] with three on hand at $42.50."""
    part = services.part_create(
        actor=tech,
        site=sites[0],
        name="311 screen",
        kind="screen",
        unit_cost=Decimal("42.50"),
        reorder_point=2,
        part_number="SCR-311",
        compatible_models=[chromebook_model],
    )
    return services.part_receive(actor=tech, part=part, quantity=3)


@pytest.fixture
def checked_out(devices, students, tech):
    """devices[0] checked out 1:1 to students[0]."""
    device_services.device_check_out(actor=tech, device=devices[0], person=students[0])
    return devices[0]
