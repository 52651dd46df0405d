"""Server-side time of the classrooms pages at demo scale and at a district's scale.

The demo's classrooms step gives every school a bell schedule, carts, a lab and kits to
reserve and the AV details of its displays and projectors. Before timing, each data set is
topped up once (in the first measuring process) to what a school year leaves behind: every
resource booked for period 2 on every school day of 36 weeks around the demo's day, and, in
a district of 50 schools or more, projectors added until the resources and AV devices number
20,000, all of them on the demo's projector plans; then the maintenance sweep runs (timed,
with the time of a second sweep that finds nothing to add). Both data sets are measured in
alternating rounds, each a subprocess (`bench_classrooms.py --measure`) that requests every
page through Django's test Client as a signed-in demo account. The goal: within 2x of demo
scale. A district of 100 sites (the district office and 99 schools) is `--scale 33`:

    .venv/bin/python benchmarks/run.py --scale 33 classrooms
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

import harness

WARMUP = 2
REQUESTS = 8
ROUNDS = 3
LIMIT = 2.0
DISTRICT_SCHOOLS = 50  # from this many schools a data set is topped up to 20,000 AV devices
DISTRICT_AV = 20_000
SCHOOL_YEAR_WEEKS = 36


def requests(site: int, resource: int, day: str) -> list[tuple[str, str, str]]:
    return [
        (
            "admin",
            "/classrooms/day/?site=<first school>",
            f"/classrooms/day/?site={site}&day={day}",
        ),
        ("tech", "/classrooms/day/?site=<first school>", f"/classrooms/day/?site={site}&day={day}"),
        (
            "tech",
            "/classrooms/day/?site=<first school>&view=week",
            f"/classrooms/day/?site={site}&day={day}&view=week",
        ),
        (
            "admin",
            "/classrooms/resources/<pk>/?week=",
            f"/classrooms/resources/{resource}/?week={day}",
        ),
        ("admin", "/classrooms/maintenance/", "/classrooms/maintenance/"),
        ("tech", "/classrooms/maintenance/", "/classrooms/maintenance/"),
        (
            "admin",
            "/classrooms/reservations/?site=<first school>",
            f"/classrooms/reservations/?site={site}&upcoming=true",
        ),
        ("admin", "/classrooms/av/", "/classrooms/av/"),
        ("tech", "/ (Today)", "/"),
        (
            "admin",
            "/api/v1/classrooms/reservations?resource=<pk>",
            f"/api/v1/classrooms/reservations?resource={resource}&upcoming=true",
        ),
        (
            "admin",
            "/api/v1/classrooms/maintenance/tasks?status=open",
            "/api/v1/classrooms/maintenance/tasks?status=open",
        ),
    ]


def top_up() -> dict:
    """A school year of bookings and, in a district, 20,000 AV devices; once per data set."""
    from django.db import transaction
    from django.utils import timezone

    from homeroom.classrooms import services
    from homeroom.classrooms.models import AVDetails, MaintenanceTask, Reservation, Resource
    from homeroom.core.calendar import calendars_for, district_zone
    from homeroom.core.models import Room, Site
    from homeroom.devices.models import Device, DeviceModel
    from homeroom.people.models import User

    kept = Path(os.environ["HOMEROOM_DATA_DIR"]) / "bench_classrooms_top_up.json"
    if kept.exists():
        return json.loads(kept.read_text())
    zone = district_zone()
    today = timezone.localdate()
    first = today - datetime.timedelta(weeks=SCHOOL_YEAR_WEEKS // 2)
    holder = User.objects.get(username="admin")
    resources = list(Resource.objects.all())
    calendars = calendars_for({resource.site_id for resource in resources})
    start_time, end_time = datetime.time(8, 55), datetime.time(9, 45)
    with transaction.atomic():
        taken = {
            (r.resource_id, timezone.localtime(r.starts_at).date())
            for r in Reservation.objects.only("resource_id", "starts_at")
        }
        rows = []
        for resource in resources:
            school_days = calendars[resource.site_id]
            for offset in range(SCHOOL_YEAR_WEEKS * 7):
                day = first + datetime.timedelta(days=offset)
                if (resource.pk, day) in taken or not school_days.is_school_day(day):
                    continue
                rows.append(
                    Reservation(
                        resource=resource,
                        holder=holder,
                        starts_at=datetime.datetime.combine(day, start_time, zone),
                        ends_at=datetime.datetime.combine(day, end_time, zone),
                        periods="Period 2",
                        purpose="bench",
                    )
                )
        Reservation.objects.bulk_create(rows, batch_size=5000)
        schools = Site.objects.exclude(type="district_office").count()
        added = 0
        if schools >= DISTRICT_SCHOOLS:
            model = DeviceModel.objects.filter(category="projector").first()
            have = AVDetails.objects.count() + len(resources)
            rooms = list(Room.objects.filter(kind="classroom").values_list("pk", "site_id"))
            devices = [
                Device(
                    asset_tag=f"BENCH-PJ-{n:06d}",
                    serial_number=f"BENCHPJ{n:06d}",
                    model=model,
                    site_id=rooms[n % len(rooms)][1],
                    home_room_id=rooms[n % len(rooms)][0],
                    status="deployed",
                )
                for n in range(max(0, DISTRICT_AV - have))
            ]
            Device.objects.bulk_create(devices, batch_size=5000)
            AVDetails.objects.bulk_create(
                [
                    AVDetails(device=device, lamp_hours=(n * 37) % 3600, lamp_life=3500)
                    for n, device in enumerate(devices)
                ],
                batch_size=5000,
            )
            added = len(devices)
    started = time.perf_counter()
    made = services.generate_tasks()
    sweep_s = time.perf_counter() - started
    started = time.perf_counter()
    services.generate_tasks()
    again_s = time.perf_counter() - started
    done = {
        "bookings_added": len(rows),
        "av_devices_added": added,
        "sweep_tasks_made": made,
        "sweep_s": round(sweep_s, 2),
        "second_sweep_s": round(again_s, 2),
        "open_tasks": MaintenanceTask.objects.filter(status="open").count(),
    }
    kept.write_text(json.dumps(done))
    return done


def measure() -> dict:
    harness.setup_django()
    from django.test import Client
    from django.utils import timezone

    from homeroom.classrooms.models import AVDetails, MaintenanceTask, Reservation, Resource
    from homeroom.core.calendar import calendar_for
    from homeroom.people.models import User

    topped = top_up()
    resource = Resource.objects.order_by("site__name", "name", "pk").first()
    site = resource.site
    day = calendar_for(site).next_school_day(timezone.localdate())
    clients = {}
    for username in ("admin", "tech"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    plan = [
        (f"{account} {label}", clients[account], url)
        for account, label, url in requests(site.pk, resource.pk, day.isoformat())
    ]
    pages = harness.time_pages(plan, warmup=WARMUP, requests=REQUESTS)
    rows = {
        "resources": Resource.objects.count(),
        "av_devices": AVDetails.objects.count(),
        "bookings": Reservation.objects.count(),
        "maintenance_tasks": MaintenanceTask.objects.count(),
        "top_up": topped,
    }
    return {"rows": rows, "pages": pages}


def run(scale: int, database: str = "sqlite") -> dict:
    datasets, measured = harness.pages_demo_and_large(__file__, scale, database, ROUNDS)
    pages = {}
    for key in measured["demo"]:
        demo, large = (harness.page_summary(measured[name][key]) for name in ("demo", "large"))
        pages[key] = {
            "demo": demo,
            "large": large,
            "ratio": round(large["p50_ms"] / demo["p50_ms"], 2),
            "ratio_min": round(large["min_ms"] / demo["min_ms"], 2),
        }
    over = [key for key, page in pages.items() if page["ratio"] > LIMIT]
    return {"datasets": datasets, "pages": pages, "over_limit": over}


if __name__ == "__main__":
    if sys.argv[1:] != ["--measure"]:
        sys.exit(
            "usage: bench_classrooms.py --measure  (run the benchmarks with benchmarks/run.py)"
        )
    print(json.dumps(measure()))
