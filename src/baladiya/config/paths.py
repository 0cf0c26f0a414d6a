"""Where Baladiya keeps its data: one directory for the database, media and secrets."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The data directory: ``BALADIYA_DATA_DIR`` or the per-user default."""
    configured = os.environ.get("BALADIYA_DATA_DIR")
    path = Path(configured) if configured else Path(platformdirs.user_data_dir("baladiya"))
    return path.expanduser().resolve()


def ensure_data_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "media").mkdir(exist_ok=True)
    (path / "static").mkdir(exist_ok=True)
    return path


def kept_secret_key(path: Path) -> str:
    """A secret key generated once and kept in the data directory (demo and tests only)."""
    ensure_data_dir(path)
    key_file = path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key
