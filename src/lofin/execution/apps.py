from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    name = "lofin.execution"
    label = "execution"
    verbose_name = _("Budget execution")

    def ready(self) -> None:
        # App modules import models, which load only once the registry is ready.
        from lofin.budget.hooks import on_version_confirmed  # noqa: PLC0415
        from lofin.execution import (  # noqa: PLC0415
            approvals,  # noqa: F401 - registers transfer requests with the approval lines
            ledger_sources,  # noqa: F401 - registers the describers of its journal sources with the books
        )
        from lofin.execution.actions import do_sync_appropriations  # noqa: PLC0415

        # A confirmed budget becomes execution's appropriation, in the confirmation's transaction.
        on_version_confirmed(do_sync_appropriations)
