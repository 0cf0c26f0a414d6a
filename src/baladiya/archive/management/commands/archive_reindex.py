"""Rebuild the archive's search index (chunked, resumable, swapped in atomically)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from baladiya.archive import tasks


class Command(BaseCommand):
    help = "Rebuild the archive's search index from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=500)
        parser.add_argument(
            "--restart", action="store_true", help="start afresh instead of resuming"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = tasks.reindex(chunk_size=options["chunk"], resume=not options["restart"])
        self.stdout.write(f"{count} document(s) indexed.")
