from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    name = "lofin.execution"
    label = "execution"
    verbose_name = _("Budget execution")

    def ready(self) -> None:
        # Importing the actions imports the models: not before the app registry is ready.
        from lofin.execution.actions import transfers  # noqa: PLC0415

        # Transfer requests go through core's approval lines (결재).
        transfers.register_document_kinds()
