from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from homeroom.core.admin import AuditedAdmin
from homeroom.people import services
from homeroom.people.models import ApiToken, User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Sites", {"fields": ("sites",)}))
    filter_horizontal = ("groups", "user_permissions", "sites")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.tokens_revoke_all(
                actor=request.user, user=obj, reason="the account was turned off"
            )

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        before = account.password if account else None
        response = super().user_change_password(request, id, form_url)
        if account is not None:
            account.refresh_from_db(fields=["password"])
            if account.password != before:
                services.user_password_changed(
                    actor=request.user, user=account, how="Changed in the Django admin"
                )
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False
