"""The demo district generator. Each module adds steps in its own `demo.py`; `--scale`
multiplies everything so benchmarks run on a district of any size."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from homeroom.core import audit
from homeroom.core.choices import AuditInterface, RoomKind, SiteType
from homeroom.core.models import Room, Site

DEMO_PASSWORD = "homeroom"


@dataclass
class DemoContext:
    rng: random.Random
    scale: int
    shared: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[DemoContext], None]


STEPS: list[DemoStep] = []


def demo_step(order: int):
    def register(func):
        STEPS.append(DemoStep(order, func.__name__, func))
        return func

    return register


def generate(*, scale: int = 1, seed: int = 2026, report=print) -> DemoContext:
    """Build the demo district into an empty database, in one transaction."""
    autodiscover_modules("demo")
    context = DemoContext(rng=random.Random(seed), scale=scale)
    with transaction.atomic(), audit.interface(AuditInterface.CLI):
        for step in sorted(STEPS, key=lambda step: step.order):
            report(f"demo: {step.name.replace('_', ' ')}")
            step.run(context)
    return context


PLACES = [
    "Maple Grove",
    "Lincoln",
    "Riverside",
    "Cedar Park",
    "Oak Hill",
    "Willow Creek",
    "Pine Ridge",
    "Lakeview",
    "Sunnyside",
    "Brookfield",
    "Eastwood",
    "Hillcrest",
    "Fairview",
    "Westbrook",
    "Meadowlark",
    "Stonebridge",
    "Harbor View",
    "Aspen",
    "Juniper",
    "Redwood",
]
SCHOOL_KINDS = [
    (SiteType.ELEMENTARY, "Elementary", 26, "ES"),
    (SiteType.MIDDLE, "Middle School", 34, "MS"),
    (SiteType.HIGH, "High School", 48, "HS"),
]
STREETS = ["Main St", "Oak Ave", "School Rd", "Park Blvd", "Elm St", "Washington Ave", "Mill Rd"]
SPECIAL_ROOMS = [
    ("LIB", "Library", RoomKind.LIBRARY),
    ("LAB1", "Computer lab", RoomKind.LAB),
    ("GYM", "Gymnasium", RoomKind.GYM),
    ("CAF", "Cafeteria", RoomKind.CAFETERIA),
    ("OFF", "Main office", RoomKind.OFFICE),
    ("TECH", "Tech storage", RoomKind.STORAGE),
    ("MDF", "Network closet", RoomKind.SERVER),
]


def _address(rng: random.Random) -> str:
    return (
        f"{rng.randint(100, 9800)} {rng.choice(STREETS)}\nRiverside, IL 6{rng.randint(1000, 2999)}"
    )


@demo_step(order=10)
def sites_and_rooms(context: DemoContext) -> None:
    rng = context.rng
    sites = [
        Site(
            name="District Office",
            code="DO",
            type=SiteType.DISTRICT_OFFICE,
            address=_address(rng),
            phone="(555) 010-0100",
        )
    ]
    for batch in range(context.scale):
        for index, (kind, suffix, _, code) in enumerate(SCHOOL_KINDS):
            place = PLACES[(batch * len(SCHOOL_KINDS) + index) % len(PLACES)]
            cycle = (batch * len(SCHOOL_KINDS) + index) // len(PLACES)
            name = f"{place} {suffix}" + (f" {cycle + 1}" if cycle else "")
            sites.append(
                Site(
                    name=name,
                    code=f"{place[:3].upper()}{code}{batch or ''}",
                    type=kind,
                    address=_address(rng),
                    phone=f"(555) 01{batch % 10}-{rng.randint(1000, 9999)}",
                )
            )
    Site.objects.bulk_create(sites)
    sites = list(Site.objects.order_by("pk"))
    rooms = []
    for site in sites:
        if site.type == SiteType.DISTRICT_OFFICE:
            rooms += [
                Room(site=site, number=str(100 + n), name=name, kind=RoomKind.OFFICE)
                for n, name in enumerate(
                    ["Technology", "Superintendent", "Board room", "Assessment", "Warehouse"]
                )
            ]
            continue
        classrooms = next(count for kind, _, count, _ in SCHOOL_KINDS if kind == site.type)
        for n in range(classrooms + rng.randint(-4, 4)):
            floor = 1 + n // 20
            rooms.append(
                Room(
                    site=site,
                    number=f"{floor}{n % 20 + 1:02d}",
                    kind=RoomKind.CLASSROOM,
                    floor=str(floor),
                )
            )
        rooms += [
            Room(site=site, number=number, name=name, kind=kind)
            for number, name, kind in SPECIAL_ROOMS
        ]
    Room.objects.bulk_create(rooms, batch_size=1000)
    context.shared["sites"] = sites
