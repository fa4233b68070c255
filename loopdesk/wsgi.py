import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopdesk.settings")
application = get_wsgi_application()

# Django imports the URLconf (every view, the API's schemas, the Excel library) on the first request,
# which then took over a second in each new worker while requests queued behind it. Import it while
# the worker boots, before it accepts connections.
get_resolver().url_patterns  # noqa: B018 - the access is the import
