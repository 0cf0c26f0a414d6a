"""Check that every translation catalogue is complete, and compile it.

``baladiya manage i18n_check`` fails on any untranslated or fuzzy entry and on
any compiled ``.mo`` file that is out of date with its ``.po`` source.
``--compile`` (re)writes the ``.mo`` files. Babel does the work, so no GNU
gettext is needed on the machine.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def catalogues() -> list[Path]:
    """The project catalogue and every app's own (``<app>/locale``)."""
    roots = [Path(root) for root in settings.LOCALE_PATHS]
    roots += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    found: list[Path] = []
    for root in dict.fromkeys(r.resolve() for r in roots):
        if root.is_relative_to(Path(settings.PACKAGE_DIR).resolve()):
            found += sorted(root.glob("*/LC_MESSAGES/*.po"))
    return found


def compiled(po_path: Path) -> tuple[bytes, list[str]]:
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"untranslated: {msgid!r}")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue(), problems


class Command(BaseCommand):
    help = "Fail on untranslated/fuzzy entries or stale .mo files; --compile writes .mo files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compile", action="store_true", help="write the .mo files")

    def handle(self, *args: object, **options: object) -> None:
        failures: list[str] = []
        paths = catalogues()
        if not paths:
            raise CommandError("No translation catalogue found.")
        for po_path in paths:
            data, problems = compiled(po_path)
            mo_path = po_path.with_suffix(".mo")
            failures += [f"{po_path.parent.parent.name}: {p}" for p in problems]
            if options["compile"]:
                mo_path.write_bytes(data)
                self.stdout.write(f"compiled {mo_path.name} ({po_path.parent.parent.name})")
            elif not mo_path.exists() or mo_path.read_bytes() != data:
                failures.append(
                    f"{mo_path} is out of date: run `baladiya manage i18n_check --compile`"
                )
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError(f"{len(failures)} translation problem(s).")
        self.stdout.write(self.style.SUCCESS(f"{len(paths)} catalogue(s) complete and compiled."))
