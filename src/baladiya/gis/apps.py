from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GisConfig(AppConfig):
    name = "baladiya.gis"
    label = "gis"
    verbose_name = _("Land parcels and maps")

    def ready(self) -> None:
        from baladiya.core import api as core

        core.declare(
            ("gis.view_parcels", _("View land parcels, zones and the staff map")),
            ("gis.view_owners", _("View the owners of land parcels")),
            ("gis.manage_parcels", _("Import, split, merge and edit land parcels")),
            ("gis.number_parcels", _("Number the parcels of unplanned areas")),
            ("gis.manage_zones", _("Edit zones and their building rules")),
            ("gis.issue_site_plans", _("Issue site-plan extracts")),
        )
        core.register_nav_item(
            core.NavItem(_("Parcels and maps"), "gis:staff-map", "gis.view_parcels", "🗺", 60)
        )
