from django.urls import include, path

from homeroom.devices import views

app_name = "devices"

urlpatterns = [
    path("devices/", views.device_list, name="device_list"),
    path("devices/fleet/", views.fleet, name="fleet"),
    path("devices/labels/", views.device_labels, name="device_labels"),
    path("devices/scan/", views.scan_station, name="scan_station"),
    path("devices/scan/undo/", views.scan_undo, name="scan_undo"),
    path("devices/scan/charge/", views.scan_charge, name="scan_charge"),
    path("devices/new/", views.device_create, name="device_create"),
    path("devices/models/new/", views.device_model_create, name="device_model_create"),
    path("devices/bulk/", views.device_bulk, name="device_bulk"),
    path("devices/imports/", include("homeroom.devices.importers.urls")),
    path("devices/<int:pk>/", views.device_detail, name="device_detail"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device_edit"),
    path("devices/<int:pk>/delete/", views.device_delete, name="device_delete"),
    path("devices/<int:pk>/slots/", views.cart_slots, name="cart_slots"),
    path(
        "devices/acceptable-use/<int:person_id>/",
        views.acceptable_use_record,
        name="acceptable_use_record",
    ),
]
