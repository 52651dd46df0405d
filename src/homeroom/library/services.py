"""Writes of the library catalog. Each checks the actor's role and, for copies, that the
copy's library is at one of the actor's sites; each is audited."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.exceptions import Conflict
from homeroom.core.selectors import sites_for
from homeroom.library import marc
from homeroom.library.choices import COPY_TRANSITIONS, CopyStatus, TitleStatus
from homeroom.library.importer import TITLE_FIELDS, new_barcodes
from homeroom.library.models import Copy, Library, Title, TitleKey

MOST_AT_ONCE = 5000

COPY_FIELDS = [
    "location",
    "collection",
    "call_number",
    "copy_number",
    "price",
    "replacement_cost",
    "acquired_on",
    "funding_source",
    "vendor",
    "circulation_type",
]


def _require(actor, permission: str, what: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.has_perm(permission):
        raise PermissionDenied(f"Your role does not {what}.")


def _require_library(actor, library: Library) -> None:
    if not sites_for(actor).filter(pk=library.site_id).exists():
        raise PermissionDenied(f"You do not work at {library.site.name}, whose library this is.")


def _keys(title: Title) -> None:
    """Recognise the title by what its record says now."""
    fields = {name: getattr(title, name) for name in ("isbns", "lccn", "control_number")}
    fields["control_source"] = title.control_source
    fields["system_numbers"] = title.system_numbers
    keys = marc.title_keys(fields)
    title.keys.exclude(key__in=keys).delete()
    TitleKey.objects.bulk_create(
        [TitleKey(title=title, key=key) for key in keys], ignore_conflicts=True
    )


def _set_record(title: Title, record) -> dict:
    """Keep the record and the fields read from it in step; the changed fields."""
    fields = marc.extract(record)
    changes = audit.apply_changes(title, {name: fields[name] for name in TITLE_FIELDS})
    title.record, title.fingerprint = marc.serialised(record)
    return changes


@transaction.atomic
def title_create(*, actor, data: dict) -> Title:
    """A title catalogued by hand (or fetched by copy cataloging): `data` as
    `marc.written` takes it, or `record` (a pymarc Record) to keep whole."""
    _require(actor, "library.add_title", "add titles to the catalog")
    record = data.get("record") or marc.written(
        None, {**data, "today": timezone.localdate().strftime("%y%m%d")}
    )
    title = Title()
    _set_record(title, record)
    if not title.title:
        raise ValidationError({"title": "A title needs its title."})
    title.full_clean()
    title.save()
    _keys(title)
    audit.record(actor=actor, obj=title, verb=AuditVerb.CREATED, message="Catalogued")
    return title


@transaction.atomic
def title_update(*, actor, title: Title, data: dict) -> Title:
    """Change what the cataloging form edits: the record's fields are written from `data`
    and the title's fields read again from the record."""
    _require(actor, "library.change_title", "change the catalog")
    title = Title.objects.select_for_update().get(pk=title.pk)
    record = marc.record_from_json(title.record)
    changes = _set_record(title, marc.written(record, data))
    if not title.title:
        raise ValidationError({"title": "A title needs its title."})
    if not changes:
        return title
    title.updated_at = timezone.now()
    title.full_clean()
    title.save()
    _keys(title)
    audit.record(actor=actor, obj=title, verb=AuditVerb.UPDATED, changes=changes)
    return title


@transaction.atomic
def title_set_status(*, actor, title: Title, status: str) -> Title:
    """Withdraw a title (its copies are withdrawn too) or bring it back. Titles are never
    deleted: their copies and loans keep their history."""
    _require(actor, "library.change_title", "change the catalog")
    title = Title.objects.select_for_update().get(pk=title.pk)
    if status not in TitleStatus.values:
        raise ValidationError({"status": "Not a status of a title."})
    if title.status == status:
        return title
    if status == TitleStatus.WITHDRAWN:
        out = title.copies.filter(status=CopyStatus.CHECKED_OUT).count()
        if out:
            raise Conflict(
                f"{out} cop{'y is' if out == 1 else 'ies are'} checked out: check "
                f"{'it' if out == 1 else 'them'} in before withdrawing the title."
            )
        for copy in title.copies.exclude(status=CopyStatus.WITHDRAWN).select_related(
            "library__site"
        ):
            _require_library(actor, copy.library)
            _copy_status(actor, copy, CopyStatus.WITHDRAWN, note="The title was withdrawn")
    changes = audit.apply_changes(title, {"status": status})
    title.updated_at = timezone.now()
    title.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, obj=title, verb=AuditVerb.STATUS_CHANGED, changes=changes)
    return title


def suggested_call_number(title: Title) -> str:
    """For a new copy: the call number its title's other copies have, else the record's
    local call number, else its Dewey number."""
    found = (
        title.copies.exclude(call_number="")
        .values_list("call_number", flat=True)
        .order_by("-created_at")
        .first()
    )
    return found or title.call_number or title.dewey


@transaction.atomic
def copy_create(*, actor, title: Title, library: Library, data: dict) -> Copy:
    """A new copy of `title` in `library`; without a barcode in `data` it gets the next of
    the library's range."""
    _require(actor, "library.add_copy", "add copies")
    _require_library(actor, library)
    barcode = "".join((data.get("barcode") or "").split())
    if barcode and Copy.objects.filter(barcode=barcode).exists():
        other = Copy.objects.select_related("title").get(barcode=barcode)
        raise ValidationError({"barcode": f"{barcode} is already a copy of “{other.title.title}”."})
    if not barcode:
        barcode = next(new_barcodes(library, 1))
    copy = Copy(
        title=title,
        library=library,
        barcode=barcode,
        call_number=data.get("call_number") or suggested_call_number(title),
        **{
            name: data[name]
            for name in COPY_FIELDS
            if name != "call_number" and data.get(name) not in (None, "")
        },
    )
    if copy.replacement_cost is None:
        copy.replacement_cost = copy.price
    copy.full_clean()
    copy.save()
    audit.record(
        actor=actor,
        obj=copy,
        verb=AuditVerb.CREATED,
        site=library.site,
        message=f"Copy of {title.title}",
    )
    return copy


@transaction.atomic
def copy_update(*, actor, copy: Copy, data: dict) -> Copy:
    _require(actor, "library.change_copy", "change copies")
    copy = Copy.objects.select_for_update().select_related("library__site").get(pk=copy.pk)
    _require_library(actor, copy.library)
    changes = audit.apply_changes(copy, {name: data[name] for name in COPY_FIELDS if name in data})
    if not changes:
        return copy
    copy.updated_at = timezone.now()
    copy.full_clean()
    copy.save()
    audit.record(
        actor=actor, obj=copy, verb=AuditVerb.UPDATED, site=copy.library.site, changes=changes
    )
    return copy


def _copy_status(actor, copy: Copy, status: str, *, note: str = "") -> None:
    if status == copy.status:
        return
    if status not in COPY_TRANSITIONS.get(copy.status, set()):
        raise Conflict(
            f"Copy {copy.barcode} is {copy.get_status_display().lower()}; it cannot become "
            f"{CopyStatus(status).label.lower()} from there."
        )
    changes = audit.apply_changes(copy, {"status": status})
    copy.updated_at = timezone.now()
    copy.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        obj=copy,
        verb=AuditVerb.STATUS_CHANGED,
        site=copy.library.site,
        changes=changes,
        message=note,
    )


@transaction.atomic
def copy_set_status(*, actor, copy: Copy, status: str, note: str = "") -> Copy:
    """Move a copy along its lifecycle (`COPY_TRANSITIONS`)."""
    _require(actor, "library.change_copy", "change copies")
    copy = Copy.objects.select_for_update().select_related("library__site").get(pk=copy.pk)
    _require_library(actor, copy.library)
    if status not in CopyStatus.values:
        raise ValidationError({"status": "Not a status of a copy."})
    _copy_status(actor, copy, status, note=note)
    return copy


@transaction.atomic
def copies_bulk_change(*, actor, copies: Iterable[Copy], changes: dict) -> int:
    """Change the location, collection or status of many copies at once: all of them or,
    when one may not change, none. Returns how many changed."""
    _require(actor, "library.change_copy", "change copies")
    allowed = {"location", "collection", "status"}
    if not changes or set(changes) - allowed:
        raise ValidationError("Choose a new location, collection or status.")
    chosen = list(
        Copy.objects.select_for_update()
        .select_related("library__site", "title")
        .filter(pk__in=[copy.pk for copy in copies])
        .order_by("pk")
    )
    if len(chosen) > MOST_AT_ONCE:
        raise ValidationError(f"Change at most {MOST_AT_ONCE} copies at once.")
    mine = set(sites_for(actor).values_list("pk", flat=True))
    elsewhere = [copy.barcode for copy in chosen if copy.library.site_id not in mine]
    if elsewhere:
        raise PermissionDenied(
            f"{len(elsewhere)} of these copies belong to libraries of schools you do not work "
            f"at (e.g. {elsewhere[0]}); nothing was changed."
        )
    changed = 0
    for copy in chosen:
        before = (copy.location, copy.collection, copy.status)
        if "status" in changes:
            _copy_status(actor, copy, changes["status"])
        fields = {name: changes[name] for name in ("location", "collection") if name in changes}
        if fields:
            found = audit.apply_changes(copy, fields)
            if found:
                copy.updated_at = timezone.now()
                copy.full_clean()
                copy.save(update_fields=[*fields, "updated_at"])
                audit.record(
                    actor=actor,
                    obj=copy,
                    verb=AuditVerb.UPDATED,
                    site=copy.library.site,
                    changes=found,
                    message="Changed with other copies",
                )
        changed += before != (copy.location, copy.collection, copy.status)
    return changed
