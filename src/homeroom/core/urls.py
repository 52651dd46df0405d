from django.urls import path

from homeroom.core import import_views, views

app_name = "core"

urlpatterns = [
    path("", views.today, name="today"),
    path("search/", views.search, name="search"),
    path("site/", views.switch_site, name="switch_site"),
    path("healthz", views.health, name="health"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/hours/", views.site_hours_edit, name="site_hours_edit"),
    path("calendar/", views.district_calendar, name="district_calendar"),
    path("calendar/hours/", views.district_hours_edit, name="district_hours_edit"),
    path("calendar/closed-days/new/", views.closed_day_create, name="closed_day_create"),
    path(
        "calendar/closed-days/<int:pk>/delete/", views.closed_day_delete, name="closed_day_delete"
    ),
    path("calendar/import/", views.closed_days_import, name="closed_days_import"),
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/new/", views.room_create, name="room_create"),
    path("rooms/<int:pk>/", views.room_detail, name="room_detail"),
    path("rooms/<int:pk>/edit/", views.room_edit, name="room_edit"),
    path("activity/", views.activity, name="activity"),
    path("imports/", import_views.import_run_list, name="import_run_list"),
    path("imports/<slug:kind>/new/", import_views.import_run_create, name="import_run_create"),
    path("imports/<slug:kind>/<int:run_id>/", import_views.import_run, name="import_run"),
    path(
        "imports/<slug:kind>/<int:run_id>/mapping/",
        import_views.import_run_mapping,
        name="import_run_mapping",
    ),
    path(
        "imports/<slug:kind>/<int:run_id>/apply/",
        import_views.import_run_apply,
        name="import_run_apply",
    ),
    path(
        "imports/<slug:kind>/<int:run_id>/check/",
        import_views.import_run_check_again,
        name="import_run_check_again",
    ),
    path(
        "imports/<slug:kind>/<int:run_id>/problems.csv",
        import_views.import_run_problems,
        name="import_run_problems",
    ),
]
