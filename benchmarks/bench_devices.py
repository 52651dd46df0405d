"""The device pages and the scan station on a large fleet.

Builds the demo district at demo scale and at `--scale` (the demo gives ~1,870 devices per
scale unit: at the default 32, about 60,000 devices), adds closed check-outs until the large
fleet has 500,000 history events (assignments and their audit events), then measures through
Django's test Client: scan check-out and check-in at the scan station (p50/p95 server time
per scan) and the device list, a filtered list and a device page, each beside the same page
at demo scale. Targets from the device issue: scan p95 under 30 ms; pages within 2x.
"""

import contextlib
import datetime
import json
import sys
import time

import harness

HISTORY = 500_000
SCANS = 60
REQUESTS = 15


def add_history(env: dict, target: int) -> None:
    done = harness.subprocess_json(__file__, env, "--history", str(target))
    harness.log(f"bench_devices: history now {done['history_events']} events")


def history(target: int) -> dict:
    """Closed check-outs of the fleet's Chromebooks, each with its two audit events, until
    the history holds `target` events; written with bulk inserts."""
    harness.setup_django()
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from homeroom.core.models import AuditEvent
    from homeroom.devices.models import Assignment, Device
    from homeroom.people.models import Person

    def count() -> int:
        return Assignment.objects.count() + AuditEvent.objects.count()

    devices = list(Device.objects.filter(model__category="chromebook").values_list("pk", "site"))
    people = list(Person.objects.filter(kind="student").values_list("pk", flat=True))
    device_type = ContentType.objects.get_for_model(Device)
    start = timezone.now() - datetime.timedelta(days=4 * 365)
    n = 0
    while count() < target and devices and people:
        with transaction.atomic():
            assignments, events = [], []
            for _ in range(5000):
                pk, site = devices[n % len(devices)]
                out = start + datetime.timedelta(minutes=n)
                assignments.append(
                    Assignment(
                        device_id=pk,
                        person_id=people[n % len(people)],
                        kind="short_term",
                        checked_out_at=out,
                        checked_in_at=out + datetime.timedelta(hours=6),
                    )
                )
                for verb in ("checked_out", "checked_in"):
                    events.append(
                        AuditEvent(
                            interface="web",
                            verb=verb,
                            at=out,
                            content_type=device_type,
                            object_id=pk,
                            object_repr="history",
                            site_id=site,
                        )
                    )
                n += 1
            Assignment.objects.bulk_create(assignments, batch_size=2500)
            AuditEvent.objects.bulk_create(events, batch_size=2500)
    return {"history_events": count()}


def measure() -> dict:
    harness.setup_django()
    from django.test import Client

    from homeroom.devices.models import Device
    from homeroom.people.models import Person, User

    tech = User.objects.get(username="admin")
    client = Client()
    client.force_login(tech)
    site = Device.objects.filter(model__category="chromebook").order_by("pk").first().site
    free = list(
        Device.objects.filter(
            site=site,
            status__in=["in_stock", "loaner_pool"],
            cart_slot__isnull=True,
            model__category="chromebook",
        ).order_by("pk")[: SCANS + 1]
    )
    students = list(
        Person.objects.filter(primary_site=site, kind="student", is_active=True).order_by("pk")[
            :SCANS
        ]
    )
    scans = {"check_out": [], "check_in": []}
    client.get("/devices/scan/")  # the first request of a process loads templates; untimed
    for device, student in zip(free, students, strict=False):
        started = time.perf_counter()
        response = client.post(
            "/devices/scan/",
            {"mode": "out", "person": student.pk, "scan": device.asset_tag, "kind": "loaner"},
            headers={"HX-Request": "true"},
        )
        scans["check_out"].append(time.perf_counter() - started)
        assert b'data-outcome="ok"' in response.content, response.content[:300]
    for device in free:
        started = time.perf_counter()
        response = client.post(
            "/devices/scan/",
            {
                "mode": "in",
                "scan": device.serial_number,
                "status_after": "in_stock",
                "condition": "good",
                "charger_returned": "on",
            },
            headers={"HX-Request": "true"},
        )
        scans["check_in"].append(time.perf_counter() - started)
        assert b'data-outcome="ok"' in response.content, response.content[:300]
    device = Device.objects.filter(site=site, model__category="chromebook").order_by("pk")[1]
    pages = {}
    for label, url in [
        ("/devices/", "/devices/"),
        (
            "/devices/?status=deployed&category=chromebook",
            "/devices/?status=deployed&category=chromebook",
        ),
        ("/devices/<pk>/", f"/devices/{device.pk}/"),
        ("/devices/fleet/", "/devices/fleet/"),
    ]:
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        pages[label] = harness.timing(samples)
    return {
        "devices": Device.objects.count(),
        # The first scan of each kind warms the process's caches; it is left out.
        "scans": {
            kind: {**harness.timing(samples[1:]), "count": len(samples) - 1}
            for kind, samples in scans.items()
        },
        "pages": pages,
    }


def run(scale: int, database: str = "sqlite") -> dict:
    scales = {"demo": 1, "large": max(scale, 1)}
    results = {}
    with contextlib.ExitStack() as stack:
        for name, size in scales.items():
            env, build = stack.enter_context(harness.dataset(size, database, f"dev{name}"))
            if name == "large":
                add_history(env, HISTORY)
            harness.log(f"bench_devices: measuring {name} on {database}")
            results[name] = {"build": build, **harness.measure(__file__, env)}
    pages = {
        label: {
            "demo": results["demo"]["pages"][label],
            "large": results["large"]["pages"][label],
            "ratio": round(
                results["large"]["pages"][label]["p50_ms"]
                / results["demo"]["pages"][label]["p50_ms"],
                2,
            ),
        }
        for label in results["demo"]["pages"]
    }
    return {
        "devices": {name: result["devices"] for name, result in results.items()},
        "scans": {name: result["scans"] for name, result in results.items()},
        "pages": pages,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--history"]:
        print(json.dumps(history(int(sys.argv[2]))))
    elif sys.argv[1:] == ["--measure"]:
        print(json.dumps(measure()))
    else:
        sys.exit("usage: bench_devices.py --measure | --history N  (run it with run.py)")
