from django.contrib import admin
from django.urls import include, path

from homeroom import api
from homeroom.people import views as account_views

urlpatterns = [
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/password/reset/", account_views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        account_views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        account_views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls()),
    path("", include("homeroom.people.urls")),
    path("", include("homeroom.devices.urls")),
    path("", include("homeroom.helpdesk.urls")),
    path("", include("homeroom.repairs.urls")),
    path("", include("homeroom.fees.urls")),
    path("", include("homeroom.reports.urls")),
    path("", include("homeroom.training.urls")),
    path("", include("homeroom.testday.urls")),
    path("", include("homeroom.library.urls")),
    path("", include("homeroom.classrooms.urls")),
    path("", include("homeroom.software.urls")),
    path("", include("homeroom.core.urls")),
]

handler403 = "homeroom.core.errors.forbidden"
handler404 = "homeroom.core.errors.not_found"
handler500 = "homeroom.core.errors.server_error"
