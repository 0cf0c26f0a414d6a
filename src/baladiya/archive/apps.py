from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "baladiya.archive"
    label = "archive"
    verbose_name = _("Electronic archive")

    def ready(self) -> None:
        from baladiya.core import api as core

        core.declare(
            ("archive.view", _("Read public documents and internal ones of your departments")),
            ("archive.read_confidential", _("Read confidential documents of your departments")),
            ("archive.upload", _("Archive documents and retry failed files")),
            ("archive.manage", _("Grant access, legal hold and retention reviews")),
            ("archive.manage_types", _("Edit document types")),
            ("archive.export", _("Export documents as a ZIP")),
            ("archive.read_access_log", _("Read the archive access log")),
        )
        core.grant_by_default(
            "archivist",
            "archive.view",
            "archive.read_confidential",
            "archive.upload",
            "archive.manage",
            "archive.manage_types",
            "archive.export",
        )
        core.grant_by_default("department-head", "archive.view", "archive.upload")
        core.grant_by_default("clerk", "archive.view", "archive.upload")
        core.grant_by_default("auditor", "archive.read_access_log")
        core.grant_by_default("administrator", "archive.*")
        core.register_nav_item(core.NavItem(_("Archive"), "archive:home", "archive.view", "🗄", 40))
        core.register_nav_item(
            core.NavItem(
                _("Archive access log"), "archive:access-log", "archive.read_access_log", "🔎", 90
            )
        )
        from baladiya.archive import handlers, selectors
        from baladiya.gis import api as gis

        handlers.register()
        gis.register_parcel_links("archive", selectors.linked_to_parcel, capability="archive.view")
