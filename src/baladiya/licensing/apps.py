from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "baladiya.licensing"
    label = "licensing"
    verbose_name = _("Licences")

    def ready(self) -> None:
        from baladiya.core import api as core
        from baladiya.licensing.services import PROCESSES, process_spec
        from baladiya.workflow import api as workflow

        workflow.claim_processes(*PROCESSES, spec=process_spec)

        core.declare(
            ("licensing.view", _("See establishments, licences, workers and billboards")),
            ("licensing.manage", _("Edit the activity classification and licence fees")),
            ("licensing.record_medical_checks", _("Record workers' medical checks")),
            ("licensing.order_removal", _("Order the removal of a billboard")),
        )
        core.grant_by_default("clerk", "licensing.view")
        core.grant_by_default("inspector", "licensing.view", "licensing.order_removal")
        core.grant_by_default(
            "department-head",
            "licensing.view",
            "licensing.record_medical_checks",
            "licensing.order_removal",
        )
        core.define_default_role(
            "licensing-system",
            "النظام: إصدار الرخص",
            "System: licence issue",
            staff=False,
            capabilities=["workflow.view_cases"],
        )
        core.register_nav_item(
            core.NavItem(_("Licences"), "licensing:staff-licences", "licensing.view", "📜", 50)
        )
        from baladiya.licensing import selectors

        core.register_portal_link(
            core.PortalLink(
                _("My businesses and licences"),
                "licensing:home",
                "🏪",
                30,
                show=selectors.has_business,
            )
        )
        from baladiya.gis import api as gis

        gis.register_map_layer(
            gis.MapLayer(
                key="licences",
                label=_("Shops and billboards"),
                features=selectors.map_features,
                capability="licensing.view",
                colour="#8e44ad",
                order=40,
            )
        )
        gis.register_parcel_links(
            "licences", selectors.linked_to_parcel, capability="licensing.view"
        )
        from baladiya.licensing import handlers

        handlers.register()
