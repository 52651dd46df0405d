"""The demo district's testing calendar: a state test window open on the demo's date at the
elementary and middle schools on TestNav, a benchmark window already over, and a state
math window coming up, each planned through the service by the district admin, with the
demo's test coordinator as a site coordinator."""

import datetime

from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.testday import services
from homeroom.testday.models import AssessmentPlatform

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
    _testing_fleet(admin, testing)
    for assessment, area, platform, grades, first, last in WINDOWS:
        starts_on = context.today + datetime.timedelta(days=first)
        services.window_create(
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
