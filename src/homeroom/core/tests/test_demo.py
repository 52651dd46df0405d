"""`homeroom demo --today`: the demo district as it stands on a given date."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone

from homeroom.core.models import ClosedDay, DistrictSettings, Site
from homeroom.devices.models import Assignment
from homeroom.helpdesk.choices import OPEN_STATUSES
from homeroom.helpdesk.models import Ticket
from homeroom.repairs.choices import OPEN_STATUSES as OPEN_REPAIR_STATUSES
from homeroom.repairs.models import RepairOrder
from homeroom.reports.models import TicketDay

SUMMER_DAY = datetime.date(2027, 7, 14)  # a Wednesday in the summer break


@pytest.mark.django_db
def test_the_demo_is_built_as_of_the_date_it_is_given():
    out = StringIO()
    call_command("demo", "--today", SUMMER_DAY.isoformat(), stdout=out)

    assert "as of 2027-07-14" in out.getvalue()
    assert DistrictSettings.current().name == "Riverside Unified School District"
    assert ClosedDay.objects.filter(
        reason="Summer break", starts_on__lte=SUMMER_DAY, ends_on__gte=SUMMER_DAY
    ).exists()
    last_filed = Ticket.objects.latest("created_at").created_at
    assert timezone.localtime(last_filed).date() == SUMMER_DAY
    assert Ticket.objects.filter(status__in=OPEN_STATUSES).count() >= 8 * 3
    assert RepairOrder.objects.filter(status__in=OPEN_REPAIR_STATUSES).count() >= 4 * 3
    loaners_out = Assignment.objects.filter(kind="loaner", checked_in_at__isnull=True)
    midnight = timezone.make_aware(datetime.datetime.combine(SUMMER_DAY, datetime.time()))
    overdue = Q(due_at__lt=midnight)
    assert loaners_out.filter(overdue).exists() and loaners_out.exclude(overdue).exists()
    assert TicketDay.objects.order_by("-day").values_list("day", flat=True)[0] == SUMMER_DAY


@pytest.mark.django_db
def test_the_demo_refuses_a_date_that_is_not_one():
    with pytest.raises(CommandError, match="--today 2027-02-30: not a date"):
        call_command("demo", "--today", "2027-02-30", stdout=StringIO())
    assert not Site.objects.exists()
