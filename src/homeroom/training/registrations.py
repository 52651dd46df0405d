"""What the Training module adds to the navigation, Today and the search."""

from django.urls import reverse
from django.utils import timezone

from homeroom.core.access import Rule
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    SearchProvider,
    SearchResult,
    SweepJob,
    Workspace,
    registry,
)
from homeroom.core.templatetags.homeroom import when
from homeroom.training import selectors, services
from homeroom.training.choices import SessionStatus, SignUpStatus

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
