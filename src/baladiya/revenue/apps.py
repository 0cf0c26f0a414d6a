from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevenueConfig(AppConfig):
    name = "baladiya.revenue"
    label = "revenue"
    verbose_name = _("Revenue and collection")

    def ready(self) -> None:
        from baladiya.core.api import NavItem, declare, grant_by_default, register_nav_item

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
            NavItem(_("Demands"), "revenue:demands", "revenue.view_statement", "🧾", 42)
        )
        # Finance staff follow amendment cases (requested by accountants, decided
        # by the finance manager) in their inbox.
        grant_by_default("accountant", "workflow.view_cases")
        grant_by_default("finance-manager", "workflow.view_cases")
        from baladiya.revenue import services
        from baladiya.workflow.api import register_action_hooks

        for action in ("approve", "reject"):
            register_action_hooks(
                services.AMENDMENT_PROCESS,
                action,
                guard=services.check_amendment_decision,
                effect=services.decide_amendment,
            )
        register_nav_item(
            NavItem(
                _("Revenue approvals"), "revenue:approvals", "revenue.approve_cancellation", "✔", 45
            )
        )
