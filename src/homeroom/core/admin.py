from django.contrib import admin

from homeroom.core import audit
from homeroom.core.choices import AuditVerb
from homeroom.core.models import AuditEvent, DistrictSettings, Room, Site


def district_admins_only(request) -> bool:
    return request.user.is_active and request.user.is_district_admin


admin.site.site_header = "Homeroom administration"
admin.site.site_title = "Homeroom"
admin.site.site_url = "/"
admin.site.has_permission = district_admins_only


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the Django admin are audited like any other change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = {
            name: [None, audit.as_json(form.cleaned_data.get(name))] for name in form.changed_data
        }
        audit.record(
            actor=request.user,
            obj=obj,
            verb=AuditVerb.UPDATED if change else AuditVerb.CREATED,
            changes=fields,
            message="Changed in the Django admin",
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DistrictSettings)
class DistrictSettingsAdmin(AuditedAdmin):
    list_display = ["__str__", "name", "student_api_tokens"]

    def has_add_permission(self, request):
        return not DistrictSettings.objects.exists()


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ["name", "code", "type", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Room)
class RoomAdmin(AuditedAdmin):
    list_display = ["number", "name", "site", "kind", "is_active"]
    list_filter = ["site", "kind"]
    search_fields = ["number", "name"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "verb", "object_repr", "interface"]
    list_filter = ["interface", "verb"]
    search_fields = ["object_repr", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
