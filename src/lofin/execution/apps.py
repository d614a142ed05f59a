from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    name = "lofin.execution"
    label = "execution"
    verbose_name = _("Budget execution")

    def ready(self) -> None:
        # Importing the actions and queries imports the models: not before the app registry is ready.
        from lofin.budget.hooks import on_version_confirmed  # noqa: PLC0415
        from lofin.execution.actions import appropriations, transfers  # noqa: PLC0415
        from lofin.execution.queries import ledger_sources  # noqa: PLC0415

        # Transfer requests go through core's approval lines (결재).
        transfers.register_document_kinds()
        # A confirmed budget becomes execution's appropriation, in the confirmation's transaction.
        on_version_confirmed(appropriations.do_sync_appropriations)
        # The books name the documents execution's journal entries came from.
        ledger_sources.register_describers()
