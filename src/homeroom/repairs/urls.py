from django.urls import path

from homeroom.repairs import views

app_name = "repairs"

urlpatterns = [
    path("repairs/", views.repair_list, name="repair_list"),
    path("repairs/new/", views.repair_open, name="repair_open"),
    path("repairs/<int:pk>/", views.repair_detail, name="repair_detail"),
    path("repairs/<int:pk>/details/", views.repair_edit, name="repair_edit"),
    path("repairs/<int:pk>/status/", views.repair_status, name="repair_status"),
    path("repairs/<int:pk>/checklist/", views.repair_checklist, name="repair_checklist"),
    path("repairs/<int:pk>/parts/", views.repair_add_part, name="repair_add_part"),
    path("repairs/<int:pk>/loaner/", views.repair_loaner, name="repair_loaner"),
    path("repairs/<int:pk>/charge/", views.repair_charge, name="repair_charge"),
    path("repairs/tickets/<int:ticket_id>/loaner/", views.ticket_loaner, name="ticket_loaner"),
    path("repairs/loaners/", views.loaner_list, name="loaner_list"),
    path("parts/", views.part_list, name="part_list"),
    path("parts/new/", views.part_new, name="part_new"),
    path("parts/<int:pk>/", views.part_detail, name="part_detail"),
    path("parts/<int:pk>/receive/", views.part_receive, name="part_receive"),
    path("parts/<int:pk>/adjust/", views.part_adjust, name="part_adjust"),
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/new/", views.vendor_new, name="vendor_new"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
]
