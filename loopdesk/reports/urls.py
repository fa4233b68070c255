from django.urls import path

from loopdesk.reports import views

app_name = "reports"

urlpatterns = [
    path("reports", views.report, name="report"),
    path("reports/export.xlsx", views.export, name="export"),
]
