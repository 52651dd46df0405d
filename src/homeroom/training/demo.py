"""The demo district's training: a term of sessions around the demo's date (AI literacy,
digital safety, the learning platform, the interactive displays) at every school and
online, with sign-ups and waitlists, attendance and feedback for the ones that are over,
and coaching requests in every state, some visits logged with follow-ups due or overdue.

Sessions are scheduled through the service; what people did at them (sign-ups,
attendance, feedback, visits) is written straight to the tables with the dates it happened
on, since the services date everything at the present moment and mail everyone."""

import datetime
from decimal import Decimal

from django.utils import timezone

from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.core.models import Room
from homeroom.people.models import Person
from homeroom.training import services
from homeroom.training.choices import (
    AttendanceKind,
    CoachingStatus,
    RecordedVia,
    SignUpStatus,
    SupportKind,
    Topic,
)
from homeroom.training.models import (
    Attendance,
    CoachingLog,
    CoachingRequest,
    Feedback,
    SignUp,
)

# title, topic, tool, hours, guide titles from the help desk's knowledge base
TERM = [
    ("AI in the classroom: a first look", Topic.AI_LITERACY, "", "1.50", []),
    ("Keeping students safe online", Topic.DIGITAL_SAFETY, "", "1.00", []),
    (
        "Your courses in the learning platform",
        Topic.LMS,
        "Canvas",
        "2.00",
        ["Getting access to Google Classroom, Canvas or Schoology"],
    ),
    (
        "The interactive display, beyond the whiteboard",
        Topic.INTERACTIVE_DISPLAY,
        "Interactive display",
        "1.00",
        ["Interactive display shows no picture", "Touch not working on the panel"],
    ),
]
# Days from the demo's date each school's session of each topic falls on (the week's day
# is moved to a Tuesday or a Wednesday): two behind it, one or two ahead.
OFFSETS = [(-49, 21), (-35, 28), (-21, 10), (-14, 35)]
ONLINE = [
    ("Prompting well: AI literacy for staff", Topic.AI_LITERACY, "", "1.00", -28),
    ("Passwords, phishing and privacy", Topic.DIGITAL_SAFETY, "", "0.75", -7),
    ("AI literacy: checking what the chatbot says", Topic.AI_LITERACY, "", "1.00", 14),
]
COMMENTS = [
    "Practical, I used it the next day.",
    "Too fast for me; a handout would help.",
    "More time to try things, please.",
    "Exactly what I needed.",
    "",
    "",
]
REQUESTS = [  # tool, topic, what the teacher wants, kind asked for
    ("Flipgrid", Topic.TOOL, "First lesson with Flipgrid in period 3; be the safety net.", ""),
    (
        "Interactive display",
        Topic.INTERACTIVE_DISPLAY,
        "Show me how to use the display's whiteboard and save the notes.",
        SupportKind.MODELING,
    ),
    ("Canvas", Topic.LMS, "Set up my first quiz with the class.", SupportKind.SIDE_BY_SIDE),
    (
        "Chatbot for writing feedback",
        Topic.AI_LITERACY,
        "Co-teach a lesson on checking what the AI says.",
        SupportKind.CO_TEACHING,
    ),
    ("Google Classroom", Topic.LMS, "Watch my lesson and tell me what to change.", ""),
    ("Document camera", Topic.TOOL, "Help with the document camera for science.", ""),
]
# The state of each request, in turn: every state, and more of the busy ones.
STATES = [
    CoachingStatus.REQUESTED,
    CoachingStatus.ACCEPTED,
    CoachingStatus.SCHEDULED,
    CoachingStatus.COMPLETED,
    CoachingStatus.COMPLETED,
    CoachingStatus.DECLINED,
    CoachingStatus.CANCELLED,
    CoachingStatus.SCHEDULED,
    CoachingStatus.COMPLETED,
]


def _weekday(day: datetime.date) -> datetime.date:
    """The Tuesday or Wednesday of `day`'s week (Tuesday for Saturday to Monday)."""
    if day.weekday() in (1, 2):
        return day
    back = {0: -6, 3: -1, 4: -2, 5: 3, 6: 2}[day.weekday()]
    return day + datetime.timedelta(days=back)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _guides(titles: list[str]) -> list:
    if not titles:
        return []
    from homeroom.helpdesk.models import Article

    return list(Article.objects.filter(title__in=titles, is_published=True))


@demo_step(order=75)
def training_term(context: DemoContext) -> None:
    rng = context.rng
    today = context.today
    accounts = context.shared["accounts"]
    admin, tech, teacher = accounts["admin"], accounts["tech"], accounts["teacher"]
    schools = [site for site in context.shared["sites"] if site.type != SiteType.DISTRICT_OFFICE]
    staff = {
        site.pk: list(
            Person.objects.filter(primary_site=site, is_active=True)
            .exclude(kind="student")
            .order_by("pk")
        )
        for site in schools
    }
    plans = []  # (session, people of its school or None for everyone)
    for index, site in enumerate(schools):
        rooms = list(Room.objects.filter(site=site, kind__in=["library", "lab"]).order_by("pk"))
        presenter = tech if site in tech.sites.all() else admin
        for (title, topic, tool, hours, guides), offsets in zip(TERM, OFFSETS, strict=True):
            for offset in offsets:
                day = _weekday(today + datetime.timedelta(days=offset + index % 2))
                starts = _at(day, 15, 30)
                session = services.session_create(
                    actor=admin,
                    title=title,
                    topic=topic,
                    tool_name=tool,
                    description=f"For staff at {site.name}: bring a device and a lesson idea.",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=float(hours)),
                    capacity=rng.choice([10, 12, 15, 20]),
                    credit_hours=hours,
                    presenter=presenter,
                    room=rooms[0] if rooms else None,
                    site=site,
                    audience_sites=[site],
                )
                session.guides.set(_guides(guides))
                plans.append((session, staff[site.pk]))
    everyone = [person for people in staff.values() for person in people]
    for title, topic, tool, hours, offset in ONLINE:
        starts = _at(_weekday(today + datetime.timedelta(days=offset)), 16)
        session = services.session_create(
            actor=admin,
            title=title,
            topic=topic,
            tool_name=tool,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=float(hours)),
            capacity=40,
            credit_hours=hours,
            presenter=admin,
            online_link="https://meet.example.org/riverside-pd",
        )
        plans.append((session, everyone))
    _people_at_sessions(context, plans, teacher)
    _coaching(context, schools, staff, tech, admin, teacher)


def _people_at_sessions(context: DemoContext, plans, teacher) -> None:
    """Sign-ups (full sessions have a waitlist), attendance and feedback for those that are
    over. The demo teacher has a seat at the next AI-literacy session and attended one."""
    rng = context.rng
    now = context.now
    own = Person.objects.filter(user=teacher).first()
    signups, attendances, feedback = [], [], []
    next_ai = next(
        (
            s
            for s, people in plans
            if s.topic == Topic.AI_LITERACY and s.starts_at > now and own in people
        ),
        None,
    )
    past_ai = next(
        (
            s
            for s, people in plans
            if s.topic == Topic.AI_LITERACY and s.ends_at < now and own in people
        ),
        None,
    )
    for session, people in plans:
        wanted = min(len(people), int(session.capacity * rng.uniform(0.6, 1.25)))
        chosen = rng.sample(people, wanted)
        if own is not None and session in (next_ai, past_ai) and own not in chosen:
            chosen = [own, *chosen[: session.capacity - 1]]
        opened = session.starts_at - datetime.timedelta(days=rng.randint(7, 21))
        for n, person in enumerate(chosen):
            signed = opened + datetime.timedelta(hours=n * rng.randint(1, 9))
            seat = n < session.capacity
            signups.append(
                SignUp(
                    session=session,
                    person=person,
                    status=SignUpStatus.CONFIRMED if seat else SignUpStatus.WAITLISTED,
                    signed_up_at=signed,
                    confirmed_at=signed if seat else None,
                    reminded_at=session.starts_at - datetime.timedelta(days=1)
                    if seat and session.starts_at < now
                    else None,
                )
            )
    SignUp.objects.bulk_create(signups, batch_size=1000)
    for signup in signups:
        session = signup.session
        if session.ends_at >= now or signup.status != SignUpStatus.CONFIRMED:
            continue
        roll = rng.random()
        if signup.person == own:
            roll = 0.0
        if roll > 0.88:
            continue  # did not come
        kind, hours = AttendanceKind.PRESENT, session.credit_hours
        if roll > 0.8:
            kind = AttendanceKind.LATE
        elif roll > 0.74:
            kind = AttendanceKind.PARTIAL
            hours = (session.credit_hours / 2).quantize(Decimal("0.01"))
        attendances.append(
            Attendance(
                session=session,
                person=signup.person,
                signup=signup,
                kind=kind,
                hours=hours,
                via=RecordedVia.SCAN if rng.random() < 0.7 else RecordedVia.TICK,
                recorded_at=session.starts_at + datetime.timedelta(minutes=rng.randint(0, 20)),
                recorded_by=session.presenter,
            )
        )
        if rng.random() < 0.5 and signup.person != own:
            feedback.append(
                Feedback(
                    session=session,
                    person=signup.person,
                    rating=rng.choices([5, 4, 3, 2, 1], [40, 35, 15, 7, 3])[0],
                    comment=rng.choice(COMMENTS),
                    submitted_at=session.ends_at + datetime.timedelta(hours=rng.randint(1, 48)),
                )
            )
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    Feedback.objects.bulk_create(feedback, batch_size=1000)


def _coaching(context: DemoContext, schools, staff, tech, admin, teacher) -> None:
    """Requests at every school in every state; completed ones have a visit log, some with
    a follow-up due today or overdue. The demo teacher has one visit coming and one done."""
    rng = context.rng
    now, today = context.now, context.today
    own = Person.objects.filter(user=teacher).first()
    tech_sites = set(tech.sites.values_list("pk", flat=True))
    guides = _guides([title for *_, titles in TERM for title in titles])
    made = []
    for index, site in enumerate(schools):
        coach = tech if site.pk in tech_sites else admin
        teachers = [p for p in staff[site.pk] if p.kind == "teacher"] or staff[site.pk]
        rooms = list(Room.objects.filter(site=site, kind="classroom").order_by("pk")[:20])
        for n, status in enumerate(STATES):
            person = teachers[(n * 7 + index) % len(teachers)]
            if own is not None and own.primary_site_id == site.pk and n in (2, 3):
                person = own
            tool, topic, details, kind = REQUESTS[(n + index) % len(REQUESTS)]
            asked = now - datetime.timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 6))
            done = status == CoachingStatus.COMPLETED
            ahead = datetime.timedelta(days=rng.randint(1, 12))
            wanted = _at(_weekday((asked + ahead if done else now + ahead).date()), 10, 15)
            visit = None
            if status in (CoachingStatus.SCHEDULED, CoachingStatus.COMPLETED):
                visit = wanted
                if done and visit >= now:
                    visit = wanted = _at(today - datetime.timedelta(days=rng.randint(1, 10)), 10)
            made.append(
                CoachingRequest(
                    teacher=person,
                    requested_by=person.user or admin,
                    site=site,
                    room=rng.choice(rooms) if rooms else None,
                    tool_name=tool,
                    topic=topic,
                    wanted_at=wanted,
                    details=details,
                    kind=kind,
                    status=status,
                    coach=None
                    if status in (CoachingStatus.REQUESTED, CoachingStatus.CANCELLED)
                    else coach,
                    visit_at=visit,
                    status_note="Covered by the session on the 14th; come along!"
                    if status == CoachingStatus.DECLINED
                    else "",
                    created_at=asked,
                    updated_at=asked,
                )
            )
    CoachingRequest.objects.bulk_create(made, batch_size=1000)
    logs = []
    for n, coaching in enumerate(made):
        if coaching.status != CoachingStatus.COMPLETED:
            continue
        visited = timezone.localtime(coaching.visit_at).date()
        follow = [None, today, today - datetime.timedelta(days=3), today + datetime.timedelta(7)]
        follow_up = follow[n % len(follow)]
        if follow_up is not None and follow_up < visited:
            follow_up = visited + datetime.timedelta(days=7)
        logs.append(
            CoachingLog(
                request=coaching,
                coach=coaching.coach,
                visited_on=visited,
                goal=f"{coaching.teacher.given_name} uses {coaching.tool_name} with the class",
                kind=coaching.kind or rng.choice(SupportKind.values),
                done="Planned the lesson together, stayed for the first twenty minutes and "
                "took questions after.",
                next_step=rng.choice(
                    ["Try it with a second class", "Share the slides", "Check the first posts"]
                ),
                follow_up_on=follow_up,
                created_at=coaching.visit_at + datetime.timedelta(hours=2),
            )
        )
    CoachingLog.objects.bulk_create(logs, batch_size=1000)
    for log in logs[: len(guides)]:
        log.request.guides.set(guides[:1])
