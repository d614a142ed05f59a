from django.urls import path

from . import views
from .services import SERVICES

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    *[path(f"{s.key}/", views.service_entry, {"key": s.key}, name=f"service_{s.key}") for s in SERVICES],
]
