import datetime

import pytest
from django.utils import timezone

from homeroom.core import roles
from homeroom.testday import services
from homeroom.testday.models import AssessmentPlatform

# Windows in these tests are dated from this day; the clock is frozen at 9 am on it.
TODAY = datetime.date(2027, 4, 12)


@pytest.fixture
def frozen(time_machine):
    moment = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
    time_machine.move_to(moment, tick=False)
    return TODAY


@pytest.fixture
def coordinator(users):
    return users[roles.TEST_COORDINATOR]


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


@pytest.fixture
def testnav(db):
    """Seeded by the app's migration with Pearson's published figures."""
    return AssessmentPlatform.objects.get(name="Pearson TestNav")


@pytest.fixture
def make_window(sites, coordinator, testnav):
    def make(**fields):
        actor = fields.pop("actor", coordinator)
        first = fields.pop("starts_on", TODAY)
        values = {
            "assessment": "State ELA grades 3-8, spring 2027",
            "content_area": "English language arts",
            "platform": testnav,
            "starts_on": first,
            "ends_on": first + datetime.timedelta(days=11),
            "sites": [sites[0]],
            "grades": "3-8",
            **fields,
        }
        return services.window_create(actor=actor, **values)

    return make


@pytest.fixture
def fleet(sites):
    """A Chromebook model updated through 2030, an old one whose updates ended in 2026,
    an iPad model, and a way to add a device at the first school (ready for TestNav in
    the testing org unit unless told otherwise)."""
    from homeroom.devices.models import Device, DeviceModel, Manufacturer

    acer = Manufacturer.objects.create(name="Acer")
    current = DeviceModel.objects.create(
        manufacturer=acer,
        name="Chromebook 311",
        category="chromebook",
        auto_update_through=datetime.date(2030, 6, 1),
    )
    old = DeviceModel.objects.create(
        manufacturer=acer,
        name="Chromebook 11 C740",
        category="chromebook",
        auto_update_through=datetime.date(2026, 6, 1),
    )
    ipad = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Apple"), name="iPad", category="tablet"
    )
    counter = iter(range(1, 10_000))

    def add(**fields):
        n = next(counter)
        values = {
            "asset_tag": f"NES-{n:04d}",
            "serial_number": f"SN{n:06d}",
            "model": current,
            "site": sites[0],
            "status": "deployed",
            "os_version": "146.0.7300.12",
            "org_unit_path": "/Students/Testing/NES",
            "last_sync": timezone.now() - datetime.timedelta(days=1),
            **fields,
        }
        return Device.objects.create(**values)

    add.models = {"current": current, "old": old, "ipad": ipad}
    return add


@pytest.fixture
def testing_ou(testnav, users):
    """TestNav with the district's testing org unit set."""
    return services.platform_update(
        actor=users[roles.DISTRICT_ADMIN], platform=testnav, testing_org_unit="/Students/Testing"
    )


@pytest.fixture
def pupils(sites):
    """Four grade-4 students at the first school (ids S1..S4, state ids 9001..9004), three
    of them in Ms Walker's class, and a grade-5 student."""
    from homeroom.people.models import Enrollment, Person, SchoolClass

    people = []
    for n, (given, grade) in enumerate(
        [("Maya", "4"), ("Leo", "4"), ("Ana", "4"), ("Sam", "4"), ("Zoe", "5")], start=1
    ):
        people.append(
            Person.objects.create(
                kind="student",
                given_name=given,
                family_name="Ortiz" if n == 1 else f"Student{n}",
                identifier=f"S{n}",
                state_id=f"900{n}",
                grade=grade,
                primary_site=sites[0],
            )
        )
    walker = SchoolClass.objects.create(title="Grade 4 Walker", site=sites[0])
    for person in people[:3]:
        Enrollment.objects.create(person=person, school_class=walker, site=sites[0], role="student")
    return {"people": people, "class": walker}


@pytest.fixture
def make_session(sites, coordinator, make_window, frozen):
    def make(**fields):
        window = fields.pop("window", None) or make_window()
        actor = fields.pop("actor", coordinator)
        starts = timezone.make_aware(datetime.datetime.combine(frozen, datetime.time(9)))
        values = {
            "window": window,
            "room": sites[0].rooms.get(number="102"),
            "title": "Grade 4 ELA",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2),
            "administrators": [coordinator],
            **fields,
        }
        return services.session_create(actor=actor, **values)

    return make


@pytest.fixture
def testing(sites, make_session, pupils, coordinator, users):
    """A session this morning with Maya on NES-0001 and Leo on NES-0002, a spare NES-0003."""
    from homeroom.devices.models import Device, DeviceModel, Manufacturer

    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acer"),
        name="Chromebook 311",
        category="chromebook",
    )
    devices = [
        Device.objects.create(
            asset_tag=f"NES-000{n}",
            serial_number=f"SN{n}",
            model=model,
            site=sites[0],
            status="deployed",
            os_version="146.0.1",
            org_unit_path="/Students",
            last_sync=timezone.now(),
        )
        for n in (1, 2, 3)
    ]
    session = make_session(proctors=[users[roles.TECHNICIAN]])
    services.students_add(actor=coordinator, session=session, identifiers="S1 S2")
    maya, leo = session.students.order_by("person__identifier")
    services.device_bind(actor=coordinator, entry=maya, scan="NES-0001")
    services.device_bind(actor=coordinator, entry=leo, scan="NES-0002")
    services.session_set_status(actor=coordinator, session=session, status="testing")
    return {"session": session, "maya": maya, "leo": leo, "devices": devices}
