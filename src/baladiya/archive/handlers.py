"""The archive's reactions to its own events: queue the slow work."""

from __future__ import annotations

from baladiya.archive import events, tasks
from baladiya.core import api as core


def on_version_queued(event: events.VersionQueued) -> None:
    tasks.ingest_version.delay(event.version_id)


def on_document_changed(event: events.DocumentChanged) -> None:
    tasks.index_document.delay(event.document_id)


def register() -> None:
    core.subscribe(events.VersionQueued, on_version_queued)
    core.subscribe(events.DocumentChanged, on_document_changed)
