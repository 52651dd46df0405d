from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from homeroom.core.admin import AuditedAdmin
from homeroom.people.models import ApiToken, User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Sites", {"fields": ("sites",)}))
    filter_horizontal = ("groups", "user_permissions", "sites")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False
