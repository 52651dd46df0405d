from django.db.models import Q, QuerySet

from homeroom.core.import_services import import_runs_for
from homeroom.core.models import ImportRun
from homeroom.core.selectors import sites_for
from homeroom.devices.models import ImportValueMapping

# The import formats of device files (devices.importers.formats).
DEVICE_KINDS = ("google-devices", "snipeit-assets", "devices-csv")


def device_imports_for(user) -> QuerySet[ImportRun]:
    """The import runs of device files the user may see: every one for those who work at
    every site; for others, those they made and those whose new devices go to their sites."""
    return import_runs_for(user, kind=list(DEVICE_KINDS))


def value_mappings_for(user) -> QuerySet[ImportValueMapping]:
    """The saved mappings of org units, locations and categories: every one for those who
    work at every site; for others, those to their sites and those of categories."""
    if not user.has_perm("devices.view_deviceimport"):
        return ImportValueMapping.objects.none()
    mappings = ImportValueMapping.objects.select_related("site", "room", "updated_by")
    if user.sees_all_sites:
        return mappings
    return mappings.filter(Q(site__isnull=True) | Q(site__in=sites_for(user).values("pk")))
