from django.urls import include, path

from homeroom.devices import views

app_name = "devices"

urlpatterns = [
    path("devices/", views.device_list, name="device_list"),
    path("devices/fleet/", views.fleet, name="fleet"),
    path("devices/labels/", views.device_labels, name="device_labels"),
    path("devices/scan/", views.scan_station, name="scan_station"),
    path("devices/scan/undo/", views.scan_undo, name="scan_undo"),
    path("devices/imports/", include("homeroom.devices.importers.urls")),
    path("devices/<int:pk>/", views.device_detail, name="device_detail"),
]
