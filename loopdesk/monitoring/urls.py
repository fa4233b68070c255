from django.urls import path

from loopdesk.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("alerts", views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>", views.alert_page, name="alert"),
    path("alerts/<int:alert_id>/acknowledge", views.acknowledge, name="acknowledge"),
    path("checks", views.finding_list, name="findings"),
    path("checks/scan", views.scan_now, name="scan"),
    path("checks/<int:finding_id>", views.finding_page, name="finding"),
    path("checks/<int:finding_id>/correct", views.correct, name="correct"),
    path("checks/<int:finding_id>/dismiss", views.dismiss, name="dismiss"),
    path("review", views.review_page, name="review"),
]
