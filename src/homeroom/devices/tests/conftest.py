import pytest

from homeroom.devices.choices import DeviceCategory
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.people.models import Person


@pytest.fixture
def chromebook_model(db):
    acer = Manufacturer.objects.create(name="Acer")
    return DeviceModel.objects.create(
        manufacturer=acer, name="Chromebook 311", category=DeviceCategory.CHROMEBOOK
    )


@pytest.fixture
def devices(sites, chromebook_model):
    return [
        Device.objects.create(
            asset_tag=f"NES-{n:04d}",
            serial_number=f"SN{n:06d}",
            model=chromebook_model,
            site=sites[0],
        )
        for n in range(1, 6)
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
        for n in range(1, 21)
    ]
