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
]
