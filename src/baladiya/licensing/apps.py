from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "baladiya.licensing"
    label = "licensing"
    verbose_name = _("Licences")
