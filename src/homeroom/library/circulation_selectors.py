"""Reads of circulation. Librarians see the loans and holds of their libraries; a reader
sees their own; nobody else sees who borrowed what (library privacy)."""

from django.db.models import QuerySet

from homeroom.core.selectors import sites_for
from homeroom.library.choices import ACTIVE_HOLD_STATUSES, OPEN_LOAN_STATUSES
from homeroom.library.models import Hold, Loan


def loans_for(user) -> QuerySet[Loan]:
    if not user.is_authenticated or not user.has_perm("library.view_loan"):
        return Loan.objects.none()
    loans = Loan.objects.select_related("copy__title", "library", "person", "rule")
    if user.sees_all_sites:
        return loans
    return loans.filter(library__site__in=sites_for(user))


def holds_for(user) -> QuerySet[Hold]:
    if not user.is_authenticated or not user.has_perm("library.view_hold"):
        return Hold.objects.none()
    holds = Hold.objects.select_related("title", "library", "person", "copy")
    if user.sees_all_sites:
        return holds
    return holds.filter(library__site__in=sites_for(user))


def open_loans_of(person) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(person=person, status__in=OPEN_LOAN_STATUSES)
        .select_related("copy__title", "library", "rule")
        .order_by("due_at", "pk")
    )


def active_holds_of(person) -> QuerySet[Hold]:
    return (
        Hold.objects.filter(person=person, status__in=ACTIVE_HOLD_STATUSES)
        .select_related("title", "library")
        .order_by("placed_at", "pk")
    )


def own_person(user):
    """The roster record of the signed-in account, if it has one."""
    if not user.is_authenticated:
        return None
    return getattr(user, "person", None)
