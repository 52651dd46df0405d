"""Writes to test day: assessment platforms and testing windows.

Every write checks the actor's role (and, for a window, that each of its schools is one of
the actor's) before anything is saved, validates the whole record, and records an audit
event; a refused write raises and changes nothing."""

import datetime
import re
import socket
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.selectors import sites_for
from homeroom.core.services import require_site_access
from homeroom.core.templatetags.homeroom import when
from homeroom.testday import mail, selectors
from homeroom.testday.choices import (
    FIGURES,
    SESSION_TRANSITIONS,
    CheckItem,
    PlatformKind,
    SessionKind,
    SessionStatus,
)
from homeroom.testday.models import (
    AssessmentPlatform,
    DeviceSwap,
    Incident,
    ReadinessSnapshot,
    SessionCheck,
    SessionStudent,
    TestingWindow,
    TestSession,
    grades_of,
)
from homeroom.testday.readiness import TESTING_CATEGORIES

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


# Sessions -------------------------------------------------------------------------------


def _check_staff(users, field: str, *, required: bool) -> list:
    users = list(users or [])
    if required and not users:
        raise ValidationError({field: "Name at least one test administrator."})
    inactive = [user for user in users if not user.is_active]
    if inactive:
        raise ValidationError({field: f"{inactive[0]} can no longer sign in."})
    return users


def _require_run(actor, session: TestSession) -> None:
    if actor is not None and not selectors.can_run(actor, session):
        raise PermissionDenied(
            "Only the session's administrators and proctors, or someone who runs testing "
            "at its school, can do this."
        )


@transaction.atomic
def session_create(
    *,
    actor,
    window: TestingWindow,
    room,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    administrators,
    proctors=(),
    title: str = "",
    kind: str = SessionKind.REGULAR,
    make_up_for: TestSession | None = None,
    notes: str = "",
) -> TestSession:
    """Schedule a session of a window in a room at one of the actor's schools."""
    _require(actor, "testday.add_testsession", "Your role does not schedule test sessions.")
    if room is None:
        raise ValidationError({"room": "Choose the room the session is in."})
    require_site_access(actor, room.site)
    if not window.sites.filter(pk=room.site_id).exists():
        raise ValidationError({"room": f"{room.site} does not test in {window}."})
    if make_up_for is not None and make_up_for.window_id != window.pk:
        raise ValidationError({"make_up_for": "A make-up is for a session of the same window."})
    session = TestSession(
        window=window,
        site=room.site,
        room=room,
        title=(title or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        kind=SessionKind.MAKE_UP if make_up_for is not None else kind,
        make_up_for=make_up_for,
        notes=(notes or "").strip(),
    )
    session.full_clean()
    administrators = _check_staff(administrators, "administrators", required=True)
    proctors = _check_staff(proctors, "proctors", required=False)
    session.save()
    session.administrators.set(administrators)
    session.proctors.set(proctors)
    audit.record(
        actor=actor,
        obj=session,
        verb=AuditVerb.CREATED,
        site=session.site,
        changes={
            "window": [None, str(window)],
            "room": [None, str(room)],
            "starts_at": [None, audit.as_json(session.starts_at)],
            "administrators": [None, sorted(str(user) for user in administrators)],
            "proctors": [None, sorted(str(user) for user in proctors)],
        },
        message=f"Scheduled {session} for {when(session.starts_at)}",
    )
    return session


@transaction.atomic
def session_set_status(*, actor, session: TestSession, status: str) -> TestSession:
    """Move a session along its lifecycle (choices.SESSION_TRANSITIONS)."""
    session = TestSession.objects.select_for_update().get(pk=session.pk)
    _require_run(actor, session)
    if status not in SessionStatus.values:
        raise ValidationError({"status": "Not a session status."})
    if status not in SESSION_TRANSITIONS[session.status]:
        raise ValidationError(
            {
                "status": f"A session that is {session.get_status_display().lower()} cannot "
                f"become {SessionStatus(status).label.lower()}."
            }
        )
    before = session.status
    session.status = status
    session.save(update_fields=["status"])
    audit.record(
        actor=actor,
        obj=session,
        verb=AuditVerb.UPDATED,
        site=session.site,
        changes={"status": [before, status]},
    )
    return session


def _students_at(site):
    from homeroom.people.models import Person

    return Person.objects.filter(kind="student", is_active=True).filter(
        Q(primary_site=site) | Q(sites=site)
    )


@transaction.atomic
def students_add(
    *, actor, session: TestSession, school_class=None, grade: str = "", identifiers: str = ""
) -> int:
    """Add students from a class, a grade of the session's school, or a pasted list of
    student ids (the school's or the state's); returns how many were added. An id that
    matches no student at the school refuses the whole list."""
    session = TestSession.objects.select_for_update().get(pk=session.pk)
    _require(actor, "testday.add_testsession", "Your role does not add students to sessions.")
    require_site_access(actor, session.site)
    from homeroom.people.models import Enrollment

    chosen = []
    if school_class is not None:
        if school_class.site_id != session.site_id:
            raise ValidationError({"school_class": f"{school_class} is not at {session.site}."})
        chosen += [
            enrollment.person
            for enrollment in Enrollment.objects.filter(
                school_class=school_class, role="student", is_active=True, person__is_active=True
            ).select_related("person")
        ]
    if grade:
        chosen += list(_students_at(session.site).filter(grade=grade.strip().upper()))
    if identifiers:
        wanted = [word for word in re.split(r"[\s,;]+", identifiers) if word][:2000]
        found = {}
        for person in _students_at(session.site).filter(
            Q(identifier__in=wanted) | Q(state_id__in=wanted)
        ):
            found[person.identifier] = person
            if person.state_id:
                found[person.state_id] = person
        missing = [word for word in wanted if word not in found]
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            raise ValidationError(
                {"identifiers": f"No student at {session.site} has the id {shown}."}
            )
        chosen += [found[word] for word in wanted]
    if school_class is None and not grade and not identifiers:
        raise ValidationError("Choose a class, a grade, or paste student ids.")
    present = set(session.students.values_list("person_id", flat=True))
    added = []
    for person in chosen:
        if person.pk not in present:
            present.add(person.pk)
            added.append(SessionStudent(session=session, person=person))
    SessionStudent.objects.bulk_create(added)
    if added:
        audit.record(
            actor=actor,
            obj=session,
            verb=AuditVerb.UPDATED,
            site=session.site,
            changes={"students": [None, len(added)]},
            message=f"Added {len(added)} students",
        )
    return len(added)


@transaction.atomic
def student_update(
    *, actor, entry: SessionStudent, absent: bool | None = None, accommodations=None
) -> SessionStudent:
    """Mark a student absent or present, or (the coordinator and the session's
    administrators only) set their testing accommodations."""
    entry = SessionStudent.objects.select_for_update().select_related("session").get(pk=entry.pk)
    session = entry.session
    _require_run(actor, session)
    changes = {}
    if absent is not None and absent != entry.absent:
        changes["absent"] = [entry.absent, absent]
        entry.absent = absent
    if accommodations is not None:
        if actor is not None and not selectors.sees_accommodations(actor, session):
            raise PermissionDenied(
                "Only the test coordinator and the session's administrators set accommodations."
            )
        accommodations = sorted(set(accommodations))
        if accommodations != entry.accommodations:
            # The audit trail says that they changed, not what they are.
            changes["accommodations"] = ["", "changed"]
            entry.accommodations = accommodations
    if changes:
        entry.full_clean()
        entry.save()
        audit.record(
            actor=actor, obj=session, verb=AuditVerb.UPDATED, site=session.site, changes=changes
        )
    return entry


def _testing_device(session: TestSession, scan: str):
    from homeroom.devices.models import Device

    scan = (scan or "").strip()
    if not scan:
        raise ValidationError({"device": "Scan or type the device's asset tag or serial."})
    devices = Device.objects.filter(site=session.site)
    for lookup in ("asset_tag", "serial_number", "asset_tag__iexact", "serial_number__iexact"):
        device = devices.filter(**{lookup: scan}).select_related("model").first()
        if device is not None:
            break
    else:
        raise ValidationError({"device": f"No device {scan} at {session.site}."})
    if device.model.category not in TESTING_CATEGORIES:
        raise ValidationError(
            {
                "device": f"{device} is a {device.model.get_category_display().lower()}, not a "
                "testing device."
            }
        )
    return device


def _bind(actor, entry: SessionStudent, device) -> None:
    holder = (
        SessionStudent.objects.filter(session_id=entry.session_id, device=device)
        .exclude(pk=entry.pk)
        .select_related("person")
        .first()
    )
    if holder is not None:
        raise ValidationError(
            {"device": f"{device} is already {holder.person}'s device in this session."}
        )
    before = entry.device
    entry.device = device
    entry.bound_at = timezone.now()
    entry.bound_by = actor if actor is not None and actor.is_authenticated else None
    entry.save(update_fields=["device", "bound_at", "bound_by"])
    audit.record(
        actor=actor,
        obj=entry.session,
        verb=AuditVerb.UPDATED,
        site=entry.session.site,
        changes={f"device of {entry.person}": [str(before) if before else None, str(device)]},
    )


@transaction.atomic
def device_bind(*, actor, entry: SessionStudent, scan: str) -> SessionStudent:
    """Bind the scanned device to the student: they test on it, and it keeps their saved
    responses, so one device serves one student in a session."""
    entry = (
        SessionStudent.objects.select_for_update()
        .select_related("session", "person")
        .get(pk=entry.pk)
    )
    _require_run(actor, entry.session)
    device = _testing_device(entry.session, scan)
    if entry.device_id == device.pk:
        return entry
    _bind(actor, entry, device)
    return entry


@transaction.atomic
def cart_bind(*, actor, session: TestSession, scan: str) -> int:
    """Give the students still without a device the devices of a cart's slots in order
    (slot 1 to the first student by seat and name); returns how many were bound."""
    from homeroom.devices.models import CartSlot, Device

    session = TestSession.objects.select_for_update().get(pk=session.pk)
    _require_run(actor, session)
    scan = (scan or "").strip()
    cart = (
        Device.objects.filter(site=session.site, model__category="cart")
        .filter(Q(asset_tag__iexact=scan) | Q(serial_number__iexact=scan))
        .first()
    )
    if cart is None:
        raise ValidationError({"cart": f"No cart {scan} at {session.site}."})
    taken = set(session.students.exclude(device=None).values_list("device_id", flat=True))
    devices = [
        slot.device
        for slot in CartSlot.objects.filter(cart=cart, device__isnull=False)
        .select_related("device")
        .order_by("number")
        if slot.device_id not in taken
    ]
    waiting = list(selectors.roster(session).filter(device__isnull=True, absent=False))
    if not devices:
        raise ValidationError({"cart": f"{cart} has no free device in its slots."})
    bound = 0
    for entry, device in zip(waiting, devices, strict=False):
        _bind(actor, entry, device)
        bound += 1
    return bound


# Incidents and swaps --------------------------------------------------------------------


def _ticket_for(actor, site, room, device, subject: str, description: str):
    """A help-desk ticket for a device that failed during testing (None without the help
    desk)."""
    from django.apps import apps

    if not apps.is_installed("homeroom.helpdesk"):
        return None
    from homeroom.helpdesk import services as helpdesk

    return helpdesk.ticket_create(
        actor=actor,
        site=site,
        room=room,
        device=device,
        subject=subject[:200],
        description=description,
    )


@transaction.atomic
def incident_log(
    *,
    actor,
    session: TestSession,
    kind: str,
    student: SessionStudent | None = None,
    device_scan: str = "",
    noticed_at: datetime.datetime | None = None,
    description: str = "",
    action_taken: str = "",
    resolved: bool = False,
    testing_resumed: bool | None = None,
    open_ticket: bool = False,
) -> Incident:
    """Log what went wrong in a session; the device is the scanned one, or the student's.
    With `open_ticket`, the device gets a help-desk ticket."""
    session = TestSession.objects.select_for_update().get(pk=session.pk)
    _require_run(actor, session)
    if student is not None:
        student = SessionStudent.objects.select_related("device").filter(pk=student.pk).first()
        if student is None or student.session_id != session.pk:
            raise ValidationError({"student": "That student is not in this session."})
    device = _testing_device(session, device_scan) if device_scan.strip() else None
    if device is None and student is not None:
        device = student.device
    now = timezone.now()
    noticed_at = noticed_at or now
    if noticed_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"noticed_at": "An incident cannot be noticed in the future."})
    incident = Incident(
        session=session,
        student=student,
        device=device,
        kind=kind,
        noticed_at=noticed_at,
        description=(description or "").strip(),
        action_taken=(action_taken or "").strip(),
        resolved_at=now if resolved else None,
        testing_resumed=testing_resumed,
        reported_by=actor if actor is not None and actor.is_authenticated else None,
    )
    incident.full_clean()
    if open_ticket:
        if device is None:
            raise ValidationError({"device": "Scan the device the ticket is for."})
        incident.ticket = _ticket_for(
            actor,
            session.site,
            session.room,
            device,
            f"{incident.get_kind_display()} during testing: {device}",
            f"{session} in {session.room}, {when(noticed_at)}. {incident.description}".strip(),
        )
    incident.save()
    audit.record(
        actor=actor,
        obj=incident,
        verb=AuditVerb.CREATED,
        site=session.site,
        changes={
            "kind": [None, kind],
            "device": [None, str(device) if device else None],
            "noticed_at": [None, audit.as_json(noticed_at)],
        },
        message=f"Logged {incident.get_kind_display().lower()} in {session}",
    )
    return incident


@transaction.atomic
def incident_resolve(
    *, actor, incident: Incident, action_taken: str = "", testing_resumed: bool | None = None
) -> Incident:
    incident = Incident.objects.select_for_update().select_related("session").get(pk=incident.pk)
    _require_run(actor, incident.session)
    if incident.resolved_at is not None:
        raise ValidationError("This incident is already resolved.")
    changes = {"resolved_at": [None, audit.as_json(timezone.now())]}
    incident.resolved_at = timezone.now()
    if action_taken.strip():
        incident.action_taken = "\n".join(
            part for part in (incident.action_taken, action_taken.strip()) if part
        )
        changes["action_taken"] = ["", action_taken.strip()]
    if testing_resumed is not None:
        changes["testing_resumed"] = [incident.testing_resumed, testing_resumed]
        incident.testing_resumed = testing_resumed
    incident.full_clean()
    incident.save()
    audit.record(
        actor=actor,
        obj=incident,
        verb=AuditVerb.UPDATED,
        site=incident.session.site,
        changes=changes,
    )
    return incident


@transaction.atomic
def incident_escalate(*, actor, incident: Incident) -> Incident:
    """Flag the incident for the district test coordinator."""
    incident = Incident.objects.select_for_update().select_related("session").get(pk=incident.pk)
    _require_run(actor, incident.session)
    if incident.escalated_at is not None:
        raise ValidationError("This incident is already escalated.")
    incident.escalated_at = timezone.now()
    incident.save(update_fields=["escalated_at"])
    audit.record(
        actor=actor,
        obj=incident,
        verb=AuditVerb.UPDATED,
        site=incident.session.site,
        changes={"escalated_at": [None, audit.as_json(incident.escalated_at)]},
        message="Escalated to the district test coordinator",
    )
    transaction.on_commit(lambda: mail.incident_escalated(incident))
    return incident


@transaction.atomic
def device_swap(
    *,
    actor,
    entry: SessionStudent,
    scan: str,
    incident: Incident | None = None,
    open_ticket: bool = True,
) -> DeviceSwap:
    """Move a student to a spare device in one action: the binding moves, the swap is
    recorded (the failed device keeps the responses saved so far), and the failed device
    gets a help-desk ticket unless one is already open for it from the incident."""
    entry = (
        SessionStudent.objects.select_for_update()
        .select_related("session", "person")
        .get(pk=entry.pk)
    )
    session = entry.session
    _require_run(actor, session)
    failed = entry.device
    if failed is None:
        raise ValidationError({"device": f"{entry.person} has no device bound yet: bind one."})
    spare = _testing_device(session, scan)
    if spare.pk == failed.pk:
        raise ValidationError({"device": f"{spare} is the device that failed: scan a spare."})
    if incident is not None and incident.session_id != session.pk:
        raise ValidationError("That incident is of another session.")
    _bind(actor, entry, spare)
    swap = DeviceSwap.objects.create(
        student=entry,
        from_device=failed,
        to_device=spare,
        incident=incident,
        swapped_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if open_ticket and (incident is None or incident.ticket_id is None):
        ticket = _ticket_for(
            actor,
            session.site,
            session.room,
            failed,
            f"Failed during testing: {failed}",
            f"{entry.person} was moved to {spare} during {session} in {session.room}. Keep "
            "the device as it is until the student's saved responses are recovered.",
        )
        if incident is not None and ticket is not None:
            incident.ticket = ticket
            incident.save(update_fields=["ticket"])
    audit.record(
        actor=actor,
        obj=session,
        verb=AuditVerb.UPDATED,
        site=session.site,
        changes={f"swap for {entry.person}": [str(failed), str(spare)]},
        message=f"Swapped {failed} for {spare}",
    )
    return swap


@transaction.atomic
def incident_report_filed(*, actor, incident: Incident) -> Incident:
    """Record that the irregularity report went to the state (the coordinator)."""
    _require(actor, "testday.add_testsession", "Only the test coordinator files reports.")
    incident = Incident.objects.select_for_update().select_related("session").get(pk=incident.pk)
    require_site_access(actor, incident.session.site)
    if incident.report_filed_at is not None:
        raise ValidationError("Its irregularity report is already filed.")
    incident.report_filed_at = timezone.now()
    incident.report_filed_by = actor if actor is not None and actor.is_authenticated else None
    incident.save(update_fields=["report_filed_at", "report_filed_by"])
    audit.record(
        actor=actor,
        obj=incident,
        verb=AuditVerb.UPDATED,
        site=incident.session.site,
        changes={"report_filed_at": [None, audit.as_json(incident.report_filed_at)]},
        message="Irregularity report filed",
    )
    return incident


@transaction.atomic
def check_tick(*, actor, session: TestSession, item: str, done: bool = True):
    """Tick (or untick) an item of the session's pre-test checklist."""
    session = TestSession.objects.select_for_update().get(pk=session.pk)
    _require_run(actor, session)
    if item not in CheckItem.values:
        raise ValidationError({"item": "Not an item of the checklist."})
    existing = session.checks.filter(item=item).first()
    if done and existing is None:
        SessionCheck.objects.create(
            session=session,
            item=item,
            done_by=actor if actor is not None and actor.is_authenticated else None,
        )
    elif not done and existing is not None:
        existing.delete()
    else:
        return
    audit.record(
        actor=actor,
        obj=session,
        verb=AuditVerb.UPDATED,
        site=session.site,
        changes={f"checklist: {CheckItem(item).label}": [not done, done]},
    )


# Reasons a technician can fix at the device; a device in repair already has its order.
TECHNICIAN_REASONS = ("ChromeOS", "Auto-update", "Not managed", "iPadOS", "Windows", "macOS")
MAX_TICKETS = 100


@transaction.atomic
def readiness_tickets(*, actor, window: TestingWindow, site) -> int:
    """One help-desk ticket per not-ready device of a school that needs a technician (its
    OS, its management, its model's end of updates) and has no open ticket yet; at most
    MAX_TICKETS at a time. Returns how many were opened."""
    from django.apps import apps

    if not apps.is_installed("homeroom.helpdesk"):
        raise ValidationError("The help desk is not installed.")
    from homeroom.devices.models import Device
    from homeroom.helpdesk.choices import OPEN_STATUSES
    from homeroom.helpdesk.models import Ticket

    require_site_access(actor, site)
    if not window.sites.filter(pk=site.pk).exists():
        raise ValidationError({"site": f"{site} does not test in {window}."})
    ticketed = set(
        Ticket.objects.filter(status__in=OPEN_STATUSES, device__site=site).values_list(
            "device_id", flat=True
        )
    )
    opened = 0
    for device, verdict in selectors.device_verdicts(actor, window, timezone.now(), site=site):
        if opened >= MAX_TICKETS:
            break
        fixable = [r for r in verdict.reasons if r.startswith(TECHNICIAN_REASONS)]
        if verdict.state != "not_ready" or not fixable or device["pk"] in ticketed:
            continue
        _ticket_for(
            actor,
            site,
            None,
            Device.objects.get(pk=device["pk"]),
            f"Not ready for {window.platform.name}: {device['asset_tag']}",
            f"Before {window.assessment} ({window.starts_on:%-d %b}): " + "; ".join(fixable) + ".",
        )
        opened += 1
    return opened


# A window's readiness is recorded daily from this long before its first day.
SNAPSHOT_LEAD = datetime.timedelta(days=14)


def readiness_snapshots(now: datetime.datetime | None = None) -> str:
    """The sweep: record today's readiness of every school of each window that opens
    within two weeks or is open (derived numbers, so no audit event)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    windows = TestingWindow.objects.filter(
        starts_on__lte=today + SNAPSHOT_LEAD, ends_on__gte=today
    ).select_related("platform")
    recorded = 0
    for window in windows:
        for school in selectors.readiness_summary(None, window, now):
            ReadinessSnapshot.objects.update_or_create(
                window=window,
                site=school.site,
                day=today,
                defaults={
                    "total": school.total,
                    "ready": school.ready,
                    "warning": school.warning,
                    "not_ready": school.not_ready,
                },
            )
            recorded += 1
    return f"recorded the device readiness of {recorded} schools in {len(windows)} windows"
