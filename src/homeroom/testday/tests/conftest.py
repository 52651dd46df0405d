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
