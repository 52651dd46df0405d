"""The demo district generator. Each module adds steps in its own `demo.py`; `--scale`
multiplies everything so benchmarks run on a district of any size. Every step dates what it
makes relative to the context's `today` (and `now`, that day at the present time of day), so
the district has a year behind it and work in hand on whatever day it is built for."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from homeroom.core import audit, services
from homeroom.core.choices import AuditInterface, RoomKind, SiteType
from homeroom.core.models import DistrictSettings, Room, Site

DEMO_PASSWORD = "homeroom"


@dataclass
class DemoContext:
    rng: random.Random
    scale: int
    today: datetime.date  # the district's date the demo is built for
    now: datetime.datetime  # `today` at the present time of day
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


def generate(
    *, scale: int = 1, seed: int = 2026, today: datetime.date | None = None, report=print
) -> DemoContext:
    """Build the demo district into an empty database, in one transaction, as it stands on
    `today` (default: today in the district's time zone)."""
    autodiscover_modules("demo")
    present = timezone.localtime()
    today = today or present.date()
    now = timezone.make_aware(datetime.datetime.combine(today, present.time()))
    context = DemoContext(rng=random.Random(seed), scale=scale, today=today, now=now)
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
    DistrictSettings.objects.update_or_create(
        pk=1, defaults={"name": "Riverside Unified School District"}
    )
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


def _weekday_of(year: int, month: int, weekday: int, nth: int) -> datetime.date:
    """The nth (1-based; -1 for the last) given weekday (Monday 0) of a month."""
    if nth > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


MONDAY, THURSDAY, FRIDAY = 0, 3, 4


def first_school_day(year: int) -> datetime.date:
    """School starts on the third Monday of August."""
    return _weekday_of(year, 8, MONDAY, 3)


def school_year_closed_days(year: int) -> list[tuple[datetime.date, datetime.date, str]]:
    """The holidays and breaks of the school year starting in August of `year`, the summer
    break after it included, by the rules the district's calendar follows."""
    thanksgiving = _weekday_of(year, 11, THURSDAY, 4)
    new_year = datetime.date(year + 1, 1, 1)
    winter_ends = new_year + datetime.timedelta(days=(FRIDAY - new_year.weekday()) % 7)
    spring = _weekday_of(year + 1, 3, MONDAY, 4)
    summer = _weekday_of(year + 1, 6, FRIDAY, 2) + datetime.timedelta(days=3)
    days = [
        (_weekday_of(year, 9, MONDAY, 1), None, "Labor Day"),
        (
            thanksgiving - datetime.timedelta(days=1),
            thanksgiving + datetime.timedelta(days=1),
            "Thanksgiving break",
        ),
        (winter_ends - datetime.timedelta(days=11), winter_ends, "Winter break"),
        (_weekday_of(year + 1, 1, MONDAY, 3), None, "Martin Luther King Jr. Day"),
        (_weekday_of(year + 1, 2, MONDAY, 3), None, "Presidents' Day"),
        (spring, spring + datetime.timedelta(days=4), "Spring break"),
        (_weekday_of(year + 1, 5, MONDAY, -1), None, "Memorial Day"),
        (summer, first_school_day(year + 1) - datetime.timedelta(days=3), "Summer break"),
    ]
    return [(first, last or first, reason) for first, last, reason in days]


def school_year(today: datetime.date) -> int:
    """The year the school year `today` falls in started (its summer break counted in)."""
    return today.year if today >= first_school_day(today.year) else today.year - 1


def district_closed_days(today: datetime.date) -> list[tuple[datetime.date, datetime.date, str]]:
    """This school year's closed days and last year's, so the demo's year of history has
    its holidays."""
    year = school_year(today)
    return school_year_closed_days(year - 1) + school_year_closed_days(year)


@demo_step(order=12)
def school_calendar(context: DemoContext) -> None:
    """District hours Mon-Fri 7:30-16:00, the holidays and breaks of this school year and
    the last, and the first high school, which starts and finishes earlier."""
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
    for first, last, reason in district_closed_days(context.today):
        services.closed_day_add(actor=None, site=None, starts_on=first, ends_on=last, reason=reason)
