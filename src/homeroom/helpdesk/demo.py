"""The demo district's help desk: knowledge-base articles for the common problems, canned
replies, a school year of finished tickets (about 2,000 per scale) with replies, SLA times,
ratings and self-service fixes, and the work in hand at every school on the demo's date:
tickets just filed and waiting for triage, others from the last three weekdays being worked
on or waiting. Written with bulk inserts."""

import datetime
import importlib
import random

from django.apps import apps as django_apps
from django.utils import timezone

from homeroom.core.calendar import calendars_for
from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.devices.choices import DeviceCategory
from homeroom.devices.models import Device
from homeroom.helpdesk import sla
from homeroom.helpdesk.choices import (
    PAUSED_STATUSES,
    Audience,
    Satisfaction,
    TicketSource,
    TicketStatus,
    priority_for,
)
from homeroom.helpdesk.markdown import render
from homeroom.helpdesk.models import (
    Article,
    CannedResponse,
    Comment,
    Deflection,
    IssueType,
    Ticket,
)
from homeroom.people.models import Person

TICKETS_PER_SCALE = 2000
DEFLECTIONS_PER_SCALE = 600
DAYS = 300
S = TicketStatus
# The open tickets of every school, whatever the date: two filed within the last FRESH.
IN_HAND = [S.NEW, S.NEW, S.TRIAGED, S.IN_PROGRESS, S.IN_PROGRESS, S.IN_PROGRESS]
IN_HAND += [S.WAITING_ON_REQUESTER, S.WAITING_ON_VENDOR]
FRESH = datetime.timedelta(minutes=30)

ARTICLES = [  # title, audience, issues (group, name), steps
    (
        "My Chromebook won't turn on",
        Audience.STUDENT,
        [("Chromebook", "Won't power on")],
        "1. Plug in the charger and wait **15 minutes**.\n2. Hold the power button for 10 "
        "seconds.\n3. Still dark? Hold **Refresh + Power** together for 10 seconds.",
    ),
    (
        "Cracked Chromebook screen",
        Audience.STUDENT,
        [("Chromebook", "Cracked screen")],
        "1. Stop using it, so the crack does not spread.\n2. Close it gently and bring it "
        "to the library with its charger.\n3. You get a loaner while it is repaired.",
    ),
    (
        "The charger does not charge",
        Audience.STUDENT,
        [("Chromebook", "Charging port or charger")],
        "1. Try another outlet and another charger.\n2. Look for a light by the port.\n"
        "3. Bent or loose port? Stop and file a ticket.",
    ),
    (
        "Signing in to a school Chromebook",
        Audience.STUDENT,
        [("Chromebook", "Can't sign in"), ("Account", "Password reset")],
        "1. Use your full school email.\n2. Check Caps Lock.\n3. Connect to **District-"
        "Student** Wi-Fi first.\n4. Teachers can reset student passwords from the Google "
        "Admin console.",
    ),
    (
        "Keys stuck or missing",
        Audience.STUDENT,
        [("Chromebook", "Keyboard or trackpad")],
        "1. Blow out crumbs gently.\n2. Restart.\n3. Missing keys need a repair: file a "
        "ticket and keep the key.",
    ),
    (
        "Interactive display shows no picture",
        Audience.TEACHER,
        [("Interactive display", "No image")],
        "1. Press the **Input** button and choose *HDMI 1* or the built-in computer.\n"
        "2. Check both ends of the HDMI cable.\n3. Turn the panel off at the switch on the "
        "back, wait 30 seconds, turn it on.",
    ),
    (
        "Touch not working on the panel",
        Audience.TEACHER,
        [("Interactive display", "Touch not working")],
        "1. Connect the USB touch cable next to the HDMI cable you use.\n2. Wipe the "
        "screen edges: dust blocks the sensors.",
    ),
    (
        "Projector: no image",
        Audience.TEACHER,
        [("Projector", "No image")],
        "1. Press **Source** on the remote.\n2. On a laptop press Windows+P and pick "
        "*Duplicate*.\n3. An orange light means the lamp is due: file a ticket.",
    ),
    (
        "Getting access to Google Classroom, Canvas or Schoology",
        Audience.TEACHER,
        [
            ("Account", "Access to Google Classroom"),
            ("Account", "Access to Canvas"),
            ("Account", "Access to Schoology"),
        ],
        "1. Sign out of every account, sign in with your district account only.\n2. New "
        "classes appear the morning after the roster sync.\n3. Missing a section? File a "
        "ticket with the section number.",
    ),
    (
        "Testing kiosk app does not start",
        Audience.TEACHER,
        [("Testing", "Kiosk app won't start"), ("Testing", "Device locked mid-test")],
        "1. Restart the Chromebook and pick the app from **Apps** on the sign-in screen.\n"
        "2. Locked mid-test? Do **not** power off: call the test coordinator to resume the "
        "session.",
    ),
    (
        "Wi-Fi down in a classroom",
        Audience.TEACHER,
        [("Network", "Wi-Fi down in a room")],
        "1. Check whether other devices in the room connect.\n2. Note the room number and "
        "the time: the network team needs both.",
    ),
    (
        "Powerwash and re-enroll a Chromebook",
        Audience.TECHNICIAN,
        [("Chromebook", "Slow or freezing")],
        "1. Esc + Refresh + Power, then Ctrl+D.\n2. Re-enroll with **Ctrl+Alt+E** before "
        "signing in.\n3. Check the org unit in Google Admin.",
    ),
]

CANNED = [
    (
        "Bring it to the library",
        "Please bring the device and its charger to the library; "
        "we will swap it for a loaner while it is repaired.",
    ),
    ("Try a restart", "Could you restart it and tell us whether the problem is still there?"),
    ("Part on order", "The part is on order; we will let you know when it arrives."),
    ("Fixed, let us know", "This should be fixed now. Reply if it comes back."),
    ("Escalated", "We passed this to district IT and will follow up with them."),
]

# Public replies by issue group, then the requester's usual answers.
REPLIES = {
    "Chromebook": [
        "Swapped it for a loaner; the repair is booked.",
        "Reseated the battery connector; it powers on now.",
        "Re-enrolled and updated the Chromebook.",
        "Could you tell me the asset tag on the sticker underneath?",
    ],
    "Laptop": ["Updates installed overnight; it starts normally now."],
    "Interactive display": [
        "Replaced the HDMI cable; the picture is back.",
        "Recalibrated the touch; try it now.",
    ],
    "Projector": ["New lamp fitted.", "The source was set to HDMI 2; switched it back."],
    "Document camera": ["Swapped the USB cable; the picture is back."],
    "iPad / tablet": ["Pushed the app again from the device manager."],
    "Account": [
        "Reset the password; the new one is with the front office.",
        "Added you to the section; it shows after the next sync.",
    ],
    "Testing": ["Resumed the session from the proctor dashboard.", "Updated the kiosk app."],
    "Network": ["The access point in the hallway was down; it is back up."],
}
ANSWERS = ["Still happening this morning.", "Thank you, it works again!", "Yes, that did it."]
NOTES = [
    "Charger port bent; warranty claim opened.",
    "Same student's third screen this year.",
    "Checked the switch port; fine.",
    "Vendor says the part ships Friday.",
]


def _moment(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """A moment during school hours on a weekday in the last DAYS days, fewer in summer."""
    while True:
        day = now - datetime.timedelta(days=rng.randint(0, DAYS))
        if day.weekday() >= 5:
            continue
        if day.month in (6, 7) and rng.random() < 0.85:
            continue
        local = timezone.localtime(day)
        moment = local.replace(hour=rng.randint(7, 15), minute=rng.randint(0, 59))
        if moment < now:
            return moment


def _recent_moment(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """A moment during school hours on one of the last three weekdays, at least half an hour
    before `now`; weekdays only, so there is one whatever the date and the school calendar."""
    weekdays = []
    day = timezone.localtime(now)
    while len(weekdays) < 3:
        if day.weekday() < 5:
            weekdays.append(day)
        day -= datetime.timedelta(days=1)
    while True:
        moment = rng.choice(weekdays).replace(hour=rng.randint(7, 15), minute=rng.randint(0, 59))
        if moment < now - FRESH:
            return moment


def _articles(issues: dict, now: datetime.datetime) -> None:
    saved = Article.objects.bulk_create(
        Article(
            title=title,
            slug=f"kb-{n + 1}",
            summary=body.split("\n")[0].lstrip("1. ")[:200],
            body=body,
            body_html=render(body),
            audience=audience,
            created_at=now,
            updated_at=now,
        )
        for n, (title, audience, _, body) in enumerate(ARTICLES)
    )
    links = Article.issue_types.through
    links.objects.bulk_create(
        links(article_id=article.pk, issuetype_id=issues[key].pk)
        for article, (_, _, keys, _) in zip(saved, ARTICLES, strict=True)
        for key in keys
        if key in issues
    )
    CannedResponse.objects.bulk_create(CannedResponse(title=t, body=b) for t, b in CANNED)


# The starting issue tree and SLA targets come with migration 0002 (impacts and physical
# damage with 0005); a test database emptied between tests has lost them, so the demo puts
# them back (idempotent) before using them.
_starting_tree = importlib.import_module("homeroom.helpdesk.migrations.0002_settings_and_seed_tree")
_tree_impacts = importlib.import_module(
    "homeroom.helpdesk.migrations.0005_issue_type_physical_damage"
)


@demo_step(order=50)
def help_desk(context: DemoContext) -> None:
    _starting_tree.seed(django_apps, None)
    _tree_impacts.update_tree(django_apps, None)
    rng = context.rng
    now = context.now
    issues = {
        (issue.parent.name, issue.name): issue
        for issue in IssueType.objects.filter(parent__isnull=False).select_related("parent")
    }
    _articles(issues, now)
    desk = _Desk(context, issues)
    tickets = [
        desk.ticket(rng.choice(desk.sites), _moment(rng, now))
        for _ in range(TICKETS_PER_SCALE * context.scale)
    ]
    for site in desk.sites:
        for status in IN_HAND:
            if status == TicketStatus.NEW:
                created = now - datetime.timedelta(minutes=rng.randint(3, FRESH.seconds // 60 - 5))
            else:
                created = _recent_moment(rng, now)
            tickets.append(desk.ticket(site, created, status))
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    _comments(rng, tickets, desk.tech, now)
    _deflections(rng, context, issues, desk.sites, now)


class _Desk:
    """What the tickets are made from: each school's calendar, Chromebooks, rooms with a
    display and people, the issue types by kind of problem, and the SLA targets."""

    def __init__(self, context: DemoContext, issues: dict):
        self.rng = context.rng
        self.now = context.now
        self.issues = issues
        accounts = context.shared["accounts"]
        self.tech, self.teacher = accounts["tech"], accounts["teacher"]
        self.tech_sites = set(self.tech.sites.values_list("pk", flat=True))
        self.sites = [s for s in context.shared["sites"] if s.type != SiteType.DISTRICT_OFFICE]
        self.calendars = calendars_for([s.pk for s in self.sites])
        self.targets = sla.targets()
        self.chromebooks: dict[int, list[int]] = {}
        for pk, site_id in Device.objects.filter(
            site__in=self.sites, model__category=DeviceCategory.CHROMEBOOK
        ).values_list("pk", "site_id"):
            self.chromebooks.setdefault(site_id, []).append(pk)
        self.panels: dict[int, list[tuple[int, int]]] = {}
        for pk, site_id, room_id in Device.objects.filter(
            site__in=self.sites, home_room__isnull=False
        ).values_list("pk", "site_id", "home_room_id"):
            self.panels.setdefault(site_id, []).append((pk, room_id))
        self.people: dict[int, list[int]] = {}
        for pk, site_id in Person.objects.filter(
            primary_site__in=self.sites, is_active=True
        ).values_list("pk", "primary_site_id"):
            self.people.setdefault(site_id, []).append(pk)
        self.device_issues = [key for key in issues if key[0] == "Chromebook"]
        self.room_issues = [
            key
            for key in issues
            if key[0] in ("Interactive display", "Projector", "Document camera")
        ]
        self.other_issues = [key for key in issues if key[0] in ("Account", "Testing", "Network")]

    def ticket(self, site, created: datetime.datetime, status: str | None = None) -> Ticket:
        """A ticket filed at `created`: resolved by now (closed a week after) when no `status`
        is given, else in hand with that status."""
        rng, now = self.rng, self.now
        calendar = self.calendars[site.pk]
        roll = rng.random()
        device_id = room_id = None
        if roll < 0.55 and self.chromebooks.get(site.pk):
            key = rng.choice(self.device_issues)
            device_id = rng.choice(self.chromebooks[site.pk])
        elif roll < 0.8 and self.panels.get(site.pk):
            key = rng.choice(self.room_issues)
            device_id, room_id = rng.choice(self.panels[site.pk])
        else:
            key = rng.choice(self.other_issues)
        issue = self.issues[key]
        impact = issue.default_impact if rng.random() < 0.8 else rng.randint(1, 3)
        urgency = issue.default_urgency if rng.random() < 0.8 else rng.randint(1, 3)
        if status == TicketStatus.NEW:
            # Critical problems are phoned in and taken at once, so none waits in triage.
            impact, urgency = max(impact, 2), max(urgency, 2)
        priority = priority_for(impact, urgency)
        response_minutes, resolution_minutes = self.targets[priority]
        on_tech_site = site.pk in self.tech_sites
        ticket = Ticket(
            site=site,
            room_id=room_id,
            device_id=device_id,
            requester=self.teacher if rng.random() < 0.08 else None,
            filed_by=self.tech if on_tech_site else None,
            affected_person_id=rng.choice(self.people[site.pk]) if site.pk in self.people else None,
            issue_type=issue,
            source=rng.choice(list(TicketSource.values[:4])),
            subject=issue.name,
            description=f"{issue.name} reported from room {rng.randint(101, 130)}.",
            impact=impact,
            urgency=urgency,
            priority=priority,
            created_at=created,
            updated_at=created,
            # The technician takes every ticket at their schools once it is triaged.
            assignee=self.tech if on_tech_site else None,
        )
        ticket.response_due_at = calendar.add(created, response_minutes * 60)
        ticket.resolution_due_at = calendar.add(created, resolution_minutes * 60)
        responded = created + datetime.timedelta(minutes=rng.choice([5, 20, 45, 90, 200, 600]))
        if responded < now:
            ticket.first_response_at = responded
            ticket.response_seconds = calendar.elapsed(created, responded)
            ticket.response_breached = ticket.response_seconds > response_minutes * 60
        elif ticket.response_due_at and ticket.response_due_at < now:
            ticket.response_breached = True
        if status is None:
            resolved = created + datetime.timedelta(hours=rng.choice([1, 3, 6, 20, 30, 70, 150]))
            resolved = max(created, min(resolved, now - datetime.timedelta(minutes=1)))
            ticket.first_response_at = ticket.first_response_at or resolved
            ticket.resolved_at = resolved
            ticket.resolution_seconds = calendar.elapsed(created, resolved)
            ticket.resolution_breached = ticket.resolution_seconds > resolution_minutes * 60
            ticket.sla_pauses = [[resolved.isoformat(), None]]
            ticket.resolution_due_at = None
            ticket.response_due_at = None
            ticket.updated_at = resolved
            ticket.reopen_count = 1 if rng.random() < 0.04 else 0
            if resolved + datetime.timedelta(days=7) <= now:
                ticket.status = TicketStatus.CLOSED
                ticket.closed_at = resolved + datetime.timedelta(days=7)
            else:
                ticket.status = TicketStatus.RESOLVED
            if (ticket.requester_id and rng.random() < 0.5) or rng.random() < 0.3:
                ticket.satisfaction = rng.choices(Satisfaction.values, weights=[1, 3, 10])[0]
                rated = resolved + datetime.timedelta(hours=rng.randint(1, 40))
                ticket.satisfaction_at = min(rated, now)
        else:
            ticket.status = status
            if status in PAUSED_STATUSES:
                since = max(responded, created)
                since = min(since, now - datetime.timedelta(minutes=5))
                ticket.sla_pauses = [[since.isoformat(), None]]
                ticket.waiting_since = since
                ticket.resolution_due_at = None
            if status == TicketStatus.NEW:
                ticket.first_response_at = ticket.response_seconds = None
                ticket.response_breached = bool(
                    ticket.response_due_at and ticket.response_due_at < now
                )
                ticket.assignee = None
            if ticket.resolution_due_at and ticket.resolution_due_at < now:
                ticket.resolution_breached = True
        if rng.random() < 0.03:
            ticket.escalated_at = created + datetime.timedelta(hours=2)
            ticket.external_reference = f"DIT-{rng.randint(10000, 99999)}"
        return ticket


def _comments(rng: random.Random, tickets: list[Ticket], tech, now) -> None:
    comments, counts = [], []
    for ticket in tickets:
        public = internal = minutes = 0
        if ticket.first_response_at is None:
            continue
        moment = ticket.first_response_at
        end = ticket.resolved_at or now
        for n in range(rng.randint(1, 4)):
            is_internal = rng.random() < 0.25
            answer = not is_internal and n % 2 == 1 and ticket.requester is not None
            spent = rng.choice([0, 5, 10, 15, 30]) if is_internal or n == 0 else 0
            if is_internal:
                body = rng.choice(NOTES)
            elif answer:
                body = rng.choice(ANSWERS)
            else:
                body = rng.choice(REPLIES[ticket.issue_type.parent.name])
            comments.append(
                Comment(
                    ticket=ticket,
                    author=ticket.requester if answer else tech,
                    body=body,
                    is_internal=is_internal,
                    time_spent_minutes=spent,
                    created_at=min(moment, end),
                )
            )
            public += not is_internal
            internal += is_internal
            minutes += spent
            moment += datetime.timedelta(hours=rng.randint(1, 30))
        ticket.comment_count = public + internal
        ticket.public_comment_count = public
        ticket.time_spent_minutes = minutes
        counts.append(ticket)
    Comment.objects.bulk_create(comments, batch_size=2000)
    Ticket.objects.bulk_update(
        counts, ["comment_count", "public_comment_count", "time_spent_minutes"], batch_size=1000
    )


def _deflections(rng: random.Random, context: DemoContext, issues: dict, sites, now) -> None:
    with_articles = {
        issue_id: article_id
        for article_id, issue_id in Article.issue_types.through.objects.values_list(
            "article_id", "issuetype_id"
        )
    }
    helped = [
        issue
        for issue in issues.values()
        if issue.pk in with_articles and not issue.physical_damage
    ]
    Deflection.objects.bulk_create(
        (
            Deflection(
                issue_type=issue,
                article_id=with_articles[issue.pk],
                site=rng.choice(sites),
                created_at=_moment(rng, now),
            )
            for issue in (rng.choice(helped) for _ in range(DEFLECTIONS_PER_SCALE * context.scale))
        ),
        batch_size=2000,
    )
