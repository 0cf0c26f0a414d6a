from __future__ import annotations

from typing import Any

import pytest
from shapely.geometry import Polygon

# A 4 × 3 grid of 20 m × 30 m parcels near Taffouh (one degree of longitude is
# about 95 km there, one of latitude about 111 km).
LON0, LAT0 = 35.05, 31.54
DLON, DLAT = 20 / 95_000, 30 / 111_000


def cell(col: int, row: int, *, lon0: float = LON0, lat0: float = LAT0) -> Polygon:
    x, y = lon0 + col * DLON, lat0 + row * DLAT
    return Polygon([(x, y), (x + DLON, y), (x + DLON, y + DLAT), (x, y + DLAT)])


def grid_features(cols: int = 4, rows: int = 3, *, block: str = "7") -> list[dict[str, Any]]:
    features = []
    n = 0
    for row in range(rows):
        for col in range(cols):
            n += 1
            features.append(
                {
                    "type": "Feature",
                    "properties": {"basin": block, "parcel": str(n), "hay": "الجبل"},
                    "geometry": cell(col, row).__geo_interface__,
                }
            )
    return features


@pytest.fixture
def gis_officer(org_ps: Any, make_staff: Any) -> Any:
    return make_staff("gis-officer")
