import datetime

import pytest
from django.utils import timezone

from homeroom.classrooms import services
from homeroom.core import roles
from homeroom.devices.models import Device, DeviceModel, Manufacturer

# Tuesday 2 March 2027 at 9 am: a school week, twelve days before daylight saving time
# starts in the district (Sunday 14 March).
TODAY = datetime.date(2027, 3, 2)
CHECKLIST = ["Clean the filter", "Update the firmware", "Test the speakers"]


@pytest.fixture
def frozen(time_machine):
    moment = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
    time_machine.move_to(moment, tick=False)
    return TODAY


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


@pytest.fixture
def second_teacher(make_user, sites):
    return make_user(
        "jordan",
        roles.TEACHER,
        sites=[sites[0]],
        first_name="Jordan",
        last_name="Lee",
        email="jordan@example.org",
    )


@pytest.fixture
def schedule(sites, tech):
    """North's regular day, Monday to Friday: periods 1 to 4."""
    return services.bell_schedule_create(
        actor=tech,
        site=sites[0],
        name="Regular day",
        weekdays=[0, 1, 2, 3, 4],
        periods=[
            ("1", datetime.time(8), datetime.time(8, 50)),
            ("2", datetime.time(8, 55), datetime.time(9, 45)),
            ("3", datetime.time(9, 50), datetime.time(10, 40)),
            ("4", datetime.time(10, 45), datetime.time(11, 35)),
        ],
    )


@pytest.fixture
def periods(schedule):
    return {period.name: period for period in schedule.periods.all()}


@pytest.fixture
def cart(sites, tech):
    return services.resource_create(actor=tech, site=sites[0], kind="cart", name="Cart A")


@pytest.fixture
def projectors(sites):
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Epson"),
        name="PowerLite 680",
        category="projector",
    )
    rooms = {room.number: room for room in sites[0].rooms.all()}
    return [
        Device.objects.create(
            asset_tag=f"PJ-{number}",
            serial_number=f"PJ{number}",
            model=model,
            site=sites[0],
            home_room=rooms[number],
        )
        for number in ("102", "101")
    ]


@pytest.fixture
def filter_plan(tech, sites, projectors):
    return services.plan_create(
        actor=tech,
        name="Projector filters",
        site=sites[0],
        target="model",
        device_model=projectors[0].model,
        every=3,
        unit="months",
        window_days=7,
        checklist=CHECKLIST,
        starts_on=TODAY + datetime.timedelta(days=10),
    )
