"""Cataloging by scan: an ISBN finds the title the catalog holds (then a copy is added in
one step), or else the record is fetched over SRU (when a district admin has set a server)
or written from a short form; the new title and its first copy are saved together."""

import urllib.parse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.library import marc, services, sru
from homeroom.library.models import CatalogSettings, Copy, Library, Title


def isbn_of(raw: str) -> str:
    """The ISBN-13 of a scan (an ISBN-10 or -13, hyphens allowed); a clear error if it is
    not one."""
    text = " ".join(raw.split())[:40]
    if not text:
        raise ValidationError("Scan or type the book's ISBN.")
    number, valid = marc.normalise_isbn(text)
    if not valid:
        raise ValidationError(
            f"“{text}” is not an ISBN: check its digits (an ISBN has 10 or 13, the last a check "
            "digit). A copy's barcode goes in the second step."
        )
    return number


def title_by_isbn(titles, isbn: str) -> Title | None:
    """The catalog's title with this ISBN, among `titles` (what the user may see)."""
    return titles.filter(keys__key=f"isbn:{isbn}").order_by("pk").first()


def sru_configured() -> bool:
    return bool(CatalogSettings.current().sru_url)


def fetch_record(isbn: str):
    """The SRU server's record for `isbn`, None when it has none or no server is set.
    Raises sru.SruError when the server cannot be asked."""
    current = CatalogSettings.current()
    if not current.sru_url:
        return None
    return sru.fetch(current.sru_url, isbn, version=current.sru_version)


@transaction.atomic
def catalog_copy(
    *,
    actor,
    library: Library,
    barcode: str,
    call_number: str = "",
    title: Title | None = None,
    data: dict | None = None,
    record=None,
) -> Copy:
    """A copy of `title`, or of a new title catalogued from the short form's `data` or a
    fetched `record`, in `library`: both or neither are saved. The call number, when not
    given, is the one `services.suggested_call_number` finds."""
    if title is None:
        if record is not None:
            title = services.title_create(actor=actor, data={"record": record})
        elif data is not None:
            title = services.title_create(actor=actor, data=data)
        else:
            raise ValidationError("Choose the title the copy belongs to.")
    return services.copy_create(
        actor=actor,
        title=title,
        library=library,
        data={"barcode": barcode, "call_number": call_number},
    )


@transaction.atomic
def settings_update(*, actor, sru_url: str, sru_version: str) -> CatalogSettings:
    """Set or clear the SRU server copy cataloging asks; district admins only, audited."""
    if not actor.is_authenticated or not actor.has_perm("library.change_catalogsettings"):
        raise PermissionDenied("Only a district admin sets where catalog records come from.")
    sru_url = sru_url.strip()
    if sru_url and urllib.parse.urlsplit(sru_url).scheme not in ("http", "https"):
        raise ValidationError({"sru_url": "The address starts with http:// or https://."})
    current = CatalogSettings.objects.select_for_update().filter(pk=1).first()
    if current is None:
        current = CatalogSettings(pk=1)
    changes = audit.apply_changes(current, {"sru_url": sru_url, "sru_version": sru_version})
    if not changes:
        return current
    current.updated_at = timezone.now()
    current.full_clean()
    current.save()
    audit.record(actor=actor, obj=current, verb=AuditVerb.UPDATED, changes=changes)
    return current
