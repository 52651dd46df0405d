from django.urls import path

from homeroom.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/helpdesk/", views.helpdesk_metrics, name="helpdesk_metrics"),
    path("reports/helpdesk/refresh/", views.helpdesk_refresh, name="helpdesk_refresh"),
]
