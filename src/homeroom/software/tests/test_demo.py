import datetime

import pytest
from django.utils import timezone

from homeroom.core.demo import generate
from homeroom.software.choices import Decision, RequestStatus, ReviewStatus
from homeroom.software.models import Licence, Review, Tool, ToolRequest


@pytest.mark.own_clock
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
    # Every decided tool has its review; agreements expire within 90 days; requests wait in
    # every state.
    for tool in tools.exclude(decision=Decision.NOT_REVIEWED):
        assert tool.reviews.get().status == tool.decision
    assert Review.objects.filter(
        status__in=[ReviewStatus.APPROVED, ReviewStatus.CONDITIONS],
        agreement_expires_on__gte=today,
        agreement_expires_on__lte=soon,
    ).exists()
    assert not Review.objects.filter(
        status=ReviewStatus.APPROVED, agreement_expires_on__lt=today
    ).exists()
    assert set(ToolRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert ToolRequest.objects.filter(requested_by__username="teacher").exists()
