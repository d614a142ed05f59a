from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "lofin.budget"
    label = "budget"
    verbose_name = _("Budget formulation")

    def ready(self) -> None:
        # The document kinds register once the app registry is ready.
        from lofin.budget import approvals  # noqa: PLC0415, F401 - registers the budget document kinds
