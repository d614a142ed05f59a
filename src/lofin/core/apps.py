from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lofin.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lofin.core import guards, signals

        connection_created.connect(guards.register_sqlite_functions, dispatch_uid="lofin_sqlite_functions")
        signals.connect()
