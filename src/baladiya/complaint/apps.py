from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintConfig(AppConfig):
    name = "baladiya.complaint"
    label = "complaint"
    verbose_name = _("Reports and complaints")

    def ready(self) -> None:
        from baladiya.workflow import api as workflow

        workflow.register_case_pages(
            "complaint", staff="complaint:staff-detail", applicant="complaint:detail"
        )
        from baladiya.complaint import selectors
        from baladiya.gis import api as gis

        gis.register_map_layer(
            gis.MapLayer(
                key="complaints",
                label=_("Complaints"),
                features=selectors.map_features,
                capability="workflow.view_cases",
                colour="#c0392b",
                order=30,
            )
        )
        gis.register_parcel_links(
            "complaints", selectors.linked_to_parcel, capability="workflow.view_cases"
        )
