"""Reads of test day: the platforms and the testing windows a user may see."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Left, StrIndex
from django.utils import timezone

from homeroom.core.selectors import sites_for
from homeroom.testday.models import AssessmentPlatform, TestingWindow


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
    from django.db.models import Exists, OuterRef, Value

    from homeroom.devices.models import Device
    from homeroom.testday.readiness import TESTING_CATEGORIES

    sites = window.sites.filter(pk__in=sites_for(user).values("pk"))
    if site is not None:
        sites = sites.filter(pk=site.pk)
    devices = Device.objects.filter(site__in=sites, model__category__in=TESTING_CATEGORIES).exclude(
        status__in=GONE
    )
    if apps.is_installed("homeroom.repairs"):
        from homeroom.repairs.models import RepairOrder

        return devices.annotate(
            in_repair=Exists(RepairOrder.objects.open().filter(device=OuterRef("pk")))
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
    schools = {
        site.pk: SchoolReadiness(site)
        for site in window.sites.filter(pk__in=sites_for(user).values("pk")).order_by("name")
    }
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
