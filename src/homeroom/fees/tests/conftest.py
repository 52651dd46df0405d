from decimal import Decimal

import pytest

from homeroom.fees import services
from homeroom.fees.models import FeeReason
from homeroom.people.models import Person


@pytest.fixture
def reasons(db):
    return {
        name: FeeReason.objects.create(name=name, category=category, default_amount=Decimal(amount))
        for name, category, amount in [
            ("Cracked screen", "device_damage", "45.00"),
            ("Lost charger", "accessory", "25.00"),
            ("Lost device", "device_loss", "250.00"),
            ("Damaged book", "library", "12.50"),
            ("Lost case", "accessory", "20.00"),
        ]
    }


@pytest.fixture
def students(sites):
    return [
        Person.objects.create(
            given_name=f"Student{n}",
            family_name="Test",
            kind="student",
            primary_site=sites[0],
            grade="04",
            identifier=f"40000{n}",
        )
        for n in range(1, 4)
    ]


@pytest.fixture
def far_student(sites):
    """A student at the school the limited accounts do not work at."""
    return Person.objects.create(
        given_name="Faraway", family_name="Kid", kind="student", primary_site=sites[1]
    )


@pytest.fixture
def policy_on(db):
    services.policy_update(actor=None, block_check_out=True, block_above="25.00")
