"""Under /devices/imports/, in the devices namespace: the saved value mappings, and the old
addresses of device imports, which lead to core's import pages."""

from django.urls import path

from homeroom.devices.importers import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/", views.import_create, name="import_create"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/columns/", views.import_mapping, name="import_mapping"),
    path("<int:pk>/problems.csv", views.import_problems, name="import_problems"),
    path("<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("<int:pk>/check/", views.import_recheck, name="import_recheck"),
    path("<int:pk>/values/", views.import_map_values, name="import_map_values"),
    path("mappings/", views.value_mapping_list, name="value_mapping_list"),
    path("mappings/<int:pk>/", views.value_mapping_edit, name="value_mapping_edit"),
    path("mappings/<int:pk>/remove/", views.value_mapping_remove, name="value_mapping_remove"),
]
