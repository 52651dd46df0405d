"""Writes to the software catalog: tools and their licences.

Every write checks the actor's role and sites before it saves anything: a technician who
works at some schools may mark only those schools as using a tool, and add or remove only
their licences; a tool used at every school, and a district licence, are for people who
work at every site. A refused write changes nothing."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.services import require_site_access
from homeroom.software.choices import GradeBand, PaidBy, Platform, Rostering, SignIn
from homeroom.software.models import MAX_COST, Licence, Tool

TEXT_FIELDS = ("name", "vendor", "website", "description", "subjects", "sign_in_help")
LIST_FIELDS = {
    "grade_bands": GradeBand,
    "sign_in": SignIn,
    "rostering": Rostering,
    "platforms": Platform,
}


def _require(actor, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(message)


def _require_every_site(actor, message: str) -> None:
    if actor is not None and not actor.sees_all_sites:
        raise PermissionDenied(message)


def _ordered(values, choices) -> list[str]:
    """The values once each, in the order of their choices (unknown ones kept at the end,
    for the model to name)."""
    values = list(dict.fromkeys(values or []))
    known = [value for value in choices.values if value in values]
    return known + [value for value in values if value not in choices.values]


def extension_ids_of(value) -> list[str]:
    """Ids from a list, or from text with one per line (commas and spaces also split)."""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return list(dict.fromkeys(item.strip() for item in value or [] if item and item.strip()))


def _clean(data: dict) -> dict:
    for field in TEXT_FIELDS:
        if field in data:
            data[field] = (data[field] or "").strip()
    for field, choices in LIST_FIELDS.items():
        if field in data:
            data[field] = _ordered(data[field], choices)
    if "extension_ids" in data:
        data["extension_ids"] = extension_ids_of(data["extension_ids"])
    if "champion" in data and data["champion"] is not None and data["champion"].kind == "student":
        raise ValidationError({"champion": "A champion is a member of staff, not a student."})
    if "owner" in data and data["owner"] is not None and not data["owner"].is_active:
        raise ValidationError({"owner": f"{data['owner']} can no longer sign in."})
    return data


def _check_sites(actor, before: set, after: set) -> None:
    from homeroom.core.models import Site

    for site in Site.objects.filter(pk__in=before ^ after).order_by("name"):
        require_site_access(actor, site)


@transaction.atomic
def tool_create(
    *,
    actor,
    name: str,
    category: str,
    sites=(),
    all_schools: bool = False,
    **data,
) -> Tool:
    """Add a tool to the catalog. It starts without a decision."""
    _require(actor, "software.add_tool", "Your role does not add tools to the catalog.")
    if all_schools:
        _require_every_site(actor, "Only someone who works at every school marks a tool so.")
    sites = list(sites)
    _check_sites(actor, set(), {site.pk for site in sites})
    data = _clean({"name": name, **data})
    tool = Tool(category=category, all_schools=all_schools, **data)
    tool.full_clean()
    tool.save()
    tool.sites.set(sites)
    audit.record(
        actor=actor,
        obj=tool,
        verb=AuditVerb.CREATED,
        changes={
            "name": [None, tool.name],
            "vendor": [None, tool.vendor],
            "category": [None, tool.category],
            "sites": [None, sorted(site.name for site in sites)],
        },
        message=f"Added {tool.name} to the catalog",
    )
    return tool


@transaction.atomic
def tool_update(*, actor, tool: Tool, sites=None, **data) -> Tool:
    """Change a tool's details. Only the fields given change; `sites` replaces the schools
    that use it."""
    _require(actor, "software.change_tool", "Your role does not change the catalog.")
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    for field in ("decision", "conditions", "created_at", "id", "pk"):
        if field in data:
            raise ValidationError({field: "This is not changed here."})
    if "all_schools" in data and bool(data["all_schools"]) != tool.all_schools:
        _require_every_site(actor, "Only someone who works at every school changes this.")
    data = _clean(data)
    changes = audit.apply_changes(tool, data)
    if sites is not None:
        before = set(tool.sites.values_list("pk", flat=True))
        after = {site.pk for site in sites}
        if before != after:
            _check_sites(actor, before, after)
            changes["sites"] = [sorted(before), sorted(after)]
    if not changes:
        return tool
    tool.updated_at = timezone.now()
    tool.full_clean()
    tool.save()
    if sites is not None:
        tool.sites.set(list(sites))
    audit.record(actor=actor, obj=tool, verb=AuditVerb.UPDATED, changes=changes)
    return tool


def cost_of(value) -> Decimal:
    try:
        cost = Decimal(str(value if value not in (None, "") else "0").strip())
    except (InvalidOperation, TypeError):
        raise ValidationError({"cost": "Enter a cost such as 1200 or 4.50."}) from None
    if not cost.is_finite() or cost < 0 or cost > MAX_COST:
        raise ValidationError({"cost": f"A cost is between 0 and {MAX_COST}."})
    return cost.quantize(Decimal("0.01"))


@transaction.atomic
def licence_add(
    *,
    actor,
    tool: Tool,
    site=None,
    seats: int | None = None,
    cost=Decimal("0.00"),
    renews_on: datetime.date | None = None,
    paid_by: str = PaidBy.DISTRICT,
    note: str = "",
) -> Licence:
    """Record a licence of a tool: a school's, or with no site the district's."""
    _require(actor, "software.add_licence", "Your role does not record licences.")
    if site is None:
        _require_every_site(actor, "A district licence is for someone who works at every site.")
    else:
        require_site_access(actor, site)
    if seats is not None and seats < 1:
        raise ValidationError({"seats": "Give at least one seat, or leave it empty."})
    licence = Licence(
        tool=tool,
        site=site,
        seats=seats,
        cost=cost_of(cost),
        renews_on=renews_on,
        paid_by=paid_by,
        note=(note or "").strip(),
    )
    licence.full_clean()
    licence.save()
    audit.record(
        actor=actor,
        obj=tool,
        verb=AuditVerb.UPDATED,
        site=site,
        changes={
            "licence": [
                None,
                {
                    "site": site.name if site else "district",
                    "seats": seats,
                    "cost": str(licence.cost),
                    "renews_on": audit.as_json(renews_on),
                    "paid_by": paid_by,
                },
            ]
        },
        message=f"Added a licence: {licence}",
    )
    return licence


@transaction.atomic
def licence_remove(*, actor, licence: Licence) -> None:
    _require(actor, "software.delete_licence", "Your role does not remove licences.")
    if licence.site_id is None:
        _require_every_site(actor, "A district licence is for someone who works at every site.")
    else:
        require_site_access(actor, licence.site)
    tool = licence.tool
    audit.record(
        actor=actor,
        obj=tool,
        verb=AuditVerb.UPDATED,
        site=licence.site,
        changes={"licence": [str(licence), None]},
        message=f"Removed a licence: {licence}",
    )
    licence.delete()
