import datetime

import pytest

from homeroom.core import roles
from homeroom.software import services

# Dates in these tests are counted from this moment; the clock is frozen there.
NOW = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


@pytest.fixture
def admin(users):
    return users[roles.DISTRICT_ADMIN]


@pytest.fixture
def make_tool(users):
    def make(name="Khan Academy", **fields):
        actor = fields.pop("actor", users[roles.DISTRICT_ADMIN])
        values = {"category": "content", "vendor": "Khan Academy", **fields}
        return services.tool_create(actor=actor, name=name, **values)

    return make
