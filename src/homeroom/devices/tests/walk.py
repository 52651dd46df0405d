from homeroom.core.testing import WalkSamples
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.devices.tests.walk_imports import import_samples


def samples(base) -> WalkSamples:
    device = Device.objects.create(
        asset_tag="WALK-1",
        serial_number="WALK-SN-1",
        site=base.site,
        model=DeviceModel.objects.create(
            manufacturer=Manufacturer.objects.create(name="Walk"),
            name="Walkbook",
            category="chromebook",
        ),
    )
    base.device = device
    imports = import_samples(base)
    return WalkSamples(
        by_url_name={**imports.by_url_name, "devices:device_detail": device.pk},
        by_key={**imports.by_key, "device_id": device.pk, "scan": device.asset_tag},
        bodies={
            **imports.bodies,
            "set_device_status": {"status": "in_stock"},
            "check_out": {"person_id": base.person.pk},
            "check_in": {},
        },
    )
