"""The demo district generator. Each module adds steps in its own `demo.py`; `--scale`
multiplies everything so benchmarks run on a district of any size."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from homeroom.core import audit, services
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


def _closed(first: str, last: str, reason: str) -> tuple[datetime.date, datetime.date, str]:
    return datetime.date.fromisoformat(first), datetime.date.fromisoformat(last), reason


DISTRICT_CLOSED_DAYS = [
    _closed("2025-09-01", "2025-09-01", "Labor Day"),
    _closed("2025-11-26", "2025-11-28", "Thanksgiving break"),
    _closed("2025-12-22", "2026-01-02", "Winter break"),
    _closed("2026-01-19", "2026-01-19", "Martin Luther King Jr. Day"),
    _closed("2026-02-16", "2026-02-16", "Presidents' Day"),
    _closed("2026-03-23", "2026-03-27", "Spring break"),
    _closed("2026-05-25", "2026-05-25", "Memorial Day"),
    _closed("2026-06-15", "2026-08-14", "Summer break"),
    _closed("2026-09-07", "2026-09-07", "Labor Day"),
    _closed("2026-11-25", "2026-11-27", "Thanksgiving break"),
    _closed("2026-12-21", "2027-01-01", "Winter break"),
    _closed("2027-01-18", "2027-01-18", "Martin Luther King Jr. Day"),
    _closed("2027-02-15", "2027-02-15", "Presidents' Day"),
    _closed("2027-03-22", "2027-03-26", "Spring break"),
    _closed("2027-05-31", "2027-05-31", "Memorial Day"),
    _closed("2027-06-14", "2027-08-13", "Summer break"),
]


@demo_step(order=12)
def school_calendar(context: DemoContext) -> None:
    """District hours Mon-Fri 7:30-16:00, the 2025-26 and 2026-27 holidays and breaks, and
    the first high school, which starts and finishes earlier."""
    weekdays = range(5)
    services.school_hours_set(
        actor=None,
        site=None,
        school_days=weekdays,
        opens_at=datetime.time(7, 30),
        closes_at=datetime.time(16),
    )
    high_school = next(site for site in context.shared["sites"] if site.type == SiteType.HIGH)
    services.school_hours_set(
        actor=None,
        site=high_school,
        school_days=weekdays,
        opens_at=datetime.time(7),
        closes_at=datetime.time(14, 30),
    )
    for first, last, reason in DISTRICT_CLOSED_DAYS:
        services.closed_day_add(actor=None, site=None, starts_on=first, ends_on=last, reason=reason)
