import datetime

import pytest
from django.utils import timezone

from homeroom.core.demo import generate
from homeroom.software.choices import Decision
from homeroom.software.models import Licence, Tool


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 10, 3), datetime.date(2027, 7, 12)],
    ids=["saturday", "summer-break"],
)
@pytest.mark.django_db(transaction=False)
def test_the_demo_has_a_catalog_with_every_decision_and_renewals_around_its_day(
    today, time_machine
):
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(11)))
    time_machine.move_to(moment, tick=False)
    generate(today=today, report=lambda line: None)
    tools = Tool.objects.all()
    assert 35 <= tools.count() <= 50
    assert set(tools.values_list("decision", flat=True)) == set(Decision.values)
    ai_with_conditions = tools.filter(uses_ai=True, decision=Decision.CONDITIONS)
    assert ai_with_conditions.count() >= 3
    assert all(tool.conditions for tool in ai_with_conditions)
    soon = today + datetime.timedelta(days=90)
    assert Licence.objects.filter(renews_on__gte=today, renews_on__lte=soon).exists()
    assert Licence.objects.filter(renews_on__gt=soon).exists()
    assert tools.filter(all_schools=True).exists()
    assert tools.filter(all_schools=False, sites__isnull=False).exists()
