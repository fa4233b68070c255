from django.urls import path, re_path

from loopdesk.portal import views

app_name = "portal"

urlpatterns: list = [
    path("", views.home, name="home"),
    path("new/", views.submit, name="submit"),
    path("new/done/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("track/<str:number>/", views.complaint, name="complaint"),
    path("survey/done/", views.survey_done, name="survey_done"),
    # With or without the trailing slash: the link is typed from SMS and email as often as clicked.
    re_path(r"^survey/(?P<token>[^/]+)/?$", views.survey, name="survey"),
]
