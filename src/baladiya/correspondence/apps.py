from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "baladiya.correspondence"
    label = "correspondence"
    verbose_name = _("Correspondence")

    def ready(self) -> None:
        from baladiya.core import api as core
        from baladiya.workflow import api as workflow

        core.declare(
            ("correspondence.register", _("Register incoming, outgoing and internal letters")),
            ("correspondence.refer", _("Refer letters to departments")),
            ("correspondence.view_all", _("See the whole correspondence register")),
            (
                "correspondence.view_confidential",
                _("See confidential and secret letters in the register"),
            ),
            ("correspondence.view", _("See the letters referred to your department")),
            ("correspondence.write", _("Write your department's outgoing and internal letters")),
        )
        registry = (
            "correspondence.register",
            "correspondence.refer",
            "correspondence.view_all",
        )
        core.grant_by_default(
            "archivist", *registry, "correspondence.view_confidential", "workflow.view_cases"
        )
        core.grant_by_default("clerk", *registry)
        core.grant_by_default("department-head", "correspondence.view", "correspondence.write")
        core.register_nav_item(
            core.NavItem(
                _("Correspondence register"),
                "correspondence:register",
                "correspondence.view_all",
                "✉",
                60,
            )
        )
        core.register_nav_item(
            core.NavItem(
                _("Letters for my department"),
                "correspondence:department",
                "correspondence.view",
                "✉",
                61,
            )
        )
        from baladiya.correspondence import selectors

        core.register_portal_link(
            core.PortalLink(
                _("My letters to the municipality"),
                "correspondence:mine",
                "✉",
                80,
                show=lambda user: selectors.letters_of_party(user).exists(),
            )
        )
        workflow.register_case_pages(
            "correspondence-referral",
            staff="correspondence:referral",
            applicant="correspondence:referral",
        )
        from baladiya.correspondence import handlers, tasks  # noqa: F401 - registers the jobs

        handlers.register()
