from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "lofin.demo"
    label = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        # Registering the loaders (each module adds its own with @loader); they import models, ready only now.
        from lofin.demo import budgets, execution, participation, people  # noqa: F401, PLC0415
