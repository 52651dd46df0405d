import datetime

import pytest
from django.utils import timezone

from homeroom.core.demo import generate
from homeroom.core.models import ImportRun, Site
from homeroom.library.models import Copy, Hold, Library, Loan, Stocktake, Title


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

    # A year of lending up to the demo's day, at every school.
    loans = Loan.objects.all()
    assert not loans.filter(checked_out_at__gt=moment).exists()
    assert not loans.filter(returned_at__gt=moment).exists()
    assert not loans.filter(lost_at__gt=moment).exists()
    first = loans.order_by("checked_out_at").first().checked_out_at
    assert (moment - first).days > 250
    for library in Library.objects.all():
        assert loans.filter(library=library).count() > 300
    elementary = loans.filter(library__site__type="elementary")
    assert elementary.count() > loans.filter(library__site__type="high").count()
    # Returned loans forgot their reader; those out did not, and their copies are out.
    assert not loans.filter(status="returned", person__isnull=False).exists()
    out = loans.filter(status="out")
    assert out.exists() and not out.filter(person__isnull=True).exists()
    assert out.filter(due_on__lt=today).exists()  # a few overdue
    assert Copy.objects.filter(status="checked_out").count() == out.count()
    lost = loans.filter(status="lost")
    assert 0 < lost.count() < loans.count() // 50
    assert Copy.objects.filter(status="lost").count() == lost.count()
    assert loans.exclude(grade="").exists()
    assert Hold.objects.filter(status="waiting").count() >= 10
    assert not Hold.objects.filter(placed_at__gt=moment).exists()
    # A stocktake under way at the librarian's school.
    counted = Stocktake.objects.get()
    assert counted.status == "open" and counted.started_by.username == "librarian"
    assert counted.scans.filter(outcome="found").count() > 10
    assert counted.scans.filter(outcome="other_library").count() == 1
    assert counted.scans.filter(outcome="unknown").count() == 1
    assert counted.started_at < moment
    assert not counted.scans.filter(scanned_at__gt=moment).exists()
