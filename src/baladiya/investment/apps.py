from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "baladiya.investment"
    label = "investment"
    verbose_name = _("Investment opportunities")

    def ready(self) -> None:
        from baladiya.core import api as core

        core.declare(
            ("investment.view", _("See investment opportunities and their offers")),
            ("investment.manage", _("Prepare and publish investment opportunities")),
            ("investment.open_offers", _("Open sealed offers after the deadline")),
            ("investment.score_offers", _("Score investment offers")),
            ("investment.award", _("Award investment opportunities")),
        )
        core.define_default_role(
            "investment-committee",
            "لجنة الاستثمار",
            "Investment committee",
            staff=True,
            capabilities=["core.view_staff_area", "core.view_parties", "investment.*"],
        )
        core.grant_by_default("department-head", "investment.view")
        core.register_nav_item(
            core.NavItem(_("Investment"), "investment:staff-list", "investment.view", "🏗", 60)
        )
        from baladiya.investment import selectors

        core.register_portal_link(
            core.PortalLink(
                _("My investments"),
                "investment:mine",
                "🏗",
                45,
                show=selectors.has_investments,
            )
        )
