"""What the Fees module adds to the navigation, Today and the person page."""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.access import Rule
from homeroom.core.registry import DashboardCard, NavItem, PersonSection, Workspace, registry
from homeroom.fees import selectors
from homeroom.fees.choices import UNPAID_STATUSES

PERSON_CHARGES_SHOWN = 8


@dataclass(frozen=True)
class StudentRule(Rule):
    """Students, who see only their own fees (they hold no permissions to test for)."""

    def allows(self, user) -> bool:
        return user.is_authenticated and roles.STUDENT in user.role_names


FEES = Workspace("fees", "Fees", order=260)

registry.add_nav(NavItem("Fees", "fees:charge_list", Rule("fees.view_charge"), FEES, order=260))
registry.add_nav(
    NavItem("Fee schedule", "fees:schedule", Rule("fees.view_feereason"), FEES, order=265)
)
registry.add_nav(NavItem("My fees", "fees:my_fees", StudentRule(), FEES, order=270))


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
    DashboardCard(
        "fees/cards/fees.html",
        fees_card,
        Rule("fees.view_charge"),
        order=260,
        leads=frozenset({roles.LIBRARIAN}),
    )
)


def my_fees_card(request):
    """What the signed-in student still owes, over all their charges."""
    unpaid = selectors.own_charges(request.user).filter(status__in=UNPAID_STATUSES)
    numbers = unpaid.order_by().aggregate(owed=Sum("balance"), count=Count("pk"))
    return {"owed": selectors.money(numbers["owed"]), "count": numbers["count"]}


registry.add_card(
    DashboardCard(
        "fees/cards/my_fees.html",
        my_fees_card,
        StudentRule(),
        order=30,
        leads=frozenset({roles.STUDENT}),
    )
)
