from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "baladiya.permits"
    label = "permits"
    verbose_name = _("Building and excavation permits")

    def ready(self) -> None:
        from baladiya.core import api as core
        from baladiya.gis import api as gis
        from baladiya.permits import handlers, selectors
        from baladiya.permits.services import KIND_OF_SERVICE, SERVICE_KEYS, process_spec
        from baladiya.workflow import api as workflow

        core.declare(
            ("permits.view_permits", _("See building and excavation permits")),
            ("permits.review", _("Review permit applications against the zone rules")),
            ("permits.issue", _("Issue permits")),
            ("permits.inspect", _("Record site inspections of permitted works")),
            ("permits.refund_deposit", _("Refund excavation restoration deposits")),
        )
        core.grant_by_default("engineer", "permits.*")
        core.grant_by_default("department-head", "permits.view_permits", "permits.issue")
        core.grant_by_default("inspector", "permits.view_permits", "permits.inspect")
        core.grant_by_default("clerk", "permits.view_permits")
        core.grant_by_default("cashier", "permits.view_permits")
        core.grant_by_default("accountant", "permits.view_permits", "permits.refund_deposit")
        core.grant_by_default("finance-manager", "permits.view_permits", "permits.refund_deposit")
        workflow.claim_processes(
            *SERVICE_KEYS.values(), spec=lambda key: process_spec(KIND_OF_SERVICE[key])
        )
        for key in SERVICE_KEYS.values():
            workflow.register_case_pages(
                key, staff="permits:staff-detail", applicant="permits:detail"
            )
        core.register_nav_item(
            core.NavItem(_("Permits"), "permits:staff-list", "permits.view_permits", "🏗", 40)
        )
        core.register_portal_link(
            core.PortalLink(
                _("My permits"), "permits:mine", "🏗", 40, show=selectors.shows_portal_link
            )
        )
        gis.register_map_layer(
            gis.MapLayer(
                key="permits",
                label=_("Building permits"),
                features=selectors.map_features,
                capability="permits.view_permits",
                colour="#1f6feb",
                order=20,
            )
        )
        gis.register_parcel_links(
            "permits", selectors.linked_to_parcel, capability="permits.view_permits"
        )
        handlers.register()
