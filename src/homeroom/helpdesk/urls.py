from django.urls import path

from homeroom.helpdesk import views

app_name = "helpdesk"

urlpatterns = [
    path("help/", views.get_help, name="get_help"),
    path("help/fixed/", views.self_service_fixed, name="self_service_fixed"),
    path("help/new/", views.ticket_new, name="ticket_new"),
    path("help/mine/", views.my_tickets, name="my_tickets"),
    path("helpdesk/", views.queue, name="queue"),
    path("helpdesk/bulk/", views.queue_bulk, name="queue_bulk"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="ticket_status"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/update/", views.ticket_update, name="ticket_update"),
    path("tickets/<int:pk>/escalate/", views.ticket_escalate, name="ticket_escalate"),
    path("tickets/<int:pk>/watch/", views.ticket_watch, name="ticket_watch"),
    path("tickets/photos/<int:pk>/", views.attachment, name="attachment"),
    path("tickets/rate/<str:token>/<int:rating>/", views.rate, name="rate"),
    path("kb/", views.article_list, name="article_list"),
    path("kb/new/", views.article_new, name="article_new"),
    path("kb/<slug:slug>/", views.article_detail, name="article_detail"),
    path("kb/<slug:slug>/edit/", views.article_edit, name="article_edit"),
]
