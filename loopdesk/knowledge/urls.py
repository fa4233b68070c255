from django.urls import path

from loopdesk.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new", views.article_new, name="new"),
    path("<int:article_id>", views.article_page, name="article"),
    path("<int:article_id>/edit", views.article_edit, name="edit"),
    path("<int:article_id>/publish", views.article_publish, name="publish"),
    path("<int:article_id>/retire", views.article_retire, name="retire"),
    path("from/<str:number>", views.draft_from_complaint, name="draft_from"),
    path("<int:article_id>/use/<str:number>", views.use_on_complaint, name="use"),
]
