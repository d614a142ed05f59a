from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "lofin.budget"
    label = "budget"
    verbose_name = _("Budget formulation")

    def ready(self) -> None:
        from lofin.budget import approvals  # noqa: F401 - registers the budget document kinds
