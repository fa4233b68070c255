"""API v1: one NinjaAPI, routers per area, one error format. OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from loopdesk.api import complaints, errors, meta, public, records, workflow
from loopdesk.api.auth import AUTH

api = NinjaAPI(
    title="Loopdesk API", version="1.0.0", urls_namespace="api", auth=AUTH, docs_url="/docs",
    description="Complaint intake, handling, closure and records. Authenticate with `Authorization: Bearer <token>` "
                "(POST /api/v1/auth/token) or the web session. Errors are JSON in the Accept-Language language.",
)
errors.install(api)
api.add_router("", meta.public)
api.add_router("", complaints.router)
api.add_router("", workflow.router)
api.add_router("", records.router)
api.add_router("", meta.router)
api.add_router("", public.router)
