from django.urls import path

from homeroom.library import (
    catalog_views,
    circulation_views,
    class_set_views,
    desk_views,
    overdue_views,
    reader_views,
    report_views,
    stocktake_views,
    views,
)

app_name = "library"

urlpatterns = [
    path("library/titles/", views.title_list, name="title_list"),
    path("library/imports/", views.import_list, name="import_list"),
    path("library/titles/copies/", views.copies_bulk, name="copies_bulk"),
    path("library/titles/<int:pk>/", views.title_detail, name="title_detail"),
    path("library/titles/<int:pk>/edit/", views.title_edit, name="title_edit"),
    path("library/titles/<int:pk>/status/", views.title_status, name="title_status"),
    path("library/titles/<int:pk>/copies/new/", views.copy_create, name="copy_create"),
    path("library/copies/<int:pk>/", views.copy_detail, name="copy_detail"),
    path("library/copies/<int:pk>/edit/", views.copy_edit, name="copy_edit"),
    path("library/copies/<int:pk>/status/", views.copy_status, name="copy_status"),
    path("library/labels/", desk_views.copy_labels, name="copy_labels"),
    path("library/report/", desk_views.collection_report, name="collection_report"),
    path("library/cataloging/", desk_views.catalog_scan, name="catalog_scan"),
    path("library/settings/", desk_views.catalog_settings, name="catalog_settings"),
    path("library/find/", catalog_views.catalog, name="catalog"),
    path("library/find/<int:pk>/", catalog_views.catalog_title, name="catalog_title"),
    path("library/find/<int:pk>/hold/", reader_views.hold_place, name="hold_place"),
    path("library/desk/", circulation_views.desk, name="desk"),
    path("library/desk/renew/", circulation_views.desk_renew, name="desk_renew"),
    path("library/desk/damaged/", overdue_views.desk_damaged, name="desk_damaged"),
    path("library/overdue/", overdue_views.overdue_list, name="overdue_list"),
    path("library/overdue/export/", overdue_views.overdue_export, name="overdue_export"),
    path("library/holds/pull/", overdue_views.holds_to_pull, name="holds_to_pull"),
    path(
        "library/loans/<int:pk>/claim-returned/",
        circulation_views.loan_claim_returned,
        name="loan_claim_returned",
    ),
    path("library/loan-rules/", circulation_views.loan_rules, name="loan_rules"),
    path("library/loan-rules/new/", circulation_views.loan_rule_edit, name="loan_rule_create"),
    path(
        "library/loan-rules/<int:pk>/edit/", circulation_views.loan_rule_edit, name="loan_rule_edit"
    ),
    path("library/my-books/", reader_views.my_books, name="my_books"),
    path(
        "library/my-books/loans/<int:pk>/renew/", reader_views.my_loan_renew, name="my_loan_renew"
    ),
    path(
        "library/my-books/holds/<int:pk>/cancel/",
        reader_views.my_hold_cancel,
        name="my_hold_cancel",
    ),
    path("library/stocktakes/", stocktake_views.stocktake_list, name="stocktake_list"),
    path("library/stocktakes/start/", stocktake_views.stocktake_start, name="stocktake_start"),
    path("library/stocktakes/<int:pk>/", stocktake_views.stocktake_scan, name="stocktake"),
    path(
        "library/stocktakes/<int:pk>/close/",
        stocktake_views.stocktake_close,
        name="stocktake_close",
    ),
    path(
        "library/stocktakes/<int:pk>/mark-missing/",
        stocktake_views.stocktake_mark_missing,
        name="stocktake_mark_missing",
    ),
    path(
        "library/stocktakes/<int:pk>/report/",
        stocktake_views.stocktake_report,
        name="stocktake_report",
    ),
    path("library/class-sets/", class_set_views.class_set, name="class_set"),
    path("library/class-sets/lend/", class_set_views.class_set_apply, name="class_set_apply"),
    path(
        "library/report/circulation/",
        report_views.circulation_report,
        name="circulation_report",
    ),
]
