from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevenueConfig(AppConfig):
    name = "baladiya.revenue"
    label = "revenue"
    verbose_name = _("Revenue and collection")

    def ready(self) -> None:
        from baladiya.core.api import NavItem, declare, register_nav_item

        declare(
            ("revenue.collect", _("Take payments at a cashier desk")),
            ("revenue.raise_demand", _("Raise and cancel demands")),
            ("revenue.manage_heads", _("Edit revenue heads and fee schedules")),
            ("revenue.view_statement", _("View any party's account statement")),
            ("revenue.request_cancellation", _("Ask for a receipt to be cancelled")),
            ("revenue.approve_cancellation", _("Approve receipt cancellations")),
            ("revenue.request_amendment", _("Ask for a write-off, settlement or correction")),
            ("revenue.approve_amendment", _("Approve write-offs, settlements and corrections")),
            ("revenue.approve_shift", _("Approve cashier shifts with a variance")),
        )
        register_nav_item(NavItem(_("Cashier desk"), "revenue:desk", "revenue.collect", "💵", 40))
        register_nav_item(
            NavItem(
                _("Revenue approvals"), "revenue:approvals", "revenue.approve_cancellation", "✔", 45
            )
        )
