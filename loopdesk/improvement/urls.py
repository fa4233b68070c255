from django.urls import path

from loopdesk.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.problem_list, name="problems"),
    path("problems/new", views.problem_new, name="problem_new"),
    path("problems/<int:problem_id>", views.problem_page, name="problem"),
    path("problems/<int:problem_id>/edit", views.problem_edit, name="problem_edit"),
    path("problems/<int:problem_id>/link", views.problem_link, name="problem_link"),
    path("problems/<int:problem_id>/unlink/<str:number>", views.problem_unlink, name="problem_unlink"),
    path("problems/<int:problem_id>/analysis", views.problem_analysis, name="problem_analysis"),
    path("problems/<int:problem_id>/root-cause", views.problem_root_cause, name="problem_root_cause"),
    path("problems/<int:problem_id>/actions/new", views.problem_new_action, name="problem_new_action"),
    path("problems/<int:problem_id>/close", views.problem_close, name="problem_close"),
    path("problems/<int:problem_id>/reopen", views.problem_reopen, name="problem_reopen"),
    path("actions", views.action_list, name="actions"),
    path("actions/<int:action_id>", views.action_page, name="action"),
    path("actions/<int:action_id>/edit", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/start", views.action_start, name="action_start"),
    path("actions/<int:action_id>/complete", views.action_complete, name="action_complete"),
    path("actions/<int:action_id>/cancel", views.action_cancel, name="action_cancel"),
]
