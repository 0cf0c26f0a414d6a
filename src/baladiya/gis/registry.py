"""What other apps hang on the map: extra layers (permits, licences, complaints,
connections) and the records they link to a parcel. Apps register from their
``AppConfig.ready()`` through ``baladiya.gis.api``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MapLayer:
    """A layer of points or shapes: ``features(bbox)`` returns GeoJSON features
    for (min lon, min lat, max lon, max lat); ``capability`` gates who sees it."""

    key: str
    label: str | Promise
    features: Callable[[tuple[float, float, float, float]], list[dict[str, Any]]]
    capability: str = "gis.view_parcels"
    colour: str = "#333333"
    order: int = 100


@dataclass(frozen=True)
class LinkedRecord:
    """A record another app links to a parcel (a permit, a licence, a complaint…)."""

    kind: str | Promise
    reference: str
    title: str
    url: str = ""
    status: str = ""


_LAYERS: dict[str, MapLayer] = {}
_LINKS: dict[str, tuple[Callable[[Any, Any], list[LinkedRecord]], str]] = {}

# The layers the map always lists; an app that is not installed yet leaves its
# layer empty (and says so) rather than missing.
PLANNED_LAYERS: dict[str, str | Promise] = {
    "permits": _("Building permits"),
    "licences": _("Licences"),
    "complaints": _("Complaints"),
    "connections": _("Water and electricity connections"),
}


def register_map_layer(layer: MapLayer) -> None:
    _LAYERS[layer.key] = layer


def map_layers() -> list[MapLayer]:
    return sorted(_LAYERS.values(), key=lambda layer: (layer.order, layer.key))


def register_parcel_links(
    key: str,
    provider: Callable[[Any, Any], list[LinkedRecord]],
    *,
    capability: str = "gis.view_parcels",
) -> None:
    """``provider(parcel, user)`` lists the records of one app linked to a parcel."""
    _LINKS[key] = (provider, capability)


def linked_records(parcel: Any, user: Any) -> list[LinkedRecord]:
    from baladiya.core import api as core

    records: list[LinkedRecord] = []
    for key in sorted(_LINKS):
        provider, capability = _LINKS[key]
        if core.has_capability(user, capability):
            records.extend(provider(parcel, user))
    return records
