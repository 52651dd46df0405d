from django.urls import path

from homeroom.fees import views

app_name = "fees"

urlpatterns = [
    path("fees/", views.charge_list, name="charge_list"),
    path("fees/new/", views.charge_create, name="charge_create"),
    path("fees/<int:pk>/", views.charge_detail, name="charge_detail"),
    path("fees/<int:pk>/waive/", views.charge_waive, name="charge_waive"),
    path("fees/payments/new/", views.payment_record, name="payment_record"),
    path("fees/people/<int:person_id>/statement.pdf", views.person_statement, name="statement"),
    path("fees/mine/", views.my_fees, name="my_fees"),
    path("fees/mine/statement.pdf", views.my_statement, name="my_statement"),
    path("fees/schedule/", views.schedule, name="schedule"),
    path("fees/schedule/new/", views.reason_create, name="reason_create"),
    path("fees/schedule/<int:pk>/", views.reason_edit, name="reason_edit"),
    path("fees/policy/", views.policy_edit, name="policy"),
]
