"""Reads of test day: the platforms and the testing windows a user may see."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Left, StrIndex
from django.utils import timezone

from homeroom.core.selectors import sites_for
from homeroom.testday.choices import IncidentKind
from homeroom.testday.models import (
    AssessmentPlatform,
    DeviceSwap,
    Incident,
    ReadinessSnapshot,
    SessionStudent,
    TestingWindow,
    TestSession,
)


def platforms_for(user) -> QuerySet[AssessmentPlatform]:
    """Platforms are the district's: anyone who may read them sees every one."""
    if not user.is_authenticated or not user.has_perm("testday.view_assessmentplatform"):
        return AssessmentPlatform.objects.none()
    return AssessmentPlatform.objects.all()


def windows_for(user) -> QuerySet[TestingWindow]:
    """Windows at one of the user's sites (every window for people who see every site), and
    those the user coordinates."""
    if not user.is_authenticated or not user.has_perm("testday.view_testingwindow"):
        return TestingWindow.objects.none()
    windows = TestingWindow.objects.select_related("platform")
    if user.sees_all_sites:
        return windows
    through = TestingWindow.sites.through.objects.filter(site__in=sites_for(user))
    mine = TestingWindow.coordinators.through.objects.filter(user=user)
    return windows.filter(
        Q(pk__in=through.values("testingwindow_id")) | Q(pk__in=mine.values("testingwindow_id"))
    )


def open_on(windows: QuerySet[TestingWindow], day: datetime.date) -> QuerySet[TestingWindow]:
    return windows.filter(starts_on__lte=day, ends_on__gte=day)


def current_and_coming(
    windows: QuerySet[TestingWindow], day: datetime.date | None = None
) -> QuerySet[TestingWindow]:
    return windows.filter(ends_on__gte=day or timezone.localdate())


def can_manage(user, window: TestingWindow) -> bool:
    """Whoever may change windows and works at every one of the window's schools."""
    if not user.is_authenticated or not user.has_perm("testday.change_testingwindow"):
        return False
    if user.sees_all_sites:
        return True
    allowed = set(sites_for(user).values_list("pk", flat=True))
    return set(window.sites.values_list("pk", flat=True)) <= allowed


# Devices that are no longer part of a school's fleet: not counted for testing at all.
GONE = ("lost", "stolen", "retired", "disposed")
SPARE_STATUSES = ("in_stock", "loaner_pool")


def testing_devices(user, window: TestingWindow, site=None):
    """The student devices (Chromebooks, laptops, tablets) at the window's schools that the
    user works at, with `in_repair` (an open repair order) on each."""
    from django.apps import apps
    from django.db.models import BooleanField

    from homeroom.devices.models import Device
    from homeroom.testday.readiness import TESTING_CATEGORIES

    sites = window.sites.all()
    if user is not None:
        sites = sites.filter(pk__in=sites_for(user).values("pk"))
    if site is not None:
        sites = sites.filter(pk=site.pk)
    devices = Device.objects.filter(site__in=sites, model__category__in=TESTING_CATEGORIES).exclude(
        status__in=GONE
    )
    if apps.is_installed("homeroom.repairs"):
        from homeroom.repairs.models import RepairOrder

        # One uncorrelated subquery (the devices with an open repair at these schools),
        # which the database evaluates once, not once per device.
        in_repair = RepairOrder.objects.open().filter(device__site__in=sites).values("device_id")
        return devices.annotate(
            in_repair=Case(
                When(pk__in=in_repair, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    return devices.annotate(in_repair=Value(False))


@dataclass
class SchoolReadiness:
    """One school's devices for a window: counts by state, the reasons, spares ready."""

    site: object
    total: int = 0
    ready: int = 0
    warning: int = 0
    not_ready: int = 0
    spares: int = 0
    reasons: Counter = field(default_factory=Counter)

    @property
    def status(self) -> str:
        """red when more than 5% cannot test, amber when any cannot or some need a look,
        green when all are ready; grey without devices."""
        if not self.total:
            return "grey"
        if self.not_ready * 20 > self.total:
            return "red"
        if self.not_ready or self.warning:
            return "amber"
        return "green"

    @property
    def status_label(self) -> str:
        return {"grey": "No devices", "red": "Not ready", "amber": "Check", "green": "Ready"}[
            self.status
        ]

    def top_reasons(self, n: int = 4):
        return self.reasons.most_common(n)


def _major(field_name: str):
    """The text before the first dot of a version ("131" of "131.0.6778.256")."""
    dot = StrIndex(field_name, Value("."))
    return Case(
        When(**{f"{field_name}__contains": "."}, then=Left(field_name, dot - 1)),
        default=F(field_name),
        output_field=CharField(),
    )


def readiness_summary(user, window: TestingWindow, now: datetime.datetime) -> list:
    """Every school of the window the user works at, with its devices' readiness. Devices
    alike in every respect the rules look at are counted together by the database (one
    query however large the fleet) and judged once."""
    from homeroom.testday import readiness

    rules = readiness.Rules.of(window.platform)
    cutoff = now - readiness.STALE_AFTER
    stale = now - readiness.STALE_AFTER - datetime.timedelta(days=1)
    groups = (
        testing_devices(user, window)
        .annotate(
            version_key=Case(
                When(model__category="chromebook", then=_major("os_version")),
                default=F("os_version"),
                output_field=CharField(),
            ),
            sync=Case(
                When(last_sync__isnull=True, then=Value("never")),
                When(last_sync__lt=cutoff, then=Value("stale")),
                default=Value("fresh"),
            ),
        )
        .values(
            "site_id",
            "model__category",
            "version_key",
            "org_unit_path",
            "status",
            "model__auto_update_through",
            "in_repair",
            "sync",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    sites = window.sites.all()
    if user is not None:  # None: the system, for every school of the window
        sites = sites.filter(pk__in=sites_for(user).values("pk"))
    schools = {site.pk: SchoolReadiness(site) for site in sites.order_by("name")}
    synced = {"never": None, "stale": stale, "fresh": now}
    for group in groups:
        facts = readiness.Facts(
            category=group["model__category"],
            os_version=group["version_key"] or "",
            org_unit_path=group["org_unit_path"],
            last_sync=synced[group["sync"]],
            status=group["status"],
            auto_update_through=group["model__auto_update_through"],
            in_repair=bool(group["in_repair"]),
        )
        verdict = readiness.assess(facts, rules, now)
        school = schools[group["site_id"]]
        count = group["n"]
        school.total += count
        setattr(school, verdict.state, getattr(school, verdict.state) + count)
        if verdict.state == readiness.READY and group["status"] in SPARE_STATUSES:
            school.spares += count
        for reason in verdict.reasons:
            school.reasons[reason] += count
    return list(schools.values())


def device_verdicts(user, window: TestingWindow, now: datetime.datetime, *, site=None):
    """(device values, verdict) for each testing device, by school and asset tag."""
    from homeroom.testday import readiness

    rules = readiness.Rules.of(window.platform)
    devices = (
        testing_devices(user, window, site)
        .values(
            "pk",
            "asset_tag",
            "serial_number",
            "site__name",
            "home_room__number",
            "model__name",
            "model__category",
            "os_version",
            "org_unit_path",
            "last_sync",
            "status",
            "model__auto_update_through",
            "in_repair",
        )
        .order_by("site__name", "asset_tag")
    )
    for device in devices.iterator(chunk_size=2000):
        facts = readiness.Facts(
            category=device["model__category"],
            os_version=device["os_version"],
            org_unit_path=device["org_unit_path"],
            last_sync=device["last_sync"],
            status=device["status"],
            auto_update_through=device["model__auto_update_through"],
            in_repair=bool(device["in_repair"]),
        )
        yield device, readiness.assess(facts, rules, now)


def sessions_for(user) -> QuerySet[TestSession]:
    """Sessions the user may see: at their sites for people who run testing there (every
    site for people who see every site); only those they administer or proctor for
    everyone else (a teacher)."""
    if not user.is_authenticated or not user.has_perm("testday.view_testsession"):
        return TestSession.objects.none()
    sessions = TestSession.objects.select_related("window", "window__platform", "site", "room")
    if user.has_perm("testday.change_testsession"):
        if user.sees_all_sites:
            return sessions
        return sessions.filter(site__in=sites_for(user))
    return sessions.filter(
        Q(
            pk__in=TestSession.administrators.through.objects.filter(user=user).values(
                "testsession_id"
            )
        )
        | Q(pk__in=TestSession.proctors.through.objects.filter(user=user).values("testsession_id"))
    )


def _works_at(user, site_id: int) -> bool:
    return user.sees_all_sites or sites_for(user).filter(pk=site_id).exists()


def is_administrator(user, session: TestSession) -> bool:
    return session.administrators.filter(pk=user.pk).exists()


def can_run(user, session: TestSession) -> bool:
    """Start and end the session, bind devices, mark absences: its administrators and
    proctors, and whoever works testing at its school."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("testday.change_testsession") and _works_at(user, session.site_id):
        return True
    return is_administrator(user, session) or session.proctors.filter(pk=user.pk).exists()


def sees_accommodations(user, session: TestSession) -> bool:
    """Accommodations are for the coordinator (who plans sessions at the school) and the
    session's test administrators only."""
    if not user.is_authenticated:
        return False
    if user.has_perm("testday.add_testsession") and _works_at(user, session.site_id):
        return True
    return is_administrator(user, session)


def roster(session: TestSession) -> QuerySet[SessionStudent]:
    return session.students.select_related(
        "person", "device", "device__model", "device__home_room"
    ).order_by("seat", "person__family_name", "person__given_name", "pk")


def session_verdicts(session: TestSession, now: datetime.datetime) -> dict[int, object]:
    """The readiness verdict of each bound device, by SessionStudent id."""
    from homeroom.testday import readiness

    rules = readiness.Rules.of(session.window.platform)
    entries = (
        session.students.filter(device__isnull=False)
        .annotate(in_repair=_open_repair("device_id"))
        .values(
            "pk",
            "device__model__category",
            "device__os_version",
            "device__org_unit_path",
            "device__last_sync",
            "device__status",
            "device__model__auto_update_through",
            "in_repair",
        )
    )
    found = {}
    for entry in entries:
        facts = readiness.Facts(
            category=entry["device__model__category"],
            os_version=entry["device__os_version"],
            org_unit_path=entry["device__org_unit_path"],
            last_sync=entry["device__last_sync"],
            status=entry["device__status"],
            auto_update_through=entry["device__model__auto_update_through"],
            in_repair=bool(entry["in_repair"]),
        )
        found[entry["pk"]] = readiness.assess(facts, rules, now)
    return found


def _open_repair(device_field: str):
    from django.apps import apps
    from django.db.models import BooleanField, Exists, OuterRef

    if not apps.is_installed("homeroom.repairs"):
        return Value(False, output_field=BooleanField())
    from homeroom.repairs.models import RepairOrder

    return Exists(RepairOrder.objects.open().filter(device=OuterRef(device_field)))


def board(user, day: datetime.date) -> list[TestSession]:
    """The user's sessions on `day`, school by school and room by room, each with its
    students, open incidents and swaps counted (one query)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, zone)
    return list(
        sessions_for(user)
        .filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
        .exclude(status="cancelled")
        .annotate(
            student_count=Count("students", distinct=True),
            open_incidents=Count(
                "incidents", filter=Q(incidents__resolved_at__isnull=True), distinct=True
            ),
            swap_count=Count("students__swaps", distinct=True),
        )
        .order_by("site__name", "room__number", "starts_at", "pk")
    )


def incidents_for(user) -> QuerySet[Incident]:
    return Incident.objects.filter(session__in=sessions_for(user)).select_related(
        "session", "session__room", "session__site", "student__person", "device", "ticket"
    )


def window_report(user, window: TestingWindow) -> dict:
    """A window at the user's schools: sessions held, students tested, incidents by kind
    and by school, device swaps, and readiness day by day."""
    sessions = sessions_for(user).filter(window=window)
    students = SessionStudent.objects.filter(session__in=sessions)
    incidents = Incident.objects.filter(session__in=sessions)
    kinds = dict(IncidentKind.choices)
    readiness = (
        ReadinessSnapshot.objects.filter(window=window, site__in=_report_sites(user, window))
        .values("day")
        .annotate(total=Sum("total"), ready=Sum("ready"))
        .order_by("day")
    )
    return {
        "sessions": sessions.count(),
        "sessions_held": sessions.filter(status="done").count(),
        "students_tested": students.filter(
            session__status__in=["testing", "done"], absent=False
        ).count(),
        "absent": students.filter(absent=True).count(),
        "swaps": DeviceSwap.objects.filter(student__session__in=sessions).count(),
        "incidents_by_kind": [
            (kinds[row["kind"]], row["n"])
            for row in incidents.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
        ],
        "incidents_by_school": [
            (row["session__site__name"], row["n"])
            for row in incidents.values("session__site__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "session__site__name")
        ],
        "readiness": [
            (row["day"], row["ready"], row["total"]) for row in readiness if row["total"]
        ],
    }


def _report_sites(user, window: TestingWindow):
    sites = window.sites.all()
    if not user.sees_all_sites:
        sites = sites.filter(pk__in=sites_for(user).values("pk"))
    return sites
