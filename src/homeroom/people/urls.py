from django.urls import path

from homeroom.people import views

app_name = "people"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path(
        "users/<int:pk>/password-link/",
        views.user_send_password_link,
        name="user_send_password_link",
    ),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("classes/", views.class_list, name="class_list"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("roster/imports/", views.import_list, name="import_list"),
    path("roster/imports/new/", views.import_create, name="import_create"),
    path("roster/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("roster/imports/<int:pk>/problems.txt", views.import_errors, name="import_errors"),
    path("roster/imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("roster/imports/<int:pk>/check/", views.import_check_again, name="import_check_again"),
]
