import datetime

from django.utils import timezone

from homeroom.core.testing import WalkSamples
from homeroom.testday.models import AssessmentPlatform, TestingWindow


def samples(base) -> WalkSamples:
    """A testing window open at the walk's site on TestNav (seeded by the migration)."""
    platform = AssessmentPlatform.objects.get(name="Pearson TestNav")
    today = timezone.localdate()
    window = TestingWindow.objects.create(
        assessment="Walk window",
        platform=platform,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
        grades=["3", "4"],
    )
    window.sites.set([base.site])
    by_url_name = {
        "testday:window_detail": window.pk,
        "testday:window_edit": window.pk,
        "testday:window_readiness": window.pk,
        "testday:readiness_export": window.pk,
        "testday:org_unit_moves": window.pk,
        "testday:cache_check": platform.pk,
        "testday:platform_detail": platform.pk,
        "testday:platform_edit": platform.pk,
    }
    return WalkSamples(by_url_name=by_url_name)
