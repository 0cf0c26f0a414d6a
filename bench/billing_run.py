"""Postpaid billing run benchmark: bill N water connections for one cycle.

Loads N subscribers, connections, meters and readings straight into the
tables, then times ``execute_billing_run`` (the Celery task's body): a
demand in revenue with a line per block for each connection, the bill row,
arrears. As a baseline it times the tariff arithmetic alone for the same
connections (no database), and prints the ratio.

    python bench/billing_run.py                                   # SQLite, 100,000
    python bench/billing_run.py --connections 20000
    python bench/billing_run.py --database-url postgres://postgres@127.0.0.1:5432/bench_billing
    python bench/billing_run.py --connections 10000 --profile billing.prof

The database (SQLite file in a temporary directory, or the PostgreSQL
database named in the URL) is created afresh. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--profile", default="", help="write cProfile statistics of the billing run to this file"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="baladiya-bench-billing-"))
    if args.database_url:
        recreate_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("BALADIYA_ENV", "test")
    os.environ.setdefault("BALADIYA_DATA_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.config.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)

    from baladiya.core.models import Party
    from baladiya.core.services import configure_organisation, create_branch
    from baladiya.utilities import pricing, selectors, services
    from baladiya.utilities.models import Connection, Meter, Reading

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
    branch = create_branch(
        actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters"
    )
    services.ensure_revenue_heads()
    tariff = services.create_tariff(
        actor=None,
        code="water-res",
        name_ar="مياه منزلي",
        name_en="Residential water",
        utility="water",
        category="residential",
        mode="postpaid",
    )
    services.add_tariff_version(
        actor=None,
        tariff=tariff,
        effective_from=dt.date(2020, 1, 1),
        blocks=[(0, 10, "2"), (10, 20, "2.5"), (20, 30, "8"), (30, None, "10")],
        consumption_head="water-consumption",
        vat_percent=Decimal(16),
        vat_head="utility-vat",
        charges=[
            services.ChargeSpec("fixed", "water-fixed", "رسم ثابت", "Fixed charge", Decimal(5)),
        ],
    )
    cycle = services.open_cycle(
        actor=None,
        utility="water",
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 1, 31),
        due_date=dt.date(2026, 2, 20),
    )

    n = args.connections
    rng = random.Random(2026)
    print(f"Loading {n:,} connections with meters and readings on {connection.vendor}…")
    t0 = time.perf_counter()
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            parties = Party.objects.bulk_create(
                Party(kind="person", name_ar=f"مشترك {start + i}", name_en="", phone="0599000000")
                for i in range(size)
            )
            connections = Connection.objects.bulk_create(
                Connection(
                    number=f"W-{start + i:07d}",
                    party=party,
                    utility="water",
                    category="residential",
                    branch=branch,
                    zone=f"Z{(start + i) % 12:02d}",
                    address="-",
                    status="active",
                )
                for i, party in enumerate(parties)
            )
            meters = Meter.objects.bulk_create(
                Meter(
                    connection=c,
                    serial=f"WM-{c.number}",
                    installed_on=dt.date(2025, 1, 1),
                    initial_read=Decimal(100),
                )
                for c in connections
            )
            Reading.objects.bulk_create(
                Reading(
                    meter=m,
                    connection_id=m.connection_id,
                    cycle=cycle,
                    read_on=dt.date(2026, 1, 31),
                    value=Decimal(100) + (units := Decimal(rng.randint(0, 60))),
                    consumption=units,
                )
                for m in meters
            )
    print(f"  loaded in {time.perf_counter() - t0:.1f} s")

    # Baseline: the tariff arithmetic alone for the same consumptions.
    schedule = selectors.schedule_of(
        selectors.tariff_version(
            utility="water", category="residential", mode="postpaid", on=cycle.period_from
        )
    )
    units = list(Reading.objects.values_list("consumption", flat=True))
    t0 = time.perf_counter()
    for u in units:
        pricing.bill_lines(schedule, u, currency="ILS")
    baseline = time.perf_counter() - t0

    # How much of the run is spent in revenue (the batch of demands, the arrears).
    from baladiya.revenue import api as revenue_api

    spent = {"create_demands": 0.0, "amounts_owed": 0.0}

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return wrapper

    for name in spent:
        setattr(revenue_api, name, timed(name, getattr(revenue_api, name)))

    run = services.start_billing_run(actor=None, cycle=cycle)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0, cpu0 = time.perf_counter(), time.process_time()
    run = services.execute_billing_run(run_id=run.pk)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)

    print(f"Billing run on {connection.vendor}: {run.billed:,} connections billed")
    print(
        f"  {elapsed:.1f} s, {run.billed / elapsed:,.0f} connections/s (target: {n:,} under 60 s)"
    )
    print(f"  CPU time of this process: {cpu:.1f} s (SQLite works in it, PostgreSQL does not)")
    print(f"  baseline, tariff arithmetic only: {baseline:.2f} s, {len(units) / baseline:,.0f}/s")
    print(f"  ratio run / arithmetic: {elapsed / baseline:.1f}×")
    for name, seconds in spent.items():
        print(f"  of which revenue.{name}: {seconds:.1f} s ({100 * seconds / elapsed:.0f} %)")


if __name__ == "__main__":
    main()
