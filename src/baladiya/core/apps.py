from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "baladiya.core"
    label = "core"
    verbose_name = _("Organisation and users")

    def ready(self) -> None:
        from baladiya.core import navigation

        navigation.register(
            navigation.NavItem(_("Dashboard"), "core:staff-home", "core.view_staff_area", "⌂", 0)
        )
        navigation.register(
            navigation.NavItem(
                _("Citizens and establishments"), "core:parties", "core.view_parties", "👤", 20
            )
        )
        navigation.register(
            navigation.NavItem(
                _("Organisation"), "core:organisation", "core.view_staff_area", "🏛", 80
            )
        )
        navigation.register(
            navigation.NavItem(_("Audit log"), "core:audit", "core.view_audit", "🔒", 90)
        )
        navigation.register(
            navigation.NavItem(_("Administration"), "admin:index", "core.manage_users", "⚙", 95)
        )
