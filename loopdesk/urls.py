from django.contrib import admin
from django.urls import include, path

from loopdesk.api.root import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("loopdesk.portal.urls")),
    path("config/", include("loopdesk.web.config.urls")),
    path("knowledge/", include("loopdesk.knowledge.urls")),
    path("improvement/", include("loopdesk.improvement.urls")),
    path("monitoring/", include("loopdesk.monitoring.urls")),
    path("", include("loopdesk.reports.urls")),
    path("", include("loopdesk.web.urls")),
]
