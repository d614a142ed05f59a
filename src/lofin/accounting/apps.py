from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    name = "lofin.accounting"
    label = "accounting"
    verbose_name = _("Accounting")

    def ready(self) -> None:
        # The document kinds register once the app registry is ready.
        from lofin.accounting import approvals  # noqa: PLC0415, F401 - registers 결산정리분개 with the approval lines
