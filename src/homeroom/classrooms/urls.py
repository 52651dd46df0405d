from django.urls import path

from homeroom.classrooms import views

app_name = "classrooms"

urlpatterns = [
    path("classrooms/", views.resource_list, name="resource_list"),
    path("classrooms/day/", views.school_day, name="school_day"),
    path("classrooms/resources/new/", views.resource_create, name="resource_create"),
    path("classrooms/resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("classrooms/resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("classrooms/resources/<int:pk>/reserve/", views.reserve, name="reserve"),
    path("classrooms/bell-schedules/", views.schedule_list, name="schedule_list"),
    path("classrooms/bell-schedules/new/", views.schedule_create, name="schedule_create"),
    path("classrooms/bell-schedules/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("classrooms/reservations/", views.reservation_list, name="reservation_list"),
    path("classrooms/reservations/<int:pk>/", views.reservation_detail, name="reservation_detail"),
    path(
        "classrooms/reservations/<int:pk>/status/",
        views.reservation_status,
        name="reservation_status",
    ),
    path("classrooms/feed/", views.my_feed, name="my_feed"),
    path("classrooms/feeds/<str:token>.ics", views.person_feed, name="person_feed"),
    path("classrooms/resources/feeds/<str:token>.ics", views.resource_feed, name="resource_feed"),
    path("classrooms/av/", views.av_list, name="av_list"),
    path("classrooms/av/<int:device_pk>/", views.av_edit, name="av_edit"),
    path("classrooms/maintenance/", views.task_list, name="task_list"),
    path("classrooms/maintenance/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("classrooms/maintenance/plans/", views.plan_list, name="plan_list"),
    path("classrooms/maintenance/plans/new/", views.plan_create, name="plan_create"),
    path("classrooms/maintenance/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("classrooms/maintenance/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("classrooms/maintenance/plans/<int:pk>/pause/", views.plan_pause, name="plan_pause"),
    path("classrooms/inspections/", views.inspection_list, name="inspection_list"),
    path("classrooms/inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("classrooms/reports/", views.reports, name="reports"),
]
