
app_name = "config"

urlpatterns: list = [
]
