"""The demo district's testing calendar: a state test window open on the demo's date at the
elementary and middle schools on TestNav, a benchmark window already over, and a state
math window coming up, each planned through the service by the district admin, with the
demo's test coordinator as a site coordinator."""

import datetime

from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.testday import services
from homeroom.testday.models import AssessmentPlatform
from homeroom.testday.seed import seed_platforms

TESTING_OU = "/Students"
CURRENT_CHROMEOS = "146.0.7390.122"

# assessment, content area, platform, grades, first and last day from the demo's date
WINDOWS = [
    ("State ELA grades 3-8", "English language arts", "Pearson TestNav", "3-8", -3, 11),
    ("MAP Growth benchmark", "Reading and mathematics", "NWEA MAP Growth", "K-8", -95, -84),
    ("State mathematics grades 3-8", "Mathematics", "Pearson TestNav", "3-8", 24, 37),
]


@demo_step(order=80)
def plan_testing_windows(context: DemoContext) -> None:
    accounts = context.shared["accounts"]
    admin, coordinator = accounts["admin"], accounts.get("coordinator")
    testing = [
        site
        for site in context.shared["sites"]
        if site.type in {SiteType.ELEMENTARY, SiteType.MIDDLE}
    ]
    if not testing:
        return
    seed_platforms(AssessmentPlatform)
    _testing_fleet(admin, testing)
    for assessment, area, platform, grades, first, last in WINDOWS:
        starts_on = context.today + datetime.timedelta(days=first)
        window = services.window_create(
            actor=admin,
            assessment=assessment,
            content_area=area,
            platform=AssessmentPlatform.objects.get(name=platform),
            starts_on=starts_on,
            ends_on=context.today + datetime.timedelta(days=last),
            sites=testing,
            grades=grades,
            coordinators=[coordinator] if coordinator is not None else [],
            notes=f"Make-up days run to the last day; spares in each lab from {starts_on:%-d %b}.",
        )
        if window.starts_on <= context.today <= window.ends_on:
            _sessions(context, window, testing)


def _testing_fleet(admin, schools) -> None:
    """The district tests in its student org units, and its Chromebooks at the testing
    schools were brought up to date for spring testing, all but a few: every fifteenth is
    still on an older release (a warning), every fortieth sits in a staff org unit (not
    ready). Devices in repair come from the repairs demo."""
    from homeroom.devices.models import Device

    services.platform_update(
        actor=admin,
        platform=AssessmentPlatform.objects.get(name="Pearson TestNav"),
        testing_org_unit=TESTING_OU,
    )
    chromebooks = Device.objects.filter(site__in=schools, model__category="chromebook")
    chromebooks.update(os_version=CURRENT_CHROMEOS)
    ids = list(chromebooks.order_by("pk").values_list("pk", flat=True))
    Device.objects.filter(pk__in=ids[7::15]).update(os_version="131.0.6778.256")
    Device.objects.filter(pk__in=ids[11::40]).update(org_unit_path="/Staff/Loaners")


SESSION_SEATS = 24


def _sessions(context: DemoContext, window, schools) -> None:
    """On the demo's day, a morning session in each testing school's computer lab for its
    largest class, each student on a Chromebook of the school, through the services."""
    from django.db.models import Count, Q

    from homeroom.core.models import Room
    from homeroom.devices.models import Device
    from homeroom.people.models import SchoolClass

    accounts = context.shared["accounts"]
    admin, teacher = accounts["admin"], accounts.get("teacher")
    # Under way at the demo's present moment, so nothing it records lies in the future.
    starts = context.now - datetime.timedelta(hours=1)
    for site in schools:
        room = Room.objects.filter(site=site, kind="lab").order_by("number").first()
        school_class = (
            SchoolClass.objects.filter(site=site, is_active=True)
            .annotate(n=Count("enrollments", filter=Q(enrollments__role="student")))
            .filter(n__gt=0)
            .order_by("-n", "pk")
            .first()
        )
        if room is None or school_class is None:
            continue
        runs_here = teacher is not None and teacher.sites.filter(pk=site.pk).exists()
        session = services.session_create(
            actor=admin,
            window=window,
            room=room,
            title=f"{school_class.title}: {window.content_area}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            administrators=[teacher] if runs_here else [admin],
        )
        services.students_add(actor=admin, session=session, school_class=school_class)
        devices = Device.objects.filter(
            site=site, model__category="chromebook", status__in=["deployed", "in_stock"]
        ).order_by("asset_tag")
        devices = list(devices[: SESSION_SEATS + 2])
        entries = list(session.students.order_by("pk")[:SESSION_SEATS])
        for entry, device in zip(entries, devices, strict=False):
            services.device_bind(actor=admin, entry=entry, scan=device.asset_tag)
        for item in ("charged", "seating", "spares"):
            services.check_tick(actor=admin, session=session, item=item)
        spares = devices[len(entries) :]
        if entries and spares and site == schools[0]:
            _incidents(admin, session, entries[0], spares[0])


def _incidents(admin, session, entry, spare) -> None:
    """Testing is under way: a Chromebook froze (the student moved to a spare, the
    failed one ticketed) and the Wi-Fi dropped for a few minutes (resolved)."""
    from homeroom.helpdesk.models import Comment, Ticket
    from homeroom.testday.models import Incident

    services.session_set_status(actor=admin, session=session, status="testing")
    started = session.starts_at
    froze = services.incident_log(
        actor=admin,
        session=session,
        kind="device_froze",
        student=entry,
        description="The screen froze on the fourth item; the app did not respond.",
        action_taken="Moved the student to a spare; the failed device kept for recovery.",
        testing_resumed=True,
    )
    services.device_swap(actor=admin, entry=entry, scan=spare.asset_tag, incident=froze)
    network = services.incident_log(
        actor=admin,
        session=session,
        kind="network",
        description="The room's access point dropped for about four minutes.",
        action_taken="Students paused; the access point came back by itself.",
        resolved=True,
        testing_resumed=True,
    )
    # The services date what they record at the present moment; the demo's morning is
    # written on the rows afterwards, as it happened on the demo's day.
    for incident, minutes, took in ((froze, 25, None), (network, 40, 4)):
        noticed = started + datetime.timedelta(minutes=minutes)
        Incident.objects.filter(pk=incident.pk).update(
            noticed_at=noticed,
            created_at=noticed + datetime.timedelta(minutes=2),
            resolved_at=noticed + datetime.timedelta(minutes=took) if took else None,
        )
    froze.refresh_from_db()
    if froze.ticket_id:  # the failed device's ticket, opened with the swap
        opened = started + datetime.timedelta(minutes=28)
        Ticket.objects.filter(pk=froze.ticket_id).update(created_at=opened, updated_at=opened)
        Comment.objects.filter(ticket_id=froze.ticket_id).update(created_at=opened)
