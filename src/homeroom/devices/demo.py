"""The demo district's devices: a Chromebook for every student (1:1), spares and loaner pools,
carts in the elementary schools, classroom displays, projectors and document cameras, and a
year of history (last year's check-outs, repairs, a few lost and stolen)."""

import datetime
from decimal import Decimal

from homeroom.core.choices import RoomKind, SiteType
from homeroom.core.demo import DemoContext, demo_step, school_year
from homeroom.core.models import Room
from homeroom.devices.choices import AssignmentKind, DeviceCategory, DeviceStatus, FundingSource
from homeroom.devices.models import (
    CART_SLOTS,
    Assignment,
    CartSlot,
    Device,
    DeviceModel,
    Manufacturer,
)
from homeroom.people.models import Person

CHROMEBOOKS = [  # maker, model, years from this school year to Google's last update, cost
    ("Acer", "Chromebook 311 (C722)", 3, "229.00"),
    ("Lenovo", "300e Chromebook Gen 4", 6, "289.00"),
    ("Dell", "Chromebook 3110", 4, "259.00"),
    ("HP", "Chromebook 11 G9 EE", 2, "219.00"),
]
AV = {
    SiteType.ELEMENTARY: ("Promethean", "ActivPanel 9 75in", DeviceCategory.INTERACTIVE_DISPLAY),
    SiteType.MIDDLE: ("Promethean", "ActivPanel 9 75in", DeviceCategory.INTERACTIVE_DISPLAY),
    SiteType.HIGH: ("Epson", "PowerLite 1288", DeviceCategory.PROJECTOR),
}
LOANERS_PER_SCHOOL = 30
SPARES_PER_SCHOOL = 20


class Tags:
    """Asset tags per site: LINMS-000123."""

    def __init__(self):
        self.next = {}

    def __call__(self, site) -> str:
        number = self.next.get(site.pk, 1)
        self.next[site.pk] = number + 1
        return f"{site.code.upper()}-{number:06d}"


@demo_step(order=40)
def devices(context: DemoContext) -> None:
    rng = context.rng
    now = context.now
    year = school_year(context.today)
    models = {}
    for maker, name, years_left, cost in CHROMEBOOKS:
        manufacturer, _ = Manufacturer.objects.get_or_create(name=maker)
        models[name] = (
            DeviceModel.objects.create(
                manufacturer=manufacturer,
                name=name,
                category=DeviceCategory.CHROMEBOOK,
                auto_update_through=datetime.date(year + years_left, 6, 1),
                warranty_months=36,
            ),
            Decimal(cost),
        )
    av_models = {}
    for maker, name, category in {value for value in AV.values()} | {
        ("IPEVO", "V4K Document Camera", DeviceCategory.DOCUMENT_CAMERA),
        ("LocknCharge", "Carrier 30 Cart", DeviceCategory.CART),
    }:
        manufacturer, _ = Manufacturer.objects.get_or_create(name=maker)
        av_models[name] = DeviceModel.objects.create(
            manufacturer=manufacturer, name=name, category=category, warranty_months=60
        )
    tag = Tags()
    serials = iter(range(10**7, 10**8))
    sites = [site for site in context.shared["sites"] if site.type != SiteType.DISTRICT_OFFICE]
    last_year_out = now - datetime.timedelta(days=455)
    last_year_in = now - datetime.timedelta(days=170)
    new_devices, plans = [], []
    for site in sites:
        students = list(
            Person.objects.filter(primary_site=site, kind="student", is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chromebook, cost = models[CHROMEBOOKS[sites.index(site) % len(CHROMEBOOKS)][1]]
        purchased = datetime.date(year - 3 + sites.index(site) % 3, 7, 15)
        count = len(students) + SPARES_PER_SCHOOL + LOANERS_PER_SCHOOL
        if site.type == SiteType.ELEMENTARY:
            count += 2 * CART_SLOTS
        for n in range(count):
            status = DeviceStatus.IN_STOCK
            if n < len(students):
                status = DeviceStatus.DEPLOYED
            elif n < len(students) + LOANERS_PER_SCHOOL:
                status = DeviceStatus.LOANER_POOL
            new_devices.append(
                Device(
                    asset_tag=tag(site),
                    serial_number=f"NXK{next(serials)}",
                    model=chromebook,
                    site=site,
                    status=status,
                    purchase_date=purchased,
                    purchase_cost=cost,
                    order_number=f"PO-{purchased.year}-{site.code.upper()}",
                    vendor="CDW-G",
                    funding_source=rng.choice(
                        [FundingSource.GENERAL_FUND, FundingSource.ESSER, FundingSource.TITLE_IV_A]
                    ),
                    warranty_end=purchased.replace(year=purchased.year + 3),
                    org_unit_path=f"/Students/{site.code.upper()}",
                    os_version=f"{rng.randint(128, 131)}.0.{rng.randint(6000, 6800)}.0",
                    last_sync=now - datetime.timedelta(hours=rng.randint(1, 240)),
                )
            )
            plans.append((site, students[n] if n < len(students) else None))
        for room in Room.objects.filter(site=site, kind=RoomKind.CLASSROOM):
            maker, name, category = AV[site.type]
            new_devices.append(
                Device(
                    asset_tag=tag(site),
                    serial_number=f"AV{next(serials)}",
                    model=av_models[name],
                    site=site,
                    home_room=room,
                    status=DeviceStatus.DEPLOYED,
                    purchase_date=purchased,
                    funding_source=FundingSource.E_RATE,
                )
            )
            plans.append((site, room))
            if rng.random() < 0.5:
                new_devices.append(
                    Device(
                        asset_tag=tag(site),
                        serial_number=f"DC{next(serials)}",
                        model=av_models["V4K Document Camera"],
                        site=site,
                        home_room=room,
                        status=DeviceStatus.DEPLOYED,
                        purchase_date=purchased,
                    )
                )
                plans.append((site, room))
    Device.objects.bulk_create(new_devices, batch_size=2000)
    saved = list(Device.objects.filter(site__in=sites).order_by("pk"))
    assignments = []
    for device, (_, holder) in zip(saved, plans, strict=True):
        if isinstance(holder, int):
            assignments.append(
                Assignment(
                    device=device,
                    person_id=holder,
                    kind=AssignmentKind.ONE_TO_ONE,
                    checked_out_at=now - datetime.timedelta(days=80),
                )
            )
            if rng.random() < 0.7:  # last school year, checked in over the summer
                assignments.append(
                    Assignment(
                        device=device,
                        person_id=holder,
                        kind=AssignmentKind.ONE_TO_ONE,
                        checked_out_at=last_year_out,
                        checked_in_at=last_year_in,
                        check_in_condition="good",
                        check_in_checklist={"charger": rng.random() > 0.08},
                    )
                )
        elif isinstance(holder, Room):
            assignments.append(Assignment(device=device, room=holder, checked_out_at=last_year_out))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    _carts(sites, av_models["Carrier 30 Cart"], tag, serials)
    _history(saved, rng)


def _carts(sites, cart_model, tag, serials) -> None:
    """Two carts of thirty in each elementary school, filled with its spare Chromebooks."""
    for site in sites:
        if site.type != SiteType.ELEMENTARY:
            continue
        spares = list(
            Device.objects.filter(
                site=site, status=DeviceStatus.IN_STOCK, model__category=DeviceCategory.CHROMEBOOK
            ).order_by("-pk")[: 2 * CART_SLOTS]
        )
        for number in range(2):
            cart = Device.objects.create(
                asset_tag=tag(site),
                serial_number=f"CT{next(serials)}",
                model=cart_model,
                site=site,
                status=DeviceStatus.IN_STOCK,
                notes=f"Cart {number + 1}",
            )
            slots = spares[number * CART_SLOTS : (number + 1) * CART_SLOTS]
            CartSlot.objects.bulk_create(
                CartSlot(cart=cart, number=slot + 1, device=device)
                for slot, device in enumerate(slots)
            )
            Assignment.objects.bulk_create(
                Assignment(device=device, cart=cart, kind=AssignmentKind.SHORT_TERM)
                for device in slots
            )
            Device.objects.filter(pk__in=[d.pk for d in slots]).update(status=DeviceStatus.DEPLOYED)


def _history(devices, rng) -> None:
    """A few devices that broke, went missing or were retired during the year."""
    spare = [
        d
        for d in devices
        if d.status == DeviceStatus.IN_STOCK and d.model.category == DeviceCategory.CHROMEBOOK
    ]
    rng.shuffle(spare)
    for status, count in (
        (DeviceStatus.IN_REPAIR, 12),
        (DeviceStatus.LOST, 3),
        (DeviceStatus.STOLEN, 2),
        (DeviceStatus.RETIRED, 6),
    ):
        chosen = [spare.pop() for _ in range(min(count, len(spare)))]
        Device.objects.filter(pk__in=[d.pk for d in chosen], cart_slot__isnull=True).update(
            status=status
        )
