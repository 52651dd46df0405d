"""Writes to test day: assessment platforms and testing windows.

Every write checks the actor's role (and, for a window, that each of its schools is one of
the actor's) before anything is saved, validates the whole record, and records an audit
event; a refused write raises and changes nothing."""

import datetime
import socket
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.selectors import sites_for
from homeroom.testday.choices import FIGURES, PlatformKind
from homeroom.testday.models import AssessmentPlatform, TestingWindow, grades_of

PLATFORM_FIELDS = ("name", "kind", "school_year", *FIGURES, "notes", "is_active")
TEXT_FIELDS = {
    "name",
    "school_year",
    "chromeos_excluded",
    "chromeos_lts",
    "ipados_min",
    "windows_min",
    "macos_min",
    "kiosk_app_id",
    "cache_name",
    "cache_host",
    "testing_org_unit",
    "notes",
}
MAX_SOURCE_NOTE = 500


def _require(actor, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(message)


def _clean_sources(sources) -> dict:
    """{figure: note} with the empty notes left out; refuses unknown figures."""
    if sources is None:
        return {}
    if not isinstance(sources, dict):
        raise ValidationError({"sources": "Give source notes by figure."})
    cleaned = {}
    for figure, note in sources.items():
        if figure not in FIGURES:
            raise ValidationError({"sources": f"“{figure}” is not one of the platform's figures."})
        note = str(note or "").strip()
        if len(note) > MAX_SOURCE_NOTE:
            raise ValidationError(
                {"sources": f"A source note is at most {MAX_SOURCE_NOTE} characters."}
            )
        if note:
            cleaned[figure] = note
    return cleaned


def _platform_values(data: dict) -> dict:
    unknown = set(data) - set(PLATFORM_FIELDS) - {"sources"}
    if unknown:
        raise ValidationError(f"Unknown platform fields: {', '.join(sorted(unknown))}.")
    values = dict(data)
    for field in TEXT_FIELDS & set(values):
        values[field] = (values[field] or "").strip()
    if "sources" in values:
        values["sources"] = _clean_sources(values["sources"])
    return values


@transaction.atomic
def platform_create(*, actor, name: str, kind: str, school_year: str, **data):
    """Add a platform (a custom one, or a vendor's for a new school year)."""
    _require(actor, "testday.add_assessmentplatform", "Your role does not add test platforms.")
    values = _platform_values({"name": name, "kind": kind, "school_year": school_year, **data})
    platform = AssessmentPlatform(**values)
    platform.full_clean()
    if AssessmentPlatform.objects.filter(name__iexact=platform.name).exists():
        raise ValidationError({"name": f"There is already a platform called {platform.name}."})
    platform.save()
    audit.record(
        actor=actor,
        obj=platform,
        verb=AuditVerb.CREATED,
        changes={
            field: [None, audit.as_json(getattr(platform, field))]
            for field in PLATFORM_FIELDS
            if getattr(platform, field) not in ("", None)
        },
        message=f"Added the platform {platform.name} ({platform.school_year})",
    )
    return platform


@transaction.atomic
def platform_update(*, actor, platform: AssessmentPlatform, **data) -> AssessmentPlatform:
    """Change a platform's requirements or their source notes; records what changed."""
    _require(
        actor, "testday.change_assessmentplatform", "Your role does not change test platforms."
    )
    platform = AssessmentPlatform.objects.select_for_update().get(pk=platform.pk)
    values = _platform_values(data)
    if "kind" in values and values["kind"] not in PlatformKind.values:
        raise ValidationError({"kind": "Choose the kind of platform."})
    changes = audit.apply_changes(platform, values)
    if not changes:
        return platform
    platform.full_clean()
    if (
        "name" in changes
        and AssessmentPlatform.objects.filter(name__iexact=platform.name)
        .exclude(pk=platform.pk)
        .exists()
    ):
        raise ValidationError({"name": f"There is already a platform called {platform.name}."})
    platform.updated_at = timezone.now()
    platform.save()
    audit.record(actor=actor, obj=platform, verb=AuditVerb.UPDATED, changes=changes)
    return platform


def _check_sites(actor, sites) -> list:
    sites = list(sites)
    if not sites:
        raise ValidationError({"sites": "Choose at least one school that tests."})
    if actor is not None and not actor.sees_all_sites:
        allowed = set(sites_for(actor).values_list("pk", flat=True))
        outside = [site for site in sites if site.pk not in allowed]
        if outside:
            raise PermissionDenied(f"You do not work at {outside[0]}.")
    return sites


def _check_coordinators(coordinators) -> list:
    coordinators = list(coordinators or [])
    inactive = [user for user in coordinators if not user.is_active]
    if inactive:
        raise ValidationError({"coordinators": f"{inactive[0]} can no longer sign in."})
    return coordinators


def _grades(grades) -> list[str]:
    if isinstance(grades, str):
        try:
            return grades_of(grades)
        except ValueError as bad:
            raise ValidationError(
                {"grades": f"“{bad}” is not a grade: use K and 1 to 12, or ranges like 3-8."}
            ) from None
    return grades_of(" ".join(str(grade) for grade in grades or []))


@transaction.atomic
def window_create(
    *,
    actor,
    assessment: str,
    platform: AssessmentPlatform,
    starts_on: datetime.date,
    ends_on: datetime.date,
    sites,
    grades="",
    content_area: str = "",
    coordinators=(),
    notes: str = "",
) -> TestingWindow:
    """Plan a testing window at some of the actor's schools."""
    _require(actor, "testday.add_testingwindow", "Your role does not plan testing windows.")
    sites = _check_sites(actor, sites)
    coordinators = _check_coordinators(coordinators)
    if not AssessmentPlatform.objects.filter(pk=platform.pk, is_active=True).exists():
        raise ValidationError({"platform": f"{platform} is no longer in use."})
    window = TestingWindow(
        assessment=(assessment or "").strip(),
        content_area=(content_area or "").strip(),
        platform=platform,
        starts_on=starts_on,
        ends_on=ends_on,
        grades=_grades(grades),
        notes=(notes or "").strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    window.full_clean()
    window.save()
    window.sites.set(sites)
    window.coordinators.set(coordinators)
    audit.record(
        actor=actor,
        obj=window,
        verb=AuditVerb.CREATED,
        site=sites[0] if len(sites) == 1 else None,
        changes={
            "assessment": [None, window.assessment],
            "platform": [None, str(platform)],
            "starts_on": [None, window.starts_on.isoformat()],
            "ends_on": [None, window.ends_on.isoformat()],
            "sites": [None, sorted(str(site) for site in sites)],
            "grades": [None, window.grades_label],
        },
        message=f"Planned {window.assessment}",
    )
    return window


@transaction.atomic
def window_update(*, actor, window: TestingWindow, **data) -> TestingWindow:
    """Change a window's details, schools, grades or coordinators."""
    _require(actor, "testday.change_testingwindow", "Your role does not change testing windows.")
    window = TestingWindow.objects.select_for_update().get(pk=window.pk)
    # The actor must work at every school the window has now and will have.
    _check_sites(actor, window.sites.all())
    sites = data.pop("sites", None)
    coordinators = data.pop("coordinators", None)
    unknown = set(data) - {
        "assessment",
        "content_area",
        "platform",
        "starts_on",
        "ends_on",
        "grades",
        "notes",
    }
    if unknown:
        raise ValidationError(f"Unknown window fields: {', '.join(sorted(unknown))}.")
    for field in ("assessment", "content_area", "notes"):
        if field in data:
            data[field] = (data[field] or "").strip()
    if "grades" in data:
        data["grades"] = _grades(data["grades"])
    platform = data.get("platform")
    if (
        platform is not None
        and platform.pk != window.platform_id
        and not AssessmentPlatform.objects.filter(pk=platform.pk, is_active=True).exists()
    ):
        raise ValidationError({"platform": f"{platform} is no longer in use."})
    changes = audit.apply_changes(window, data)
    if sites is not None:
        sites = _check_sites(actor, sites)
        before = sorted(str(site) for site in window.sites.all())
        after = sorted(str(site) for site in sites)
        if before != after:
            changes["sites"] = [before, after]
    if coordinators is not None:
        coordinators = _check_coordinators(coordinators)
        before = sorted(str(user) for user in window.coordinators.all())
        after = sorted(str(user) for user in coordinators)
        if before != after:
            changes["coordinators"] = [before, after]
    if not changes:
        return window
    window.full_clean()
    window.save()
    if sites is not None:
        window.sites.set(sites)
    if coordinators is not None:
        window.coordinators.set(coordinators)
    audit.record(actor=actor, obj=window, verb=AuditVerb.UPDATED, changes=changes)
    return window


def cache_server_check(*, platform: AssessmentPlatform, timeout: float = 2.0) -> tuple[bool, str]:
    """Whether the platform's content caching server takes a TCP connection from this
    server within `timeout` seconds, with a sentence saying so. Writes nothing."""
    name = platform.cache_name or "The caching server"
    if not platform.cache_host or not platform.cache_port:
        return False, f"No caching server host and port are set for {platform.name}."
    where = f"{platform.cache_host}:{platform.cache_port}"
    started = time.monotonic()
    try:
        with socket.create_connection((platform.cache_host, platform.cache_port), timeout=timeout):
            pass
    except TimeoutError:
        return False, f"{name} at {where} did not answer within {timeout:g} seconds."
    except OSError as error:
        return False, f"{name} at {where} cannot be reached: {error.strerror or error}."
    took = (time.monotonic() - started) * 1000
    return True, f"{name} at {where} answered in {took:.0f} ms."
