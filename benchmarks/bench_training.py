"""Server-side time of the training pages and API calls at demo scale and at a large scale.

The demo's training step scales with the district: every school has its term of sessions
(with sign-ups, attendance and feedback) and its coaching requests, so a scale-30 district
has about 30 times the sessions, sign-ups and visits of the demo. Both data sets are
measured in alternating rounds, each a subprocess (`bench_training.py --measure`) that
requests every page through Django's test Client as a signed-in demo account.
"""

import json
import sys

import harness

WARMUP = 2  # untimed requests per page and round, after the one that counts queries
REQUESTS = 8  # timed requests per page and round
ROUNDS = 3
LIMIT = 2.0  # the project rule: pages stay within 2x of their demo-scale time


def requests(session: int, coaching: int) -> list[tuple[str, str, str]]:
    """(account, label, URL) of every request measured; labels do not depend on the data."""
    return [
        ("teacher", "/training/", "/training/"),
        ("teacher", "/training/?topic=ai_literacy", "/training/?topic=ai_literacy"),
        ("teacher", "/training/mine/", "/training/mine/"),
        ("teacher", "/training/coaching/", "/training/coaching/"),
        ("admin", "/training/sessions/<pk>/", f"/training/sessions/{session}/"),
        (
            "admin",
            "/training/sessions/<pk>/attendance/",
            f"/training/sessions/{session}/attendance/",
        ),
        ("tech", "/", "/"),
        ("tech", "/training/coaching/", "/training/coaching/"),
        ("tech", "/training/coaching/<pk>/", f"/training/coaching/{coaching}/"),
        ("tech", "/training/reports/", "/training/reports/"),
        ("admin", "/training/reports/", "/training/reports/"),
        ("admin", "/api/v1/training/sessions", "/api/v1/training/sessions"),
        ("admin", "/api/v1/training/coaching", "/api/v1/training/coaching"),
        ("teacher", "/api/v1/training/certificates", "/api/v1/training/certificates"),
    ]


def measure() -> dict:
    """Time every request against the data set this process is configured for."""
    harness.setup_django()
    from django.test import Client

    from homeroom.core.models import Site
    from homeroom.people.models import User
    from homeroom.training.models import (
        Attendance,
        CoachingLog,
        CoachingRequest,
        Feedback,
        SignUp,
        TrainingSession,
    )

    site = Site.objects.order_by("pk")[1]  # the first school; the same one at every scale
    session = TrainingSession.objects.filter(site=site).order_by("starts_at", "pk").first()
    coaching = CoachingRequest.objects.filter(site=site).order_by("pk").first()
    clients = {}
    for username in ("admin", "tech", "teacher"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    plan = [
        (f"{account} {label}", clients[account], url)
        for account, label, url in requests(session.pk, coaching.pk)
    ]
    pages = harness.time_pages(plan, warmup=WARMUP, requests=REQUESTS)
    rows = {
        "sessions": TrainingSession.objects.count(),
        "signups": SignUp.objects.count(),
        "attendance": Attendance.objects.count(),
        "feedback": Feedback.objects.count(),
        "coaching_requests": CoachingRequest.objects.count(),
        "coaching_logs": CoachingLog.objects.count(),
    }
    return {"rows": rows, "pages": pages}


def run(scale: int, database: str = "sqlite") -> dict:
    """Measure both data sets in alternating rounds; compare large to demo page by page."""
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
        sys.exit("usage: bench_training.py --measure  (run the benchmarks with benchmarks/run.py)")
    print(json.dumps(measure()))
