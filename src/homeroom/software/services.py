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
from homeroom.core.exceptions import Conflict
from homeroom.core.services import require_site_access
from homeroom.software import mail, selectors
from homeroom.software.choices import (
    DECIDED,
    OPEN_REQUESTS,
    REQUEST_TRANSITIONS,
    REVIEW_TRANSITIONS,
    USABLE,
    DataElement,
    Decision,
    GradeBand,
    PaidBy,
    Platform,
    RequestStatus,
    ReviewStatus,
    Rostering,
    SignIn,
)
from homeroom.software.models import (
    MAX_COST,
    Licence,
    Review,
    SoftwareSettings,
    Tool,
    ToolRequest,
)

# Decisions a teacher's request ends at: the district has said yes or no.
DECIDED_TOOLS = {Decision.APPROVED, Decision.CONDITIONS, Decision.DENIED}

TEXT_FIELDS = ("name", "vendor", "website", "description", "subjects", "sign_in_help")
LIST_FIELDS = {
    "grade_bands": GradeBand,
    "sign_in": SignIn,
    "rostering": Rostering,
    "platforms": Platform,
}


def _who(actor):
    return actor if actor is not None and actor.is_authenticated else None


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


# Privacy and AI reviews.

REVIEW_ANSWERS = (
    "terms_version",
    "terms_url",
    "data_elements",
    "agreement",
    "agreement_url",
    "agreement_signed_on",
    "agreement_expires_on",
    "under_13",
    "consent",
    "third_party_consent",
    "retention_policy",
    "ferpa_school_official",
    "sells_data",
    "targeted_ads",
    "third_party_sharing",
    "deletion_on_request",
    "breach_notification",
    "generative_ai",
    "trains_on_student_data",
    "human_review",
    "minimum_age",
    "content_filtering",
    "ai_opt_out",
    "model_source",
    "vpat",
    "wcag",
    "sso",
    "mfa",
    "encryption",
    "notes",
)
# Days before an agreement expires that its owner is mailed: the first, then the last call.
REMINDERS = (60, 14)


def _require_reviewer(actor, tool: Tool) -> None:
    _require(actor, "software.change_review", "Your role does not review tools.")
    if actor is not None and not selectors.can_review(actor, tool):
        raise PermissionDenied(
            f"{tool} is used at schools you do not work at; someone who works at all of "
            "them reviews it."
        )


def _lock_review(review: Review) -> Review:
    locked = Review.objects.select_for_update().filter(pk=review.pk).first()
    if locked is None:
        raise Conflict("That review no longer exists.")
    return locked


@transaction.atomic
def review_start(*, actor, tool: Tool, terms_version: str, terms_url: str = "") -> Review:
    """Start reviewing a version of a tool's terms. The answers of the tool's last review
    are carried over to check again; the tool's open requests move to "in review"."""
    _require_reviewer(actor, tool)
    if tool.reviews.filter(status=ReviewStatus.IN_PROGRESS).exists():
        raise Conflict(f"{tool} already has a review in progress.")
    last = tool.reviews.order_by("-created_at", "-pk").first()
    carried = {}
    if last is not None:
        carried = {field: getattr(last, field) for field in REVIEW_ANSWERS}
    carried.update(terms_version=(terms_version or "").strip(), terms_url=(terms_url or "").strip())
    if not carried["terms_version"]:
        raise ValidationError({"terms_version": "Say which terms you are reading."})
    review = Review(tool=tool, started_by=_who(actor), **carried)
    review.full_clean()
    review.save()
    audit.record(
        actor=actor,
        obj=review,
        verb=AuditVerb.CREATED,
        changes={"terms_version": [None, review.terms_version]},
        message=f"Started reviewing {tool}",
    )
    for waiting in tool.requests.filter(status=RequestStatus.NEW):
        _request_move(actor, waiting, RequestStatus.IN_REVIEW)
    return review


@transaction.atomic
def review_update(*, actor, review: Review, **answers) -> Review:
    """Save answers of a review in progress (only the ones given)."""
    review = _lock_review(review)
    _require_reviewer(actor, review.tool)
    if review.status != ReviewStatus.IN_PROGRESS:
        raise Conflict("A decided review is kept as it was; start a new review to change it.")
    unknown = set(answers) - set(REVIEW_ANSWERS)
    if unknown:
        raise ValidationError({field: "This is not an answer of the review." for field in unknown})
    for field in ("terms_version", "terms_url", "agreement_url", "notes"):
        if field in answers:
            answers[field] = (answers[field] or "").strip()
    if "data_elements" in answers:
        answers["data_elements"] = _ordered(answers["data_elements"], DataElement)
    changes = audit.apply_changes(review, answers)
    if changes:
        review.full_clean()
        review.save()
        audit.record(actor=actor, obj=review, verb=AuditVerb.UPDATED, changes=changes)
    return review


@transaction.atomic
def review_decide(
    *,
    actor,
    review: Review,
    status: str,
    conditions: str = "",
    reasons: str = "",
    rereview_on: datetime.date | None = None,
) -> Review:
    """Decide a review: approved, approved with conditions (which must be said) or denied
    (with the reasons). The tool takes the decision; its open requests are decided and
    each teacher who asked gets an email."""
    review = _lock_review(review)
    tool = Tool.objects.select_for_update().get(pk=review.tool_id)
    _require_reviewer(actor, tool)
    if status not in DECIDED:
        raise ValidationError({"status": "Choose approved, approved with conditions or denied."})
    if status not in REVIEW_TRANSITIONS[review.status]:
        raise Conflict(f"This review is already {review.get_status_display().lower()}.")
    conditions, reasons = (conditions or "").strip(), (reasons or "").strip()
    if status == ReviewStatus.CONDITIONS and not conditions:
        raise ValidationError({"conditions": "Say the conditions, e.g. “staff only”."})
    if status == ReviewStatus.DENIED and not reasons:
        raise ValidationError({"reasons": "Say why, for the teachers who asked."})
    if status != ReviewStatus.CONDITIONS:
        conditions = ""
    today = timezone.localdate()
    if rereview_on is not None and rereview_on <= today:
        raise ValidationError({"rereview_on": "The date to look again must be in the future."})
    before = review.status
    review.status, review.conditions, review.reasons = status, conditions, reasons
    review.reviewer, review.decided_on, review.rereview_on = _who(actor), today, rereview_on
    review.full_clean()
    review.save()
    audit.record(
        actor=actor,
        obj=review,
        verb=AuditVerb.STATUS_CHANGED,
        changes={
            "status": [before, status],
            "conditions": [None, conditions],
            "reasons": [None, reasons],
            "rereview_on": [None, audit.as_json(rereview_on)],
        },
        message=f"{tool}: {review.get_status_display().lower()}",
    )
    _tool_takes(actor, tool, status, conditions)
    for waiting in tool.requests.filter(status__in=OPEN_REQUESTS).select_related("requested_by"):
        _request_move(actor, waiting, RequestStatus.DECIDED, mail_tool=tool)
    return review


def _tool_takes(actor, tool: Tool, decision: str, conditions: str) -> None:
    changes = audit.apply_changes(tool, {"decision": decision, "conditions": conditions})
    if changes:
        tool.updated_at = timezone.now()
        tool.save(update_fields=["decision", "conditions", "updated_at"])
        audit.record(actor=actor, obj=tool, verb=AuditVerb.STATUS_CHANGED, changes=changes)


def reviews_sweep(today: datetime.date | None = None) -> str:
    """Mail each approved tool's owner 60 and 14 days before its agreement expires, and
    mark the approval expired once the agreement has. Running it twice sends nothing twice."""
    today = today or timezone.localdate()
    reminded = expired = 0
    live = Review.objects.filter(
        status__in=[ReviewStatus.APPROVED, ReviewStatus.CONDITIONS],
        agreement_expires_on__isnull=False,
    )
    for step, days in enumerate(REMINDERS, start=1):
        due = live.filter(
            agreement_expires_on__gte=today,
            agreement_expires_on__lte=today + datetime.timedelta(days=days),
            reminders_sent__lt=step,
        )
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                review = (
                    Review.objects.select_for_update(of=("self",))
                    .select_related("tool", "tool__owner", "reviewer")
                    .filter(pk=pk, reminders_sent__lt=step)
                    .first()
                )
                if review is None:
                    continue
                review.reminders_sent = step
                review.save(update_fields=["reminders_sent"])
                left = (review.agreement_expires_on - today).days
                transaction.on_commit(lambda r=review, n=left: mail.agreement_expiring(r, n))
                reminded += 1
    for pk in list(live.filter(agreement_expires_on__lt=today).values_list("pk", flat=True)):
        with transaction.atomic():
            review = _lock_review(Review(pk=pk))
            if review.status not in (ReviewStatus.APPROVED, ReviewStatus.CONDITIONS):
                continue
            before = review.status
            review.status = ReviewStatus.EXPIRED
            review.save(update_fields=["status"])
            audit.record(
                actor=None,
                obj=review,
                verb=AuditVerb.STATUS_CHANGED,
                changes={"status": [before, ReviewStatus.EXPIRED]},
                message=f"The agreement expired on {review.agreement_expires_on:%d %b %Y}",
            )
            tool = Tool.objects.select_for_update().get(pk=review.tool_id)
            newest = tool.reviews.exclude(status=ReviewStatus.IN_PROGRESS).first()
            if newest is not None and newest.pk == review.pk:
                _tool_takes(None, tool, Decision.EXPIRED, tool.conditions)
            expired += 1
    return f"{reminded} agreement reminders, {expired} approvals expired"


# Teachers' requests.


def decided_tool(name: str) -> Tool | None:
    """The catalog's tool of that name when the district has decided on it."""
    name = (name or "").strip()
    if not name:
        return None
    return Tool.objects.filter(name__iexact=name, decision__in=DECIDED_TOOLS).first()


def _decision_text(tool: Tool) -> str:
    text = f"{tool.name} is already {tool.get_decision_display().lower()}"
    if tool.conditions:
        text += f" ({tool.conditions})"
    if tool.decision in USABLE:
        return text + ": you may use it now, no request needed."
    return text + ": please choose an approved tool instead."


@transaction.atomic
def request_create(
    *,
    actor,
    purpose: str,
    students: int,
    tool: Tool | None = None,
    tool_name: str = "",
    website: str = "",
    classes: str = "",
    site=None,
) -> ToolRequest:
    """Ask for a tool. A tool the district has already approved or denied is not asked
    for again: the refusal says the decision."""
    _require(actor, "software.add_toolrequest", "Your role does not ask for tools.")
    if tool is None:
        tool = Tool.objects.filter(name__iexact=(tool_name or "").strip()).first()
    if tool is not None:
        tool_name = tool.name
        if tool.decision in DECIDED_TOOLS:
            raise ValidationError({"tool_name": _decision_text(tool)})
    if site is None:
        site = selectors.home_site(actor)
    if site is None:
        raise ValidationError({"site": "Choose the school the tool is for."})
    require_site_access(actor, site)
    if students is None or students < 1:
        raise ValidationError({"students": "Say how many students would use it."})
    same = ToolRequest.objects.filter(
        requested_by=actor, status__in=OPEN_REQUESTS, tool_name__iexact=(tool_name or "").strip()
    )
    if actor is not None and same.exists():
        raise ValidationError({"tool_name": "You have already asked for this tool."})
    made = ToolRequest(
        tool=tool,
        tool_name=(tool_name or "").strip(),
        website=(website or "").strip(),
        purpose=(purpose or "").strip(),
        classes=(classes or "").strip(),
        students=students,
        site=site,
        requested_by=actor,
    )
    if tool is not None and tool.reviews.filter(status=ReviewStatus.IN_PROGRESS).exists():
        made.status = RequestStatus.IN_REVIEW
    made.full_clean()
    made.save()
    audit.record(
        actor=actor,
        obj=made,
        verb=AuditVerb.CREATED,
        site=site,
        changes={"tool_name": [None, made.tool_name], "students": [None, students]},
        message=f"Asked for {made.tool_name}",
    )
    return made


def _request_move(actor, tool_request: ToolRequest, status: str, note: str = "", mail_tool=None):
    before = tool_request.status
    if status not in REQUEST_TRANSITIONS[before]:
        raise Conflict(
            f"A request that is {tool_request.get_status_display().lower()} cannot become "
            f"{RequestStatus(status).label.lower()}."
        )
    tool_request.status = status
    if note:
        tool_request.status_note = note[:300]
    now = timezone.now()
    tool_request.updated_at = now
    if status == RequestStatus.DECIDED:
        tool_request.decided_at = now
        tool = mail_tool or tool_request.tool
        transaction.on_commit(lambda: mail.request_decided(tool_request, tool))
    tool_request.save()
    audit.record(
        actor=actor,
        obj=tool_request,
        verb=AuditVerb.STATUS_CHANGED,
        site=tool_request.site,
        changes={"status": [before, status]},
        message=note[:300],
    )


@transaction.atomic
def request_set_status(*, actor, tool_request: ToolRequest, status: str, note: str = ""):
    """Move a request along (in review, waiting on the vendor, decided); the teacher who
    asked may withdraw it. Deciding it mails the teacher."""
    tool_request = ToolRequest.objects.select_for_update().get(pk=tool_request.pk)
    own = actor is not None and tool_request.requested_by_id == actor.pk
    if status not in RequestStatus.values:
        raise ValidationError({"status": "Choose a status."})
    if not (own and status == RequestStatus.WITHDRAWN):
        _require(actor, "software.change_toolrequest", "Your role does not handle requests.")
        require_site_access(actor, tool_request.site)
    _request_move(actor, tool_request, status, (note or "").strip())
    return tool_request


@transaction.atomic
def request_to_catalog(*, actor, tool_request: ToolRequest, category: str) -> Tool:
    """Add a requested tool to the catalog (at the request's school), linking every open
    request for the same name to it."""
    if tool_request.tool_id is not None:
        return tool_request.tool
    require_site_access(actor, tool_request.site)
    tool = tool_create(
        actor=actor,
        name=tool_request.tool_name,
        category=category,
        website=tool_request.website,
        sites=[tool_request.site],
    )
    ToolRequest.objects.filter(tool__isnull=True, tool_name__iexact=tool_request.tool_name).update(
        tool=tool
    )
    return tool


@transaction.atomic
def settings_update(*, actor, public_list: bool, public_note: str = "") -> SoftwareSettings:
    _require(actor, "software.change_softwaresettings", "Only the district admin changes this.")
    current = SoftwareSettings.current()
    changes = audit.apply_changes(
        current, {"public_list": bool(public_list), "public_note": (public_note or "").strip()}
    )
    if changes:
        current.full_clean()
        current.save()
        audit.record(actor=actor, obj=current, verb=AuditVerb.UPDATED, changes=changes)
    return current


# The signed agreement's document.

AGREEMENT_MAX_BYTES = 10 * 1024 * 1024


def _check_pdf(upload) -> None:
    if upload.size > AGREEMENT_MAX_BYTES:
        raise ValidationError(
            {"document": f"The file is larger than {AGREEMENT_MAX_BYTES // (1024 * 1024)} MB."}
        )
    upload.seek(0)
    start = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in start[:1024] or not start.lstrip().startswith(b"%PDF-"):
        raise ValidationError({"document": "That is not a PDF file; upload the signed PDF."})


def _drop_file_later(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def review_attach_agreement(*, actor, review: Review, upload) -> Review:
    """Keep the signed agreement (a PDF of at most 10 MB) with the review, replacing the one
    kept before (deleted once this is saved)."""
    _require_reviewer(actor, review.tool)
    _check_pdf(upload)
    review = _lock_review(review)
    old = review.agreement_file.name
    review.agreement_file.save("agreement.pdf", upload, save=False)
    review.save(update_fields=["agreement_file"])
    _drop_file_later(review.agreement_file.storage, old)
    audit.record(
        actor=actor,
        obj=review,
        verb=AuditVerb.UPDATED,
        changes={"agreement_file": ["replaced" if old else None, f"{upload.size} bytes"]},
        message="Agreement document replaced" if old else "Agreement document uploaded",
    )
    return review


@transaction.atomic
def review_remove_agreement(*, actor, review: Review) -> Review:
    _require_reviewer(actor, review.tool)
    review = _lock_review(review)
    old = review.agreement_file.name
    if not old:
        raise Conflict("This review has no agreement document.")
    review.agreement_file = ""
    review.save(update_fields=["agreement_file"])
    _drop_file_later(Review._meta.get_field("agreement_file").storage, old)
    audit.record(
        actor=actor,
        obj=review,
        verb=AuditVerb.UPDATED,
        changes={"agreement_file": ["kept", None]},
        message="Agreement document removed",
    )
    return review
