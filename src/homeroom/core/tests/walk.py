import datetime

from homeroom.core.models import ClosedDay
from homeroom.core.testing import WalkSamples

HOURS = {"school_days": ["monday", "tuesday"], "opens_at": "08:00", "closes_at": "15:00"}


def samples(base) -> WalkSamples:
    def closed_day():
        return ClosedDay.objects.create(
            site=base.site,
            starts_on=datetime.date(2026, 12, 24),
            ends_on=datetime.date(2026, 12, 24),
            reason="Walk closed day",
        ).pk

    return WalkSamples(
        by_url_name={
            "core:site_hours_edit": base.site.pk,
            "core:closed_day_delete": closed_day,
        },
        by_key={"closed_day_id": closed_day},
        bodies={
            "update_district_calendar": HOURS,
            "update_site_calendar": HOURS,
            "add_closed_day": {
                "site_id": base.site.pk,
                "starts_on": "2026-12-31",
                "reason": "Walk closed day",
            },
            "delete_closed_day": {},
        },
    )
