from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "baladiya.finance"
    label = "finance"
    verbose_name = _("Accounting")

    def ready(self) -> None:
        from baladiya.core.api import NavItem, declare, register_nav_item

        declare(
            ("finance.post_journal", _("Prepare and post journal entries")),
            ("finance.approve_journal", _("Approve manual journal entries")),
            ("finance.close_period", _("Open fiscal years and close periods")),
            ("finance.reopen_period", _("Reopen a closed period")),
            ("finance.manage_chart", _("Edit the chart of accounts and posting rules")),
            ("finance.view_reports", _("View the ledger and financial reports")),
        )
        register_nav_item(
            NavItem(_("Financial reports"), "finance:reports", "finance.view_reports", "📊", 50)
        )
        register_nav_item(
            NavItem(_("Fiscal periods"), "finance:periods", "finance.close_period", "📅", 52)
        )
        register_nav_item(
            NavItem(_("Journal"), "finance:journal", "finance.view_reports", "📒", 51)
        )
