from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _has_meters(user: object) -> bool:
    from baladiya.utilities import api as utilities

    party = getattr(user, "party", None)
    return party is not None and utilities.meters_of(party).exists()


class VendingConfig(AppConfig):
    name = "baladiya.vending"
    label = "vending"
    verbose_name = _("Prepaid vending")

    def ready(self) -> None:
        from baladiya.core.api import (
            NavItem,
            PortalLink,
            declare,
            grant_by_default,
            register_nav_item,
            register_portal_link,
        )
        from baladiya.vending import handlers

        declare(
            ("vending.sell", _("Sell prepaid water and electricity credit")),
            ("vending.view", _("View prepaid sales and tokens")),
            ("vending.manage", _("Set the prepaid vending policy")),
        )
        grant_by_default("cashier", "vending.sell", "vending.view")
        for role in ("accountant", "auditor"):
            grant_by_default(role, "vending.view")
        grant_by_default("finance-manager", "vending.view", "vending.manage")
        register_nav_item(NavItem(_("Prepaid vending"), "vending:desk", "vending.sell", "⚡", 41))
        register_nav_item(NavItem(_("Vending policy"), "vending:policy", "vending.manage", "⚙", 46))
        register_portal_link(
            PortalLink(_("My meters and tokens"), "vending:my-meters", "⚡", 30, show=_has_meters)
        )
        handlers.register()
