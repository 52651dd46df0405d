"""What the Training module adds to the navigation, Today, the search, a person's page and
a knowledge-base article's page."""

from django.urls import reverse
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.access import Rule
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    PageSection,
    PersonSection,
    SearchProvider,
    SearchResult,
    SweepJob,
    Workspace,
    registry,
)
from homeroom.core.templatetags.homeroom import when
from homeroom.training import selectors, services
from homeroom.training.choices import CoachingStatus, SessionStatus, SignUpStatus

VIEW = Rule("training.view_trainingsession")
TRAINING = Workspace("training", "Training", order=280)

registry.add_nav(
    NavItem(
        "Sessions",
        "training:catalog",
        VIEW,
        TRAINING,
        order=280,
        prefixes=("/training/sessions/",),
    )
)
registry.add_nav(NavItem("My training", "training:mine", VIEW, TRAINING, order=282))
COACHING = Rule("training.view_coachingrequest")
registry.add_nav(NavItem("Coaching", "training:coaching_list", COACHING, TRAINING, order=284))
registry.add_nav(
    NavItem(
        "Training reports",
        "training:reports",
        Rule("training.view_attendance"),
        TRAINING,
        order=286,
    )
)

CARD_ROWS = 4


def my_training_card(request):
    """The user's next sessions: the ones they have a seat at or wait for, and the ones
    they present. Hidden when there are none."""
    now = timezone.now()
    person = selectors.person_of(request.user)
    rows = []
    if person is not None:
        for signup in (
            selectors.signups_of_person(person)
            .filter(
                status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED],
                session__ends_at__gt=now,
                session__status=SessionStatus.SCHEDULED,
            )
            .order_by("session__starts_at")[:CARD_ROWS]
        ):
            rows.append((signup.session, signup.get_status_display()))
    for session in (
        selectors.presented_by(request.user)
        .filter(ends_at__gt=now, status=SessionStatus.SCHEDULED)
        .order_by("starts_at")[:CARD_ROWS]
    ):
        rows.append((session, f"You present · {session.seats_taken} of {session.capacity}"))
    if not rows:
        return None
    rows.sort(key=lambda row: row[0].starts_at)
    return {"rows": rows[:CARD_ROWS]}


registry.add_card(
    DashboardCard("training/cards/my_training.html", my_training_card, VIEW, order=280)
)


def search_sessions(request, query: str, limit: int):
    sessions = selectors.upcoming(selectors.sessions_for(request.user)).filter(
        title__icontains=query.strip()
    )
    return [
        SearchResult(
            title=session.title,
            url=reverse("training:session_detail", args=[session.pk]),
            subtitle=f"{when(session.starts_at)} · {session.where}",
            badge="Training",
        )
        for session in sessions.order_by("starts_at")[:limit]
    ]


registry.add_search(SearchProvider("Training sessions", search_sessions, VIEW, order=280))


registry.add_sweep(SweepJob("Training reminders", services.reminders_send))


def coaching_card(request):
    """A coach's follow-ups due (oldest first) and the visits coming up, with how many
    requests at their schools wait for a coach. Hidden when there is nothing."""
    if not selectors.can_coach(request.user):
        return None
    today = timezone.localdate()
    due = list(selectors.follow_ups_due(request.user, today)[:CARD_ROWS])
    visits = list(
        selectors.coaching_for(request.user)
        .filter(coach=request.user, status=CoachingStatus.SCHEDULED)
        .order_by("visit_at", "pk")[:CARD_ROWS]
    )
    waiting = selectors.coaching_for(request.user).filter(status=CoachingStatus.REQUESTED).count()
    if not due and not visits and not waiting:
        return None
    return {"due": due, "visits": visits, "waiting": waiting, "today": today}


registry.add_card(
    DashboardCard(
        "training/cards/coaching.html",
        coaching_card,
        Rule("training.change_coachingrequest"),
        order=281,
        leads=frozenset({roles.TECHNICIAN}),
    )
)


def person_coaching(request, person):
    """The help in class a person has had, as far as the viewer may see."""
    if person.kind == "student":
        return None
    return {"person": person, "requests": list(selectors.help_of(request.user, person)[:20])}


registry.add_person_section(
    PersonSection("training/sections/person_coaching.html", person_coaching, COACHING, order=280)
)


def sessions_about_guide(request, article):
    """On a quick guide's page: the training sessions that use it."""
    sessions = list(selectors.sessions_about(request.user, article)[:10])
    return {"sessions": sessions} if sessions else None


registry.add_page_section(
    PageSection(
        "helpdesk.article",
        "training/sections/guide_sessions.html",
        sessions_about_guide,
        VIEW,
        order=280,
    )
)
