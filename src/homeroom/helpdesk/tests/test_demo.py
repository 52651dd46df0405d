"""The demo district's help desk on whatever date the session runs (HOMEROOM_TEST_TODAY):
a year of finished tickets and, at every school, work in hand."""

import datetime

import pytest
from django.db.models import Q

from homeroom.core.choices import SiteType
from homeroom.core.demo import generate
from homeroom.core.models import Site
from homeroom.helpdesk.choices import OPEN_STATUSES, TicketStatus
from homeroom.helpdesk.models import Comment, Ticket


@pytest.mark.django_db
def test_the_demo_help_desk_has_a_year_done_and_work_in_hand():
    now = generate(report=lambda line: None).now
    for site in Site.objects.exclude(type=SiteType.DISTRICT_OFFICE):
        tickets = Ticket.objects.filter(site=site)
        assert tickets.filter(status=TicketStatus.CLOSED).count() >= 100, site
        in_hand = set(tickets.filter(status__in=OPEN_STATUSES).values_list("status", flat=True))
        assert in_hand == set(OPEN_STATUSES), site
        just_filed = tickets.filter(
            status=TicketStatus.NEW,
            assignee=None,
            created_at__gt=now - datetime.timedelta(minutes=30),
            resolution_due_at__gt=now,
        )
        assert just_filed.count() >= 2, site
        late = Q(response_breached=True) | Q(resolution_breached=True)
        assert not just_filed.filter(late).exists(), site
    # Nothing happened after the demo's moment.
    later = Q(created_at__gt=now) | Q(resolved_at__gt=now) | Q(closed_at__gt=now)
    assert not Ticket.objects.filter(later | Q(satisfaction_at__gt=now)).exists()
    assert not Comment.objects.filter(created_at__gt=now).exists()
