"""Help-desk settings the district admin keeps in the Django admin: the district setting
(student tickets, reminder and auto-close times, reopen window), SLA targets, the issue
tree and canned replies. Articles are edited on their own pages, which sanitize them."""

from django.contrib import admin

from homeroom.core.admin import AuditedAdmin
from homeroom.helpdesk.models import CannedResponse, HelpdeskSettings, IssueType, SlaTarget


@admin.register(HelpdeskSettings)
class HelpdeskSettingsAdmin(AuditedAdmin):
    list_display = [
        "__str__",
        "student_tickets",
        "remind_after_hours",
        "auto_close_after_hours",
        "reopen_window_days",
    ]

    def has_add_permission(self, request):
        return not HelpdeskSettings.objects.exists()


@admin.register(SlaTarget)
class SlaTargetAdmin(AuditedAdmin):
    list_display = ["priority", "response_minutes", "resolution_minutes"]


@admin.register(IssueType)
class IssueTypeAdmin(AuditedAdmin):
    list_display = ["__str__", "device_category", "default_impact", "default_urgency", "is_active"]
    list_filter = ["parent", "is_active"]


@admin.register(CannedResponse)
class CannedResponseAdmin(AuditedAdmin):
    list_display = ["title", "is_active"]
