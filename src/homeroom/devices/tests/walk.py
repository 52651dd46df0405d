import itertools

from homeroom.core.testing import WalkSamples
from homeroom.devices.models import Assignment, CartSlot, Device, DeviceModel, Manufacturer
from homeroom.devices.tests.walk_imports import import_samples


def samples(base) -> WalkSamples:
    maker = Manufacturer.objects.create(name="Walk")
    model = DeviceModel.objects.create(manufacturer=maker, name="Walkbook", category="chromebook")
    cart_model = DeviceModel.objects.create(manufacturer=maker, name="Walk cart", category="cart")
    count = itertools.count(1)

    def new_device(model=model):
        number = next(count)
        return Device.objects.create(
            asset_tag=f"WALK-{number}",
            serial_number=f"WALK-SN-{number}",
            site=base.site,
            model=model,
        )

    device = new_device()
    base.device = device
    cart = new_device(cart_model)
    CartSlot.objects.bulk_create(CartSlot(cart=cart, number=n) for n in range(1, 11))

    def checked_out_device():
        out = new_device()
        Assignment.objects.create(device=out, person=base.person, kind="one_to_one")
        Device.objects.filter(pk=out.pk).update(status="deployed")
        return out.pk

    def filled_slot():
        slot = cart.slots.filter(device__isnull=True).first()
        slot.device = new_device()
        slot.save()
        Assignment.objects.create(device=slot.device, cart=cart, kind="short_term")
        return slot.number

    imports = import_samples(base)
    return WalkSamples(
        by_url_name={
            **imports.by_url_name,
            "devices:device_detail": device.pk,
            "devices:device_edit": device.pk,
            "devices:device_delete": lambda: new_device().pk,
            "devices:cart_slots": cart.pk,
            "api:check_in": checked_out_device,
        },
        by_key={
            **imports.by_key,
            # A new device for each URL: the API's DELETE removes the one it is given.
            "device_id": lambda: new_device().pk,
            "scan": device.asset_tag,
            "cart_id": cart.pk,
            "number": filled_slot,
        },
        bodies={
            **imports.bodies,
            "set_device_status": {"status": "in_stock"},
            "check_out": {"person_id": base.person.pk},
            "check_in": {},
            "create_device": lambda: {
                "asset_tag": f"WALK-NEW-{next(count)}",
                "serial_number": f"WALK-NEW-SN-{next(count)}",
                "model_id": model.pk,
                "site_id": base.site.pk,
            },
            "delete_device": {},
            "bulk_update_devices": lambda: {"device_ids": [new_device().pk], "status": "retired"},
            "create_device_model": lambda: {
                "manufacturer": "Walk",
                "name": f"Walkbook {next(count)}",
                "category": "chromebook",
            },
            "fill_cart_slot": lambda: {"scan": new_device().asset_tag},
            "empty_cart_slot": {},
            "record_acknowledgment": {},
        },
    )
