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
