"""Reading GeoJSON and ESRI Shapefiles into plain features, and writing GeoJSON.

Nothing here touches the database: the import service validates the features
and writes them in one transaction.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapefile
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from baladiya.gis.geometry import looks_like_lonlat, reproject


class FormatError(ValueError):
    """The file cannot be read at all (not a per-feature problem)."""


@dataclass
class FeatureIn:
    """One feature of an imported file; ``position`` counts from 1 in file order."""

    position: int
    attributes: dict[str, Any]
    geometry: BaseGeometry | None
    read_error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# Attribute names accepted for each parcel field (compared case-insensitively).
BLOCK_KEYS = ("block", "basin", "basin_no", "hod", "plan", "plan_no", "mukhatat", "حوض", "مخطط")
NUMBER_KEYS = ("number", "parcel", "parcel_no", "plot", "plot_no", "qitaa", "قطعة", "رقم")
NEIGHBOURHOOD_KEYS = ("neighbourhood", "neighborhood", "hay", "district", "حي")
ZONE_KEYS = ("zone", "zoning", "landuse", "land_use", "منطقة")


def pick(attributes: dict[str, Any], keys: tuple[str, ...]) -> str:
    lowered = {str(k).strip().lower(): v for k, v in attributes.items()}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            text = str(value).strip()
            if text.endswith(".0") and text[:-2].isdigit():
                text = text[:-2]  # shapefile numeric fields come back as floats
            return text
    return ""


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _crs_of_geojson(data: dict[str, Any]) -> str:
    """The legacy ``crs`` member (GeoJSON 2008), if any; RFC 7946 files are WGS84."""
    name = ((data.get("crs") or {}).get("properties") or {}).get("name", "")
    if not name or "CRS84" in name or name.endswith(":4326"):
        return ""
    if "EPSG" in name:
        return "EPSG:" + name.rsplit(":", 1)[-1]
    return name


def read_geojson(content: bytes | str) -> list[FeatureIn]:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(_("The file is not valid GeoJSON: %(error)s") % {"error": exc}) from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise FormatError(_("The file is not a GeoJSON FeatureCollection."))
    source_crs = _crs_of_geojson(data)
    features: list[FeatureIn] = []
    for position, item in enumerate(data.get("features") or [], start=1):
        attributes = {str(k): _jsonable(v) for k, v in (item.get("properties") or {}).items()}
        geometry = None
        error = ""
        try:
            if item.get("geometry"):
                geometry = shape(item["geometry"])
                if source_crs:
                    geometry = reproject(geometry, source_crs)
        except (
            ValueError,
            TypeError,
            AttributeError,
            KeyError,
            shapely.errors.ShapelyError,
        ) as exc:
            error = _("The geometry cannot be read: %(error)s") % {"error": exc}
        features.append(FeatureIn(position, attributes, geometry, error))
    return features


def read_shapefile(path: str | Path) -> list[FeatureIn]:
    """Read a ``.shp`` (with its ``.dbf``/``.shx``/``.prj`` beside it) or a ``.zip``
    holding them. Coordinates are reprojected to WGS84 when a ``.prj`` says so."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = {Path(n).suffix.lower(): n for n in archive.namelist()}
            if ".shp" not in names or ".dbf" not in names:
                raise FormatError(_("The archive holds no Shapefile (.shp and .dbf)."))
            parts = {ext: io.BytesIO(archive.read(name)) for ext, name in names.items()}
        prj = parts[".prj"].getvalue().decode("utf-8", "replace") if ".prj" in parts else ""
        return _read_shapes(
            shapefile.Reader(shp=parts[".shp"], dbf=parts[".dbf"], shx=parts.get(".shx")), prj
        )
    prj_path = path.with_suffix(".prj")
    prj = prj_path.read_text("utf-8", "replace") if prj_path.exists() else ""
    try:
        reader = shapefile.Reader(str(path))
    except shapefile.ShapefileException as exc:
        raise FormatError(_("The Shapefile cannot be read: %(error)s") % {"error": exc}) from exc
    with reader:
        return _read_shapes(reader, prj)


def _read_shapes(reader: shapefile.Reader, prj: str) -> list[FeatureIn]:
    names = [f[0] for f in reader.fields[1:]]
    features: list[FeatureIn] = []
    for position, record in enumerate(reader.iterShapeRecords(), start=1):
        attributes = {n: _jsonable(v) for n, v in zip(names, record.record, strict=False)}
        geometry = None
        error = ""
        try:
            geo = record.shape.__geo_interface__
            if geo.get("type") not in (None, "Null"):
                geometry = shape(geo)
                if prj and not looks_like_lonlat(geometry):
                    geometry = reproject(geometry, prj)
        except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
            error = _("The geometry cannot be read: %(error)s") % {"error": exc}
        features.append(FeatureIn(position, attributes, geometry, error))
    return features


def read_upload(name: str, content: bytes) -> list[FeatureIn]:
    """An uploaded file: ``.geojson``/``.json`` or a zipped Shapefile."""
    lowered = name.lower()
    if lowered.endswith((".geojson", ".json")):
        return read_geojson(content)
    if lowered.endswith(".zip"):
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
            handle.write(content)
            handle.flush()
            return read_shapefile(handle.name)
    raise FormatError(_("Upload a GeoJSON file or a zipped Shapefile (.zip)."))


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}
