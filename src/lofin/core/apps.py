from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from lofin.core import guards


class CoreConfig(AppConfig):
    name = "lofin.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The receivers import the models, which exist only once the app registry is ready.
        from lofin.core import signals  # noqa: PLC0415

        connection_created.connect(guards.register_sqlite_functions, dispatch_uid="lofin_sqlite_functions")
        signals.connect()
