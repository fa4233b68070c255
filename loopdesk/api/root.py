from ninja import NinjaAPI

api = NinjaAPI(title="Loopdesk API", version="1.0.0", urls_namespace="api")
