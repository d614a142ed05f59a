from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosingConfig(AppConfig):
    """결산: the 세입세출결산, the financial statements and the closing run of a year's books (issue 5, part 2).
    A separate app (label `closing`) so its migrations do not interleave with the books' own."""

    name = "lofin.closing"
    label = "closing"
    verbose_name = _("Closing (결산)")

    def ready(self) -> None:
        from lofin.budget import hooks  # noqa: PLC0415 - the budget's registry, filled once apps are loaded

        from . import approvals  # noqa: F401, PLC0415 - registers the closing's document kinds once apps are loaded
        from .queries import submitted  # noqa: PLC0415 - models load after the app registry

        hooks.on_results_final(submitted)
