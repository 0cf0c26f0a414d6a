"""Import a legacy archive: a folder of files and a CSV manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baladiya.archive import services
from baladiya.core import api as core


class Command(BaseCommand):
    help = (
        "Import a folder of files described by a CSV manifest "
        "(file, title, type, number, date, department, level, tags)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("manifest", type=Path)
        parser.add_argument("--department", required=True, help="code of the default department")

    def handle(self, *args: Any, **options: Any) -> None:
        department = core.department_by_code(options["department"])
        if department is None:
            raise CommandError(f"No department {options['department']!r}.")
        report = services.import_legacy(
            actor=None,
            folder=options["folder"],
            manifest=options["manifest"],
            default_department=department,
        )
        for line in report:
            mark = "ok " if line.ok else "ERR"
            self.stdout.write(f"{mark} line {line.line}: {line.filename}: {line.message}")
        failed = sum(1 for line in report if not line.ok)
        self.stdout.write(f"{len(report) - failed} imported or already there, {failed} failed.")
