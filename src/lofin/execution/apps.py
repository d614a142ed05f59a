from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    name = "lofin.execution"
    label = "execution"
    verbose_name = _("Budget execution")

    def ready(self) -> None:
        from lofin.execution import approvals  # noqa: F401 - registers transfer requests with the approval lines
