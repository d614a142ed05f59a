from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatewayConfig(AppConfig):
    name = "lofin.gateway"
    label = "gateway"
    verbose_name = _("Gateway to outside systems")
