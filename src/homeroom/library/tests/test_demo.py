import datetime

import pytest
from django.utils import timezone

from homeroom.core.demo import generate
from homeroom.core.models import ImportRun, Site
from homeroom.library.models import Copy, Library, Title


@pytest.mark.own_clock
@pytest.mark.parametrize(
    "today", [datetime.date(2026, 12, 5), datetime.date(2027, 7, 14)], ids=["saturday", "summer"]
)
@pytest.mark.django_db(transaction=False)
def test_every_school_library_has_a_catalog_imported_from_marc(today, time_machine):
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(11)))
    time_machine.move_to(moment, tick=False)
    generate(today=today, report=lambda line: None)
    schools = Site.objects.exclude(type="district_office")
    assert Library.objects.count() == schools.count() == 3
    runs = ImportRun.objects.filter(kind="marc")
    assert sorted(runs.values_list("status", flat=True)) == ["applied"] * 3
    assert {run.details["preset"] for run in runs} == {"destiny", "koha", "evergreen"}
    for library in Library.objects.all():
        assert library.copies.count() > 400
    # Books every school holds are one title with a copy in each library.
    shared = Title.objects.filter(copies__library__site__type="high").filter(
        copies__library__site__type="elementary"
    )
    assert shared.distinct().count() >= 100
    elementary = Title.objects.filter(copies__library__site__type="elementary").distinct()
    assert elementary.filter(lexile__isnull=False, ar_level__isnull=False).count() > 300
    assert Title.objects.exclude(dewey="").exists()
    # Nothing is dated after the demo's day, and the copies came in over the years.
    assert not Copy.objects.filter(created_at__gt=moment).exists()
    assert not Title.objects.filter(created_at__gt=moment).exists()
    years = {day.year for day in Copy.objects.values_list("acquired_on", flat=True)}
    assert len(years) >= 8
