from django.urls import path

from homeroom.library import catalog_views, desk_views, views

app_name = "library"

urlpatterns = [
    path("library/titles/", views.title_list, name="title_list"),
    path("library/imports/", views.import_list, name="import_list"),
    path("library/titles/copies/", views.copies_bulk, name="copies_bulk"),
    path("library/titles/<int:pk>/", views.title_detail, name="title_detail"),
    path("library/titles/<int:pk>/edit/", views.title_edit, name="title_edit"),
    path("library/titles/<int:pk>/status/", views.title_status, name="title_status"),
    path("library/titles/<int:pk>/copies/new/", views.copy_create, name="copy_create"),
    path("library/copies/<int:pk>/", views.copy_detail, name="copy_detail"),
    path("library/copies/<int:pk>/edit/", views.copy_edit, name="copy_edit"),
    path("library/copies/<int:pk>/status/", views.copy_status, name="copy_status"),
    path("library/labels/", desk_views.copy_labels, name="copy_labels"),
    path("library/report/", desk_views.collection_report, name="collection_report"),
    path("library/cataloging/", desk_views.catalog_scan, name="catalog_scan"),
    path("library/settings/", desk_views.catalog_settings, name="catalog_settings"),
    path("library/find/", catalog_views.catalog, name="catalog"),
    path("library/find/<int:pk>/", catalog_views.catalog_title, name="catalog_title"),
]
