"""Parcel benchmark: import rate of a large GeoJSON file and the latency of
point-in-parcel look-ups. Prints figures; asserts nothing.

    python bench/parcels.py                   # 200,000 parcels, SQLite in a temp dir
    python bench/parcels.py --parcels 20000   # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/parcels.py

The database (SQLite file or the PostgreSQL database named in DATABASE_URL) is
migrated and must be empty of parcels: use a scratch database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=5_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="baladiya-bench-"))
    os.environ.setdefault("BALADIYA_ENV", "test")
    os.environ.setdefault("BALADIYA_DATA_DIR", str(workdir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from baladiya.core.services import configure_organisation
    from baladiya.gis import formats, selectors, services
    from baladiya.gis.demo import build_fabric
    from baladiya.gis.models import Parcel

    call_command("migrate", verbosity=0)
    if Parcel.objects.exists():
        sys.exit("The database already holds parcels; point DATABASE_URL at a scratch database.")
    configure_organisation(
        actor=None,
        profile="taffouh",
        name_ar="بلدية تفوح",
        name_en="Taffouh Municipality",
        country="PS",
        currency="ILS",
        time_zone="Asia/Hebron",
        calendar="gregorian",
        default_language="ar",
        reference_prefix="TAF",
    )
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")

    t0 = time.perf_counter()
    fabric = build_fabric(country="PS", count=args.parcels, seed="bench")
    features = [
        {"type": "Feature", "properties": attrs, "geometry": geom.__geo_interface__}
        for geom, attrs in zip(fabric.geometries, fabric.attributes, strict=True)
    ]
    path = workdir / "parcels.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    n = len(features)
    del features
    print(
        f"fabric: {n:,} parcels generated in {time.perf_counter() - t0:.1f} s; "
        f"GeoJSON {path.stat().st_size / 1e6:.0f} MB"
    )

    # Zones named in the file must exist before the import.
    for code in sorted({a["zone"] for a in fabric.attributes}):
        services.save_zone(actor=None, code=code, name_ar=code, name_en=code)

    t0 = time.perf_counter()
    read = formats.read_geojson(path.read_bytes())
    t_read = time.perf_counter() - t0
    t1 = time.perf_counter()
    report = services.import_parcels(actor=None, features=read, source="bench")
    t_import = time.perf_counter() - t1
    total = time.perf_counter() - t0
    print(
        f"import: {report.imported:,} parcels in {total:.1f} s "
        f"(read {t_read:.1f} s, validate + write {t_import:.1f} s) = "
        f"{report.imported / total:,.0f} parcels/s; "
        f"errors {len(report.errors)}, warnings {len(report.warnings)}"
    )
    if not report.ok:
        print("first errors:", [e.message for e in report.errors[:3]])
        return

    selectors.forget_index()
    t0 = time.perf_counter()
    index = selectors.spatial_index()
    print(f"index: STRtree of {len(index):,} parcels built in {time.perf_counter() - t0:.2f} s")

    rng = random.Random(7)
    minx, miny, maxx, maxy = selectors.parcels_extent() or (0, 0, 0, 0)
    inside = [g.representative_point() for g in rng.sample(fabric.geometries, args.lookups // 2)]
    points = [(p.x, p.y) for p in inside] + [
        (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        for _ in range(args.lookups - len(inside))
    ]
    rng.shuffle(points)

    def measure(fn: object, sample: list[tuple[float, float]]) -> tuple[list[float], int]:
        timings, found = [], 0
        for lon, lat in sample:
            s = time.perf_counter()
            hit = fn(lon, lat)  # type: ignore[operator]
            timings.append((time.perf_counter() - s) * 1000)
            found += hit is not None
        return timings, found

    for label, fn, sample in (
        ("parcel_at_point (index + row)", selectors.parcel_at_point, points),
        ("parcel_id_at_point (index only)", selectors.parcel_id_at_point, points),
        ("parcel_at_point_sql (bbox SQL)", selectors.parcel_at_point_sql, points[:1000]),
    ):
        timings, found = measure(fn, sample)
        print(
            f"{label}: {len(sample):,} look-ups, {found:,} found; "
            f"p50 {statistics.median(timings):.3f} ms, p95 {percentile(timings, 95):.3f} ms, "
            f"p99 {percentile(timings, 99):.3f} ms"
        )


if __name__ == "__main__":
    main()
