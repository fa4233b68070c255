from django.urls import path

from loopdesk.web.views import act, auth, complaint, export, home, intake, lists

app_name = "web"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", home.home, name="home"),
    path("complaints", lists.complaint_list, name="complaints"),
    path("complaints/export.xlsx", export.export_xlsx, name="export"),
    path("complaints/bulk-assign", lists.bulk_assign, name="bulk_assign"),
    path("complaints/views", lists.save_view, name="save_view"),
    path("complaints/views/<int:view_id>/delete", lists.delete_view, name="delete_view"),
    path("complaints/new", intake.intake, name="intake"),
    path("complaints/new/customers", intake.customers, name="intake_customers"),
    path("complaints/new/suggest", intake.suggestions, name="intake_suggest"),
    path("complaints/new/checks", intake.checks, name="intake_checks"),
    path("complaints/<str:number>", complaint.complaint_page, name="complaint"),
    path("complaints/<str:number>/contact", complaint.reveal_contact, name="reveal_contact"),
    path("complaints/<str:number>/subtasks/<int:subtask_id>/complete", act.act, {"action": "complete_subtask"},
         name="complete_subtask"),
    path("complaints/<str:number>/<slug:action>", act.act, name="act"),
]
