"""Serve front-end assets (Bootstrap with its RTL build, htmx) straight from the
installed Python packages that ship them, so nothing comes from a CDN and no
third-party file is committed to this repository."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import FileSystemStorage


def _distribution_dir(distribution: str, folder: str) -> Path:
    located = Path(str(importlib.metadata.distribution(distribution).locate_file(folder)))
    if not located.is_dir():
        raise RuntimeError(f"{distribution} is installed without its {folder}/ assets")
    return located


# URL prefix under /static/ → (distribution that ships it, folder inside site-packages)
VENDOR_ASSETS = {
    "vendor/bootstrap": ("bootstrap-wrapper", "bootstrap"),
    "vendor/leaflet": ("xstatic-leaflet", "xstatic/pkg/leaflet/data"),
}


class VendorFinder(FileSystemFinder):
    def __init__(self, app_names=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(app_names, *args, **kwargs)
        self.locations = []
        self.storages = {}
        for prefix, (distribution, folder) in VENDOR_ASSETS.items():
            root = str(_distribution_dir(distribution, folder))
            self.locations.append((prefix, root))
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix
            self.storages[root] = storage

    def check(self, **kwargs):  # type: ignore[no-untyped-def]
        return []
