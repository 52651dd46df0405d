from django.urls import path

from homeroom.testday import views

app_name = "testday"

urlpatterns = [
    path("testday/", views.window_list, name="window_list"),
    path("testday/windows/new/", views.window_create, name="window_create"),
    path("testday/windows/<int:pk>/", views.window_detail, name="window_detail"),
    path("testday/windows/<int:pk>/edit/", views.window_edit, name="window_edit"),
    path("testday/windows/<int:pk>/readiness/", views.window_readiness, name="window_readiness"),
    path("testday/windows/<int:pk>/readiness.csv", views.readiness_export, name="readiness_export"),
    path(
        "testday/windows/<int:pk>/org-unit-moves.csv", views.org_unit_moves, name="org_unit_moves"
    ),
    path("testday/sessions/", views.session_list, name="session_list"),
    path("testday/sessions/new/", views.session_create, name="session_create"),
    path("testday/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("testday/sessions/<int:pk>/status/", views.session_status, name="session_status"),
    path("testday/sessions/<int:pk>/students/", views.session_students, name="session_students"),
    path("testday/sessions/<int:pk>/student/", views.session_student, name="session_student"),
    path("testday/sessions/<int:pk>/bind/", views.session_bind, name="session_bind"),
    path("testday/sessions/<int:pk>/cart/", views.session_cart, name="session_cart"),
    path("testday/board/", views.live_board, name="board"),
    path("testday/sessions/<int:pk>/incidents/new/", views.incident_new, name="incident_new"),
    path("testday/incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("testday/incidents/<int:pk>/resolve/", views.incident_resolve, name="incident_resolve"),
    path("testday/incidents/<int:pk>/escalate/", views.incident_escalate, name="incident_escalate"),
    path("testday/incidents/<int:pk>/report.pdf", views.incident_report, name="incident_report"),
    path(
        "testday/incidents/<int:pk>/report-filed/",
        views.incident_report_filed,
        name="incident_report_filed",
    ),
    path("testday/windows/<int:pk>/incidents.csv", views.window_incidents, name="window_incidents"),
    path("testday/sessions/<int:pk>/seating.pdf", views.seating_chart, name="seating_chart"),
    path("testday/sessions/<int:pk>/check/", views.session_check, name="session_check"),
    path("testday/windows/<int:pk>/tickets/", views.readiness_tickets, name="readiness_tickets"),
    path("testday/windows/<int:pk>/report/", views.window_report, name="window_report"),
    path("testday/platforms/", views.platform_list, name="platform_list"),
    path("testday/platforms/new/", views.platform_create, name="platform_create"),
    path("testday/platforms/<int:pk>/", views.platform_detail, name="platform_detail"),
    path("testday/platforms/<int:pk>/check-cache/", views.cache_check, name="cache_check"),
    path("testday/platforms/<int:pk>/edit/", views.platform_edit, name="platform_edit"),
]
