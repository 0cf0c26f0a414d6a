from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CONNECTION_SERVICES = ("water-connection-new", "electricity-connection-new")
TRANSFER_SERVICE = "subscription-transfer"


class UtilitiesConfig(AppConfig):
    name = "baladiya.utilities"
    label = "utilities"
    verbose_name = _("Water and electricity")

    def ready(self) -> None:
        from baladiya.utilities.services import CONNECTION_SERVICES, process_spec
        from baladiya.workflow.api import claim_processes

        claim_processes(*CONNECTION_SERVICES, spec=process_spec)
        from baladiya.core.api import (
            NavItem,
            PortalLink,
            declare,
            grant_by_default,
            register_nav_item,
            register_portal_link,
        )

        declare(
            ("utilities.view", _("View water and electricity subscriptions")),
            ("utilities.manage_connections", _("Register connections, fit and replace meters")),
            ("utilities.enter_readings", _("Enter and import meter readings")),
            ("utilities.review_anomalies", _("Review reading anomalies")),
            ("utilities.manage_tariffs", _("Edit water and electricity tariffs")),
            ("utilities.run_billing", _("Run postpaid billing")),
        )
        grant_by_default("clerk", "utilities.view", "utilities.enter_readings")
        grant_by_default(
            "inspector", "utilities.view", "utilities.enter_readings", "utilities.review_anomalies"
        )
        grant_by_default("engineer", "utilities.view", "utilities.manage_connections")
        grant_by_default("department-head", "utilities.*")
        grant_by_default("accountant", "utilities.view", "utilities.run_billing")
        grant_by_default(
            "finance-manager",
            "utilities.view",
            "utilities.run_billing",
            "utilities.manage_tariffs",
        )
        grant_by_default("auditor", "utilities.view")
        register_nav_item(
            NavItem(_("Water and electricity"), "utilities:connections", "utilities.view", "💧", 50)
        )
        register_nav_item(
            NavItem(_("Meter readings"), "utilities:readings", "utilities.enter_readings", "🔢", 51)
        )
        register_nav_item(
            NavItem(
                _("Reading anomalies"), "utilities:anomalies", "utilities.review_anomalies", "⚠", 52
            )
        )
        register_nav_item(
            NavItem(_("Billing runs"), "utilities:runs", "utilities.run_billing", "🧮", 53)
        )
        register_nav_item(
            NavItem(_("Consumption monitoring"), "utilities:monitor", "utilities.view", "📈", 54)
        )
        register_nav_item(
            NavItem(
                _("Water and electricity tariffs"), "utilities:tariffs", "utilities.view", "₪", 55
            )
        )
        from baladiya.utilities import selectors

        register_portal_link(
            PortalLink(
                _("My water and electricity"),
                "utilities:my-connections",
                "💧",
                30,
                show=lambda user: selectors.connections_of(user=user).exists(),
            )
        )
        from baladiya.gis import api as gis

        gis.register_parcel_links(
            "utilities", selectors.linked_to_parcel, capability="utilities.view"
        )
        from baladiya.utilities import handlers

        handlers.connect()
