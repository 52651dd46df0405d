from django.db.models import Q, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.devices.models import DeviceImport, ImportValueMapping


def device_imports_for(user) -> QuerySet[DeviceImport]:
    """Every import for those who work at every site; for others, the imports they made and
    those whose new devices go to one of their sites."""
    if not user.has_perm("devices.view_deviceimport"):
        return DeviceImport.objects.none()
    imports = DeviceImport.objects.select_related("created_by", "site")
    if user.sees_all_sites:
        return imports
    return imports.filter(Q(created_by=user) | Q(site__in=sites_for(user).values("pk")))


def value_mappings_for(user) -> QuerySet[ImportValueMapping]:
    """The saved mappings of org units, locations and categories: every one for those who
    work at every site; for others, those to their sites and those of categories."""
    if not user.has_perm("devices.view_deviceimport"):
        return ImportValueMapping.objects.none()
    mappings = ImportValueMapping.objects.select_related("site", "room", "updated_by")
    if user.sees_all_sites:
        return mappings
    return mappings.filter(Q(site__isnull=True) | Q(site__in=sites_for(user).values("pk")))
