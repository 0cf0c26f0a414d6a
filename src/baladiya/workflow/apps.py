from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "baladiya.workflow"
    label = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        from baladiya.core import api as core

        core.declare(
            ("workflow.view_cases", _("See the cases of your branch and department")),
            ("workflow.assign", _("Assign cases to colleagues")),
            ("workflow.open_cases", _("Open cases on behalf of citizens at the counter")),
            ("workflow.manage_definitions", _("Edit process definitions")),
        )
        core.register_nav_item(
            core.NavItem(_("Inbox"), "workflow:inbox", "workflow.view_cases", "", 5)
        )
        from baladiya.workflow import handlers

        handlers.register()
