from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendingConfig(AppConfig):
    name = "baladiya.vending"
    label = "vending"
    verbose_name = _("Prepaid vending")
