from decimal import Decimal

import pytest
from django.db.models import Sum

from homeroom.core.choices import SiteType
from homeroom.core.demo import generate
from homeroom.core.models import Site
from homeroom.fees.choices import ChargeStatus
from homeroom.fees.models import Charge, FeePolicy, FeeReason
from homeroom.people.models import User


@pytest.mark.django_db(transaction=False)
def test_the_demo_district_has_a_year_of_fees_that_add_up():
    generate(report=lambda line: None)
    assert FeeReason.objects.filter(name="Cracked screen", default_amount="45.00").exists()
    assert not FeePolicy.objects.get().block_check_out
    for site in Site.objects.exclude(type=SiteType.DISTRICT_OFFICE):
        assert Charge.objects.filter(site=site, person__kind="student").count() >= 10, site
    assert set(Charge.objects.values_list("status", flat=True)) == set(ChargeStatus.values)
    for charge in Charge.objects.annotate(
        shares=Sum("payment_shares__amount"), forgiven=Sum("waivers__amount")
    ):
        assert charge.balance == charge.amount - charge.paid - charge.waived >= 0
        assert (charge.shares or Decimal("0")) == charge.paid
        assert (charge.forgiven or Decimal("0")) == charge.waived
    student = User.objects.get(username="student").person
    assert Charge.objects.filter(person=student, status=ChargeStatus.OPEN).exists()
