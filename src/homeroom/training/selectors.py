"""Reads of training: what sessions a user may see, who may run one, sign-ups and hours."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from homeroom.core.selectors import sites_for
from homeroom.training.choices import SessionStatus, SignUpStatus
from homeroom.training.models import Attendance, SignUp, TrainingSession

ZERO = Decimal("0.00")


def person_of(user):
    """The staff record linked to a login account, or None."""
    if not user.is_authenticated:
        return None
    from homeroom.people.models import Person

    return Person.objects.filter(user=user).select_related("primary_site").first()


def sessions_for(user) -> QuerySet[TrainingSession]:
    """Sessions the user may see: every one for people who work at every site; otherwise
    those open to every school or to one of theirs, those meeting at one of their sites and
    those they present."""
    if not user.is_authenticated or not user.has_perm("training.view_trainingsession"):
        return TrainingSession.objects.none()
    sessions = TrainingSession.objects.select_related("site", "room", "room__site", "presenter")
    if user.sees_all_sites:
        return sessions
    mine = sites_for(user)
    open_to_all = ~Q(
        pk__in=TrainingSession.audience_sites.through.objects.values("trainingsession_id")
    )
    for_my_sites = Q(
        pk__in=TrainingSession.audience_sites.through.objects.filter(site__in=mine).values(
            "trainingsession_id"
        )
    )
    return sessions.filter(open_to_all | for_my_sites | Q(site__in=mine) | Q(presenter=user))


def series_of(user, session: TrainingSession) -> QuerySet[TrainingSession]:
    """The other sessions of the series `session` belongs to."""
    root = session.series_id or session.pk
    return (
        sessions_for(user)
        .filter(Q(pk=root) | Q(series_id=root))
        .exclude(pk=session.pk)
        .order_by("starts_at", "pk")
    )


def with_counts(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return sessions.annotate(
        seats_taken=Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITLISTED)),
    )


def upcoming(sessions: QuerySet[TrainingSession], now=None) -> QuerySet[TrainingSession]:
    now = now or timezone.now()
    return sessions.filter(status=SessionStatus.SCHEDULED, ends_at__gt=now)


def can_run(user, session: TrainingSession) -> bool:
    """The presenter runs their session (attendance, the list); so does anyone who manages
    sessions at its site (any site, for an online one)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if session.presenter_id == user.pk:
        return True
    if not user.has_perm("training.change_trainingsession"):
        return False
    if session.site_id is None:
        return True
    return sites_for(user).filter(pk=session.site_id).exists()


def live_signups(session: TrainingSession) -> QuerySet[SignUp]:
    return (
        session.signups.exclude(status=SignUpStatus.CANCELLED)
        .select_related("person", "person__primary_site")
        .order_by("signed_up_at", "pk")
    )


def seats(session: TrainingSession) -> tuple[list[SignUp], list[SignUp]]:
    """(people with a seat, the waitlist in order)."""
    signups = list(live_signups(session))
    confirmed = [s for s in signups if s.status == SignUpStatus.CONFIRMED]
    waiting = [s for s in signups if s.status == SignUpStatus.WAITLISTED]
    return confirmed, waiting


def signup_of(session: TrainingSession, person) -> SignUp | None:
    if person is None:
        return None
    return live_signups(session).filter(person=person).first()


def waitlist_position(signup: SignUp) -> int:
    """1 for the first person waiting."""
    return (
        signup.session.signups.filter(status=SignUpStatus.WAITLISTED)
        .filter(
            Q(signed_up_at__lt=signup.signed_up_at)
            | Q(signed_up_at=signup.signed_up_at, pk__lt=signup.pk)
        )
        .count()
        + 1
    )


def signups_of_person(person) -> QuerySet[SignUp]:
    return SignUp.objects.filter(person=person).select_related(
        "session", "session__site", "session__room", "session__room__site"
    )


def attendance_of(session: TrainingSession) -> dict[int, Attendance]:
    """The session's attendance by person id."""
    return {a.person_id: a for a in session.attendances.select_related("person")}


def presented_by(user) -> QuerySet[TrainingSession]:
    return with_counts(
        TrainingSession.objects.filter(presenter=user).select_related("site", "room", "room__site")
    )


def school_year_of(day: datetime.date) -> int:
    """School years run July to June and are named by the year they start in."""
    return day.year if day.month >= 7 else day.year - 1


def hours_total(person) -> Decimal:
    total = Attendance.objects.filter(person=person).aggregate(total=Sum("hours"))["total"]
    return total or ZERO


def feedback_summary(session: TrainingSession) -> dict:
    from django.db.models import Avg

    feedback = session.feedback.select_related("person")
    numbers = feedback.aggregate(average=Avg("rating"), count=Count("pk"))
    return {
        "average": round(numbers["average"], 1) if numbers["average"] else None,
        "count": numbers["count"],
        "comments": [f for f in feedback if f.comment][:50],
    }


def transcript(person) -> list[dict]:
    """A person's attended sessions by school year, newest year first, each with its total."""
    years: dict[int, dict] = {}
    attended = Attendance.objects.filter(person=person).select_related("session")
    for attendance in attended.order_by("session__starts_at", "pk"):
        day = timezone.localtime(attendance.session.starts_at).date()
        year = school_year_of(day)
        entry = years.setdefault(
            year, {"year": year, "label": f"{year}-{str(year + 1)[-2:]}", "rows": [], "total": ZERO}
        )
        entry["rows"].append(attendance)
        entry["total"] += attendance.hours
    return [years[year] for year in sorted(years, reverse=True)]


def attendances_for(user) -> QuerySet[Attendance]:
    """Attendance records the user may export: at their sites (and online sessions for
    people who work at every site)."""
    if not user.is_authenticated or not user.has_perm("training.view_attendance"):
        return Attendance.objects.none()
    records = Attendance.objects.select_related(
        "person", "person__primary_site", "session", "session__site"
    )
    if user.sees_all_sites:
        return records
    mine = sites_for(user)
    return records.filter(Q(session__site__in=mine) | Q(person__primary_site__in=mine))


def attendance_visible(user, attendance: Attendance) -> bool:
    """A person sees their own attendance; whoever runs the session sees everyone's."""
    own = person_of(user)
    return (own is not None and own.pk == attendance.person_id) or can_run(user, attendance.session)


# Coaching: in-class help a teacher asks for and the coach's visits.


def can_coach(user, site=None) -> bool:
    """Coaches accept, schedule and log visits: people who may change coaching requests,
    at one of their sites (`site`), or at any of them without one."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not user.has_perm("training.change_coachingrequest"):
        return False
    return site is None or sites_for(user).filter(pk=site.pk).exists()


def coaching_for(user) -> QuerySet:
    """Requests the user may see: their own (asked by them or for them), the visits they
    coach, and for coaches every request at their sites."""
    from homeroom.training.models import CoachingRequest

    if not user.is_authenticated or not user.has_perm("training.view_coachingrequest"):
        return CoachingRequest.objects.none()
    requests = CoachingRequest.objects.select_related(
        "teacher", "teacher__primary_site", "site", "room", "room__site", "coach"
    )
    if user.has_perm("training.change_coachingrequest") and user.sees_all_sites:
        return requests
    seen = Q(teacher__user=user) | Q(requested_by=user) | Q(coach=user)
    if user.has_perm("training.change_coachingrequest"):
        seen |= Q(site__in=sites_for(user))
    return requests.filter(seen)


def coaches_at(site) -> QuerySet:
    """Active accounts that may coach at `site`, by name."""
    from django.contrib.auth.models import Permission

    from homeroom.people.models import User

    permission = Permission.objects.filter(
        codename="change_coachingrequest", content_type__app_label="training"
    )
    users = User.objects.filter(is_active=True).filter(
        Q(groups__permissions__in=permission)
        | Q(user_permissions__in=permission)
        | Q(is_superuser=True)
    )
    from homeroom.core.roles import DISTRICT_ADMIN

    everywhere = Q(is_superuser=True) | Q(groups__name=DISTRICT_ADMIN) | Q(sites__isnull=True)
    return users.filter(everywhere | Q(sites=site)).distinct().order_by("last_name", "first_name")


def coaching_logs(request_) -> QuerySet:
    return request_.logs.select_related("coach").order_by("visited_on", "pk")


def follow_ups_due(user, today: datetime.date) -> QuerySet:
    """The user's coaching follow-ups due by `today` and not yet done, oldest first."""
    from homeroom.training.models import CoachingLog

    return (
        CoachingLog.objects.filter(
            coach=user, follow_up_done_at__isnull=True, follow_up_on__lte=today
        )
        .select_related("request", "request__teacher")
        .order_by("follow_up_on", "pk")
    )


def help_of(user, person) -> QuerySet:
    """The coaching a person has asked for or had, as far as `user` may see, newest
    first, with their visit logs."""
    return (
        coaching_for(user)
        .filter(teacher=person)
        .prefetch_related("logs", "guides")
        .order_by("-created_at", "-pk")
    )


def guide_choices() -> QuerySet:
    """Quick guides: published knowledge-base articles written for teachers and staff."""
    from homeroom.helpdesk.choices import Audience
    from homeroom.helpdesk.models import Article

    return Article.objects.filter(is_published=True, audience=Audience.TEACHER).order_by("title")


def sessions_about(user, article) -> QuerySet[TrainingSession]:
    """Sessions the user may see that use the guide `article`, upcoming first, then past."""
    return sessions_for(user).filter(guides=article).order_by("-starts_at", "-pk")


# Reports: hours, attendance, sessions, coaching and feedback for a school year.


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The school year `year` (July to June) as aware datetimes, the end excluded."""
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.datetime(year, 7, 1), zone)
    return first, timezone.make_aware(datetime.datetime(year + 1, 7, 1), zone)


def _grouped(queryset, key: str, value) -> list[tuple[str, object]]:
    rows = queryset.values(key).annotate(value=value).order_by(key)
    return [(row[key], row["value"]) for row in rows]


def _hours(value) -> Decimal:
    """A sum of hours with two decimals (SQLite's sums drop trailing zeros)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def report(user, year: int, site=None, today: datetime.date | None = None) -> dict:
    """The training report for a school year at the user's sites (or `site`, one of them):
    a fixed number of grouped queries however many sessions, people or visits there are."""
    from django.db.models import Avg

    from homeroom.training.choices import AttendanceKind, SupportKind, Topic
    from homeroom.training.models import CoachingLog, Feedback

    today = today or timezone.localdate()
    first, last = year_bounds(year)
    now = timezone.now()
    sessions = TrainingSession.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gte=first, starts_at__lt=last
    )
    visits = CoachingLog.objects.filter(visited_on__gte=first.date(), visited_on__lt=last.date())
    overdue = CoachingLog.objects.filter(follow_up_done_at__isnull=True, follow_up_on__lt=today)
    if site is not None:
        sessions = sessions.filter(site=site)
        visits, overdue = visits.filter(request__site=site), overdue.filter(request__site=site)
    elif not user.sees_all_sites:
        mine = sites_for(user)
        sessions = sessions.filter(site__in=mine)
        visits, overdue = (
            visits.filter(request__site__in=mine),
            overdue.filter(request__site__in=mine),
        )
    attendances = Attendance.objects.filter(session__in=sessions)
    topics = dict(Topic.choices)
    kinds = dict(SupportKind.choices)
    hours_by_school = [
        (name or "No school", _hours(total))
        for name, total in _grouped(attendances, "person__primary_site__name", Sum("hours"))
    ]
    hours_by_topic = [
        (topics.get(topic, topic), _hours(total))
        for topic, total in _grouped(attendances, "session__topic", Sum("hours"))
    ]
    sessions_by_topic = [
        (topics.get(topic, topic), count)
        for topic, count in _grouped(sessions, "topic", Count("pk"))
    ]
    ended = sessions.filter(ends_at__lte=now)
    seats = SignUp.objects.filter(session__in=ended, status=SignUpStatus.CONFIRMED).count()
    came = attendances.filter(session__in=ended, signup__status=SignUpStatus.CONFIRMED).count()
    late = attendances.filter(kind=AttendanceKind.LATE).count()
    feedback = Feedback.objects.filter(session__in=sessions)
    feedback_by_topic = [
        (topics.get(row["session__topic"], row["session__topic"]), row["average"], row["count"])
        for row in feedback.values("session__topic")
        .annotate(average=Avg("rating"), count=Count("pk"))
        .order_by("session__topic")
    ]
    overall = feedback.aggregate(average=Avg("rating"), count=Count("pk"))
    return {
        "first": first.date(),
        "last": (last - datetime.timedelta(days=1)).date(),
        "hours_total": sum((total for _, total in hours_by_school), ZERO),
        "hours_by_school": hours_by_school,
        "hours_by_topic": hours_by_topic,
        "sessions_by_topic": sessions_by_topic,
        "sessions": sum(count for _, count in sessions_by_topic),
        "seats": seats,
        "came": came,
        "late": late,
        "attendance_rate": round(came * 100 / seats, 1) if seats else None,
        "visits_by_tool": _grouped(visits, "request__tool_name", Count("pk")),
        "visits_by_school": _grouped(visits, "request__site__name", Count("pk")),
        "visits_by_kind": [
            (kinds.get(kind, kind), count) for kind, count in _grouped(visits, "kind", Count("pk"))
        ],
        "overdue": list(
            overdue.select_related(
                "request", "request__teacher", "request__site", "coach"
            ).order_by("follow_up_on", "pk")[:50]
        ),
        "overdue_count": overdue.count(),
        "feedback_by_topic": [
            (label, round(average, 1), count) for label, average, count in feedback_by_topic
        ],
        "feedback_average": round(overall["average"], 1) if overall["average"] else None,
        "feedback_count": overall["count"],
    }
