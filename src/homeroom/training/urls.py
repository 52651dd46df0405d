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
    path("training/sessions/<int:pk>/sign-in-sheet.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path("training/sessions/<int:pk>/calendar.ics", views.calendar_file, name="calendar"),
    path("training/sessions/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("training/certificates/<int:pk>.pdf", views.certificate, name="certificate"),
    path("training/hours.csv", views.hours_export, name="hours_export"),
    path("training/reports/", views.reports, name="reports"),
    path("training/sessions/<int:pk>/guides/", views.session_guides, name="session_guides"),
    path("training/coaching/", views.coaching_list, name="coaching_list"),
    path("training/coaching/new/", views.coaching_new, name="coaching_new"),
    path("training/coaching/<int:pk>/", views.coaching_detail, name="coaching_detail"),
    path("training/coaching/<int:pk>/status/", views.coaching_status, name="coaching_status"),
    path("training/coaching/<int:pk>/schedule/", views.coaching_schedule, name="coaching_schedule"),
    path("training/coaching/<int:pk>/log/", views.coaching_log, name="coaching_log"),
    path(
        "training/coaching/follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"
    ),
]
