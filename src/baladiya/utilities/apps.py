from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UtilitiesConfig(AppConfig):
    name = "baladiya.utilities"
    label = "utilities"
    verbose_name = _("Water and electricity")
