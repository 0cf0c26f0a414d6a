"""Archive events (published on commit)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VersionQueued:
    """A file waits for the ingest pipeline (new upload or a retry)."""

    document_id: int
    version_id: int


@dataclass(frozen=True)
class DocumentChanged:
    """Something the search index holds changed (text, metadata, level, grants)."""

    document_id: int
