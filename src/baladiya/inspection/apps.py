from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "baladiya.inspection"
    label = "inspection"
    verbose_name = _("Inspections and violations")

    def ready(self) -> None:
        from baladiya.core import api as core

        core.declare(
            ("inspection.plan_visits", _("Plan inspection visits")),
            ("inspection.record_violations", _("Record violations and visit results")),
            ("inspection.view_violations", _("See every violation")),
            ("inspection.review_objections", _("Review objections to violations (committee)")),
            ("inspection.decide_objections", _("Approve decisions on objections")),
            ("inspection.manage_schedule", _("Edit the fine schedule")),
        )
        core.grant_by_default(
            "inspector",
            "inspection.plan_visits",
            "inspection.record_violations",
            "inspection.view_violations",
            "inspection.review_objections",
            "revenue.request_amendment",
        )
        core.grant_by_default("department-head", "inspection.*")
        core.register_nav_item(
            core.NavItem(_("Inspections"), "inspection:visits", "inspection.plan_visits", "🔎", 30)
        )
        core.register_nav_item(
            core.NavItem(
                _("Violations"), "inspection:staff-list", "inspection.view_violations", "⚠", 31
            )
        )
        from baladiya.inspection import selectors

        core.register_portal_link(
            core.PortalLink(
                _("My violations"),
                "inspection:my-violations",
                "⚠",
                40,
                show=selectors.has_violations,
            )
        )
        from baladiya.gis import api as gis

        gis.register_map_layer(
            gis.MapLayer(
                key="violations",
                label=_("Violations"),
                features=selectors.map_features,
                capability="inspection.view_violations",
                colour="#8e44ad",
                order=35,
            )
        )
        gis.register_parcel_links(
            "violations", selectors.linked_to_parcel, capability="inspection.view_violations"
        )
        from baladiya.inspection.services import SERVICE_KEY, process_spec
        from baladiya.workflow import api as workflow

        workflow.claim_processes(SERVICE_KEY, spec=process_spec)
        workflow.register_case_pages(
            "violation-objection",
            staff="inspection:objection-staff",
            applicant="inspection:objection",
        )
        from baladiya.inspection import handlers

        handlers.register()
