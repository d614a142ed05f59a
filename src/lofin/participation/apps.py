from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "lofin.participation"
    label = "participation"
    verbose_name = _("Resident participation (주민e참여)")

    def ready(self) -> None:
        # Defines the app's notification events, so they are known wherever notifications are listed or sent.
        from .actions import follows  # noqa: F401, PLC0415
