from django.apps import apps
from django.urls import path

from loopdesk.web.config import (
    calendar,
    index,
    monitoring_rules,
    people,
    priority,
    routing,
    settings_pages,
    sla,
    taxonomy,
)

app_name = "config"

urlpatterns: list = [
    path("", index.index, name="index"),
    *taxonomy.section.urls(),
    *routing.section.urls(),
    *priority.section.urls(),
    *sla.section.urls(),
    *calendar.urlpatterns,
    *people.urlpatterns,
    *settings_pages.urlpatterns,
    *monitoring_rules.urlpatterns,
]

if apps.is_installed("loopdesk.notifications"):
    from loopdesk.web.config import webhooks

    urlpatterns += webhooks.section.urls()
