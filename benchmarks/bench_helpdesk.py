"""The help desk at scale: the technician's queue, a ticket page and the metrics page.

Builds the demo district twice, both at scale 1 (`--scale` does not apply). The demo-scale
data set is topped up to a demo-sized help desk (DEMO_TICKETS tickets, DEMO_COMMENTS
comments) if the demo made fewer; the large one gets tickets and comments by bulk insert
until it holds 200,000 tickets and 1,000,000 comments, spread over the last school year
with realistic statuses (recent tickets partly open). Both get the same ticket with
COMMENTS_ON_BIG_TICKET comments, and their rollups are rebuilt with `homeroom
reports-refresh --all` (its time is reported). Then, through Django's test Client, in
ROUNDS rounds alternating between the data sets, p50/p95 server time of: the queue as the
demo technician (default view and two filtered views), the big ticket's page, and the
metrics page (as the technician, last 30 days, and as the district admin, whole school
year), each with its slowest SQL statements and their plans; on SQLite the large data set
is measured once more after ANALYZE (`large_after_analyze`). Target from the help-desk
issue: each page within 2x of its demo-scale time.
"""

import contextlib
import datetime
import json
import random
import sys
import time

import harness

TICKETS = 200_000
COMMENTS = 1_000_000
DEMO_TICKETS = 2_000
DEMO_COMMENTS = 10_000
COMMENTS_ON_BIG_TICKET = 200
REQUESTS = 10
ROUNDS = 3
BATCH = 5_000


def grow(env: dict, tickets: int, comments: int) -> dict:
    done = harness.subprocess_json(__file__, env, "--grow", str(tickets), str(comments))
    harness.log(f"bench_helpdesk: {done}")
    return done


def _ticket(rng, now, site_id, requester, assignees, issue_types, created_at, Ticket):
    """One ticket filed at `created_at`, taken as far along its life as its age makes
    likely: most are closed, recent ones are often still open."""
    age_days = (now - created_at).total_seconds() / 86400
    priority = rng.choices([1, 2, 3, 4], weights=[2, 10, 40, 48])[0]
    response_target = {1: 30, 2: 60, 3: 240, 4: 480}[priority] * 60
    resolution_target = {1: 240, 2: 480, 3: 1440, 4: 2880}[priority] * 60
    ticket = Ticket(
        site_id=site_id,
        requester_id=requester,
        filed_by_id=requester,
        issue_type_id=rng.choice(issue_types) if issue_types else None,
        subject=f"Bench ticket {rng.randrange(10**6)}",
        description="Generated for the help-desk benchmark.",
        priority=priority,
        created_at=created_at,
        updated_at=created_at,
        response_due_at=created_at + datetime.timedelta(seconds=response_target),
        resolution_due_at=created_at + datetime.timedelta(seconds=resolution_target * 3),
    )
    open_chance = 0.5 if age_days < 3 else 0.2 if age_days < 14 else 0.005
    if rng.random() >= 0.15 or age_days > 1:
        ticket.response_seconds = int(rng.lognormvariate(7.5, 1.2))
        ticket.first_response_at = created_at + datetime.timedelta(
            seconds=ticket.response_seconds * 3
        )
        ticket.response_breached = ticket.response_seconds > response_target
        ticket.assignee_id = rng.choice(assignees) if assignees else None
    if rng.random() < open_chance:
        ticket.status = rng.choice(
            ["new", "triaged", "in_progress", "in_progress", "waiting_on_requester"]
        )
        if ticket.first_response_at is None:
            ticket.status = "new"
        ticket.resolution_breached = now > ticket.resolution_due_at and rng.random() < 0.5
        return ticket
    if ticket.first_response_at is None:
        ticket.response_seconds = int(rng.lognormvariate(7.5, 1.2))
        ticket.first_response_at = created_at + datetime.timedelta(
            seconds=ticket.response_seconds * 3
        )
    ticket.resolution_seconds = ticket.response_seconds + int(rng.lognormvariate(9.5, 1.3))
    ticket.resolved_at = min(
        now, created_at + datetime.timedelta(seconds=ticket.resolution_seconds * 3)
    )
    ticket.resolution_breached = ticket.resolution_seconds > resolution_target
    ticket.resolution_due_at = None
    ticket.reopen_count = 1 if rng.random() < 0.04 else 0
    ticket.updated_at = ticket.resolved_at
    if rng.random() < 0.3:
        ticket.satisfaction = rng.choices([1, 2, 3], weights=[1, 3, 8])[0]
        ticket.satisfaction_at = ticket.resolved_at + datetime.timedelta(hours=2)
    if (now - ticket.resolved_at).days > 7:
        ticket.status = "closed"
        ticket.closed_at = ticket.resolved_at + datetime.timedelta(days=7)
    else:
        ticket.status = "resolved"
    return ticket


def grow_helpdesk(tickets_target: int, comments_target: int) -> dict:
    """Bulk-insert tickets, then comments, until the help desk holds the targets; give the
    first ticket of the technician's first site COMMENTS_ON_BIG_TICKET comments."""
    harness.setup_django()
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from homeroom.core import roles
    from homeroom.core.models import Site
    from homeroom.helpdesk.models import Comment, IssueType, Ticket
    from homeroom.people.models import User

    rng = random.Random(harness.SEED)
    now = timezone.now()
    tech_site = User.objects.get(username="tech").sites.order_by("pk").first()
    sites = list(Site.objects.values_list("pk", flat=True))
    staff = list(User.objects.exclude(groups__name=roles.STUDENT).values_list("pk", flat=True))
    technicians = list(
        User.objects.filter(groups__name__in=[roles.TECHNICIAN, roles.DISTRICT_ADMIN])
        .values_list("pk", flat=True)
        .distinct()
    )
    issue_types = list(IssueType.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    year = datetime.timedelta(days=365)

    big = (
        Ticket.objects.filter(site=tech_site, subject="Bench ticket with a long thread")
        .order_by("pk")
        .first()
    )
    if big is None:
        big = Ticket.objects.create(
            site=tech_site,
            subject="Bench ticket with a long thread",
            requester_id=staff[0],
            status="in_progress",
            created_at=now - datetime.timedelta(days=20),
        )
        Comment.objects.bulk_create(
            Comment(
                ticket=big,
                author_id=rng.choice(staff),
                body=f"Reply {n}: tried the steps again, the screen still flickers.",
                is_internal=n % 4 == 3,
                created_at=big.created_at + datetime.timedelta(minutes=n * 17),
            )
            for n in range(COMMENTS_ON_BIG_TICKET)
        )
        Ticket.objects.filter(pk=big.pk).update(
            comment_count=COMMENTS_ON_BIG_TICKET,
            public_comment_count=COMMENTS_ON_BIG_TICKET - COMMENTS_ON_BIG_TICKET // 4,
        )

    started = time.perf_counter()
    missing = tickets_target - Ticket.objects.count()
    made = 0
    while made < missing:
        with transaction.atomic():
            batch = []
            for _ in range(min(BATCH, missing - made)):
                created_at = now - year * (rng.random() ** 1.1)
                batch.append(
                    _ticket(
                        rng,
                        now,
                        rng.choice(sites),
                        rng.choice(staff),
                        technicians,
                        issue_types,
                        created_at,
                        Ticket,
                    )
                )
            Ticket.objects.bulk_create(batch, batch_size=1000)
        made += len(batch)
    tickets_s = time.perf_counter() - started

    started = time.perf_counter()
    missing = comments_target - Comment.objects.count()
    if missing > 0:
        ticket_rows = list(
            Ticket.objects.exclude(pk=big.pk)
            .filter(comment_count=0)
            .order_by("-pk")
            .values_list("pk", "created_at")
        )
        # Spread the comments over the tickets that have none (about as many on each).
        per_ticket = max(1, -(-missing // max(1, len(ticket_rows))))
        batch, counts = [], {}
        for pk, created_at in ticket_rows:
            if missing <= 0:
                break
            for n in range(min(per_ticket, missing)):
                internal = rng.random() < 0.2
                batch.append(
                    Comment(
                        ticket_id=pk,
                        author_id=rng.choice(staff),
                        body="Checked it over; see the steps in the knowledge base.",
                        is_internal=internal,
                        created_at=created_at + datetime.timedelta(minutes=10 * (n + 1)),
                    )
                )
                public = counts.setdefault(pk, [0, 0])
                public[0] += 1
                public[1] += 0 if internal else 1
                missing -= 1
            if len(batch) >= BATCH * 4:
                _write_comments(batch, counts, Comment, Ticket, F, transaction)
                batch, counts = [], {}
        _write_comments(batch, counts, Comment, Ticket, F, transaction)
    comments_s = time.perf_counter() - started
    return {
        "tickets": Ticket.objects.count(),
        "open_tickets": Ticket.objects.exclude(status__in=["resolved", "closed"]).count(),
        "comments": Comment.objects.count(),
        "insert_tickets_s": round(tickets_s, 1),
        "insert_comments_s": round(comments_s, 1),
    }


def _write_comments(batch, counts, Comment, Ticket, F, transaction) -> None:
    if not batch:
        return
    with transaction.atomic():
        Comment.objects.bulk_create(batch, batch_size=2000)
        # Tickets with the same number of comments are updated together.
        by_counts: dict[tuple, list[int]] = {}
        for pk, pair in counts.items():
            by_counts.setdefault(tuple(pair), []).append(pk)
        for (total, public), pks in by_counts.items():
            for start in range(0, len(pks), 900):
                Ticket.objects.filter(pk__in=pks[start : start + 900]).update(
                    comment_count=F("comment_count") + total,
                    public_comment_count=F("public_comment_count") + public,
                )


def slowest_queries(client, url: str, count: int = 2) -> list[dict]:
    """The page's slowest SQL statements in one request, each with its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    found = []
    for query in slowest[:count]:
        try:
            with connection.cursor() as cursor:
                cursor.execute(explain + query["sql"])
                plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
        except Exception as error:  # a statement whose logged form does not run again
            plan = [f"no plan: {error}"]
        ms = round(float(query["time"]) * 1000, 1)
        found.append({"ms": ms, "sql": query["sql"], "plan": plan})
    return found


def measure(*, analyze_first: bool = False) -> dict:
    harness.setup_django()
    from django.db import connection
    from django.test import Client

    if analyze_first:
        # SQLite plans without statistics unless someone runs ANALYZE; this shows what
        # the same pages cost once it has them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from homeroom.helpdesk.models import Ticket
    from homeroom.people.models import User

    tech = User.objects.get(username="tech")
    admin = User.objects.get(username="admin")
    site = tech.sites.order_by("pk").first()
    big = Ticket.objects.get(site=site, subject="Bench ticket with a long thread")
    as_tech, as_admin = Client(), Client()
    as_tech.force_login(tech)
    as_admin.force_login(admin)
    pages = {}
    for label, client, url in [
        ("/helpdesk/", as_tech, "/helpdesk/"),
        ("/helpdesk/?site=<site>&priority=3", as_tech, f"/helpdesk/?site={site.pk}&priority=3"),
        ("/helpdesk/?view=all&site=<site>", as_tech, f"/helpdesk/?view=all&site={site.pk}"),
        ("/tickets/<big>/", as_tech, f"/tickets/{big.pk}/"),
        ("/reports/helpdesk/ (technician, 30 days)", as_tech, "/reports/helpdesk/"),
        ("/reports/helpdesk/?period=year (admin)", as_admin, "/reports/helpdesk/?period=year"),
    ]:
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        pages[label] = {
            **harness.timing(samples),
            "samples_ms": [round(sample * 1000, 2) for sample in samples],
            "slowest_queries": slowest_queries(client, url),
        }
    log_backlog_plan(tech)
    return {"tickets": Ticket.objects.count(), "pages": pages}


def log_backlog_plan(user) -> None:
    """The live backlog count of the metrics page and the Today card, with its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from homeroom.reports import selectors

    with CaptureQueriesContext(connection) as captured:
        selectors.backlog(selectors.scope_for(user))
    query = captured.captured_queries[-1]
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + query["sql"])
        plan = " | ".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
    harness.log(f"bench_helpdesk: backlog count {float(query['time']) * 1000:.1f} ms: {plan}")


def run(scale: int, database: str = "sqlite") -> dict:
    targets = {"demo": (DEMO_TICKETS, DEMO_COMMENTS), "large": (TICKETS, COMMENTS)}
    builds, envs = {}, {}
    samples = {name: {} for name in targets}
    plans = {name: {} for name in targets}
    with contextlib.ExitStack() as stack:
        for name, (tickets, comments) in targets.items():
            env, build = stack.enter_context(harness.dataset(1, database, f"help{name}"))
            grown = grow(env, tickets, comments)
            refresh_s = harness._homeroom(env, "reports-refresh", "--all")
            if database == "postgres":
                harness.analyze(env["DATABASE_URL"])
            builds[name] = {**build, **grown, "reports_refresh_all_s": round(refresh_s, 2)}
            envs[name] = env
        # Rounds alternate between the data sets, so a busy moment on the machine lands on
        # both rather than on one.
        for round_number in range(ROUNDS):
            for name, env in envs.items():
                harness.log(f"bench_helpdesk: round {round_number + 1}, {name} on {database}")
                result = harness.measure(__file__, env)
                builds[name]["tickets_measured"] = result["tickets"]
                for label, page in result["pages"].items():
                    samples[name].setdefault(label, []).extend(page["samples_ms"])
                    plans[name][label] = page["slowest_queries"]
        if database == "sqlite":
            harness.log("bench_helpdesk: large on sqlite after ANALYZE")
            analyzed = harness.subprocess_json(__file__, envs["large"], "--measure-analyzed")
    pages = {}
    for label in samples["demo"]:
        timings = {
            name: harness.timing([ms / 1000 for ms in samples[name][label]]) for name in targets
        }
        pages[label] = {
            **timings,
            "ratio_p50": round(timings["large"]["p50_ms"] / timings["demo"]["p50_ms"], 2),
            "ratio_min": round(timings["large"]["min_ms"] / timings["demo"]["min_ms"], 2),
            "slowest_queries": {name: plans[name][label] for name in targets},
        }
        if database == "sqlite":
            after = analyzed["pages"][label]
            pages[label]["large_after_analyze"] = {
                **{key: after[key] for key in ("p50_ms", "p95_ms", "mean_ms", "min_ms")},
                "slowest_queries": after["slowest_queries"],
            }
    return {"build": builds, "pages": pages}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--grow"]:
        print(json.dumps(grow_helpdesk(int(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1:] == ["--measure"]:
        print(json.dumps(measure()))
    elif sys.argv[1:] == ["--measure-analyzed"]:
        print(json.dumps(measure(analyze_first=True)))
    else:
        sys.exit("usage: bench_helpdesk.py --measure | --grow TICKETS COMMENTS  (use run.py)")
