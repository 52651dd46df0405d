from django.urls import path

from homeroom.training import views

app_name = "training"

urlpatterns = [
    path("training/", views.catalog, name="catalog"),
    path("training/mine/", views.mine, name="mine"),
    path("training/sessions/new/", views.session_create, name="session_create"),
    path("training/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("training/sessions/<int:pk>/sign-up/", views.signup, name="signup"),
    path("training/sessions/<int:pk>/cancel-sign-up/", views.cancel_signup, name="cancel_signup"),
    path("training/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("training/sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("training/sessions/<int:pk>/attendance/scan/", views.attendance_scan, name="scan"),
]
