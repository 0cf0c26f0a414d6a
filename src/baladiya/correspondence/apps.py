from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "baladiya.correspondence"
    label = "correspondence"
    verbose_name = _("Correspondence")
