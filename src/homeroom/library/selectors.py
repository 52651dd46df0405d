"""Reads of the library: the catalog is the district's, so everyone who may search it sees
every title; copies and their changes are the librarians'."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from homeroom.core.models import AuditEvent
from homeroom.core.selectors import sites_for
from homeroom.library.choices import CopyStatus, TitleStatus
from homeroom.library.models import Copy, Library, Title

SEARCH = "library.search_catalog"
VIEW = "library.view_title"


def titles_for(user) -> QuerySet[Title]:
    """Titles in the catalog: librarians see withdrawn ones too."""
    if not user.is_authenticated:
        return Title.objects.none()
    if user.has_perm(VIEW):
        return Title.objects.all()
    if user.has_perm(SEARCH):
        return Title.objects.filter(status=TitleStatus.ACTIVE)
    return Title.objects.none()


def _copies_counted(copies) -> Subquery:
    counted = copies.filter(title=OuterRef("pk")).order_by().values("title")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def with_copy_counts(titles: QuerySet[Title]) -> QuerySet[Title]:
    """Each title's copies and those on the shelf, as subqueries, so counting the list for
    its pages stays a plain count."""
    return titles.annotate(
        copy_count=_copies_counted(Copy.objects.exclude(status=CopyStatus.WITHDRAWN)),
        available_count=_copies_counted(Copy.objects.filter(status=CopyStatus.AVAILABLE)),
    )


def copies_for(user) -> QuerySet[Copy]:
    if not user.is_authenticated or not user.has_perm("library.view_copy"):
        return Copy.objects.none()
    return Copy.objects.all()


def copies_of(user, title: Title) -> QuerySet[Copy]:
    """A title's copies, by library; those who only search see the ones not withdrawn."""
    copies = title.copies.select_related("library__site").order_by("library__name", "barcode")
    if user.has_perm("library.view_copy"):
        return copies
    return copies.exclude(status=CopyStatus.WITHDRAWN)


def libraries_for(user) -> QuerySet[Library]:
    """The libraries whose copies the user may change: those of their sites."""
    if not user.is_authenticated or not user.has_perm("library.change_copy"):
        return Library.objects.none()
    return Library.objects.filter(site__in=sites_for(user)).select_related("site")


def history(user, *objects) -> QuerySet[AuditEvent]:
    """The changes to a title or copy, for those who keep the catalog."""
    if not user.has_perm(VIEW) and not user.has_perm("core.view_auditevent"):
        return AuditEvent.objects.none()
    found = Q(pk__in=[])
    for obj in objects:
        found |= Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    return AuditEvent.objects.filter(found).order_by("-at", "-pk")


def catalog_copies(user) -> QuerySet[Copy]:
    """The copies the students' catalog shows to someone who may search it: where each is
    and whether it is on the shelf, never withdrawn ones, nothing about who has it."""
    if not user.is_authenticated or not user.has_perm(SEARCH):
        return Copy.objects.none()
    return Copy.objects.exclude(status=CopyStatus.WITHDRAWN)
