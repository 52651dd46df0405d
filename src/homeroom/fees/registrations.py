"""What the Fees module adds to the navigation, Today and the person page."""

from dataclasses import dataclass

from django.utils import timezone

from homeroom.core import roles
from homeroom.core.access import Rule
from homeroom.core.registry import DashboardCard, NavItem, PersonSection, registry
from homeroom.fees import selectors

PERSON_CHARGES_SHOWN = 8


@dataclass(frozen=True)
class StudentRule(Rule):
    """Students, who see only their own fees (they hold no permissions to test for)."""

    def allows(self, user) -> bool:
        return user.is_authenticated and roles.STUDENT in user.role_names


registry.add_nav(NavItem("Fees", "fees:charge_list", Rule("fees.view_charge"), order=260))
registry.add_nav(NavItem("My fees", "fees:my_fees", StudentRule(), order=260))


def person_fees(request, person):
    charges = list(selectors.charges_of(request.user, person)[: PERSON_CHARGES_SHOWN + 1])
    owed = selectors.balance(person)
    block = selectors.check_out_block(person)
    return {
        "person": person,
        "charges": charges[:PERSON_CHARGES_SHOWN],
        "more": len(charges) > PERSON_CHARGES_SHOWN,
        "count": selectors.charges_of(request.user, person).count()
        if len(charges) > PERSON_CHARGES_SHOWN
        else len(charges),
        "balance": owed,
        "blocked": block is not None,
        "limit": block[1] if block else None,
    }


registry.add_person_section(
    PersonSection(
        "fees/sections/person_fees.html", person_fees, Rule("fees.view_charge"), order=150
    )
)


def fees_card(request):
    charges = selectors.charges_for(request.user)
    if request.current_site is not None:
        charges = charges.filter(site=request.current_site)
    numbers = selectors.this_month(charges, timezone.localtime())
    return {
        "count": numbers["count"],
        "amount": selectors.money(numbers["amount"]),
        "unpaid": selectors.money(numbers["unpaid"]),
        "people": numbers["people"],
    }


registry.add_card(
    DashboardCard("fees/cards/fees.html", fees_card, Rule("fees.view_charge"), order=260)
)
