from django.urls import path

from homeroom.software import views

app_name = "software"

urlpatterns = [
    path("apps/", views.catalog, name="catalog"),
    path("apps/mine/", views.my_apps, name="my_apps"),
    path("apps/tools/new/", views.tool_create, name="tool_create"),
    path("apps/tools/<int:pk>/", views.tool_detail, name="tool_detail"),
    path("apps/tools/<int:pk>/edit/", views.tool_edit, name="tool_edit"),
    path("apps/tools/<int:pk>/licences/", views.licence_add, name="licence_add"),
    path("apps/licences/<int:pk>/remove/", views.licence_remove, name="licence_remove"),
    path("apps/request/", views.request_start, name="request_start"),
    path("apps/requests/", views.request_list, name="request_list"),
    path("apps/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("apps/requests/<int:pk>/status/", views.request_status, name="request_status"),
    path("apps/requests/<int:pk>/to-catalog/", views.request_to_catalog, name="request_to_catalog"),
    path("apps/tools/<int:pk>/reviews/new/", views.review_start, name="review_start"),
    path("apps/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("apps/reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("apps/reviews/<int:pk>/agreement/", views.review_agreement, name="review_agreement"),
    path(
        "apps/reviews/<int:pk>/agreement/download/",
        views.review_agreement_download,
        name="review_agreement_download",
    ),
    path("apps/public/", views.public_list, name="public_list"),
    path("apps/settings/", views.settings_edit, name="settings"),
    path("apps/provisioning/", views.provisioning_page, name="provisioning"),
    path(
        "apps/provisioning/download/",
        views.provisioning_download,
        name="provisioning_download",
    ),
    path("apps/provisioning/start/", views.provisioning_start, name="provisioning_start"),
    path(
        "apps/provisioning/exports/<int:pk>/",
        views.provisioning_export,
        name="provisioning_export",
    ),
    path(
        "apps/provisioning/exports/<int:pk>/download/",
        views.provisioning_export_download,
        name="provisioning_export_download",
    ),
    path("apps/reports/", views.reports, name="reports"),
]
