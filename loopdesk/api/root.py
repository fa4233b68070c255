"""API v1: one NinjaAPI, routers per area, one error format. OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape
from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger

from loopdesk.api import complaints, deadlines, errors, meta, public, records, workflow
from loopdesk.api.auth import AUTH
from loopdesk.api.render import Renderer
from loopdesk.core.errors import NotFound
from loopdesk.notifications.api import router as inbox_router

# Swagger UI as shipped inside the django-ninja package: the docs page never loads code from a CDN
# (ninja falls back to jsDelivr unless "ninja" is an installed app with collected static files).
_ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
_PAGE = """<!DOCTYPE html>
<html>
<head>
    <meta charset="utf-8">
    <link type="text/css" rel="stylesheet" href="{css}">
    <link rel="icon" href="{icon}" type="image/png">
    <title>{title}</title>
</head>
<body data-csrf-token="{csrf}" data-api-csrf="{api_csrf}">
    <script type="application/json" id="swagger-settings">{settings}</script>
    <div id="swagger-ui"></div>
    <script src="{bundle}"></script>
    <script src="{init}"></script>
</body>
</html>
"""


class LocalSwagger(Swagger):
    """Swagger UI whose scripts and styles come from this API (see `docs_asset`)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        asset = {name: reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name}) for name in _ASSETS}
        csrf = any(getattr(a, "csrf", False) for a in AUTH)
        html = _PAGE.format(
            css=asset["swagger-ui.css"], icon=asset["favicon.png"], bundle=asset["swagger-ui-bundle.js"],
            init=asset["swagger-ui-init.js"], title=escape(api.title),
            csrf=get_token(request) if csrf else "", api_csrf="true" if csrf else "",
            settings=json.dumps(settings).replace("<", "\\u003c"),
        )
        return HttpResponse(html)


api = NinjaAPI(
    title="Loopdesk API", version="1.0.0", urls_namespace="api", auth=AUTH, docs_url="/docs", docs=LocalSwagger(),
    renderer=Renderer(),
    description="Complaint intake, handling, closure and records. Authenticate with `Authorization: Bearer <token>` "
                "(POST /api/v1/auth/token) or the web session. Errors are JSON in the Accept-Language language.",
)
errors.install(api)

docs_assets = Router()


@docs_assets.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs-asset")
def docs_asset(request, name: str):
    if name not in _ASSETS:
        raise NotFound()
    response = FileResponse(open(_ASSET_DIR / name, "rb"), content_type=_ASSETS[name])  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response


api.add_router("", meta.public)
api.add_router("", complaints.router)
api.add_router("", workflow.router)
api.add_router("", deadlines.router)
api.add_router("", inbox_router)
api.add_router("", records.router)
api.add_router("", "loopdesk.knowledge.api.router")
api.add_router("", "loopdesk.improvement.api.router")
api.add_router("", "loopdesk.reports.api.router")
api.add_router("", "loopdesk.monitoring.api.router")
api.add_router("", meta.router)
api.add_router("", public.router)
api.add_router("", docs_assets)
