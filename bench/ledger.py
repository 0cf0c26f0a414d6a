"""Ledger benchmark: post N journal lines on PostgreSQL, then time the trial
balance of the year (read from the per-period balance table) against the same
totals computed from the raw lines.

    python bench/ledger.py                      # 1,000,000 lines
    python bench/ledger.py --lines 200000
    python bench/ledger.py --database-url postgres://postgres@127.0.0.1:5432/baladiya_bench

The database named in the URL is dropped and created again (unless --keep).
Prints figures; asserts nothing. Target: trial balance for a year under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baladiya_bench"
        ),
    )
    parser.add_argument("--batch-lines", type=int, default=40_000)
    parser.add_argument("--keep", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()

    if not args.keep:
        recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("BALADIYA_ENV", "test")
    os.environ.setdefault("BALADIYA_DATA_DIR", str(Path(tempfile.gettempdir()) / "baladiya-bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.config.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum

    call_command("migrate", verbosity=0)

    from baladiya.core.services import configure_organisation
    from baladiya.finance import selectors, services
    from baladiya.finance.models import JournalLine
    from baladiya.finance.services import EntrySpec, LineSpec

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
    services.load_municipal_chart(actor=None)
    services.open_fiscal_year(actor=None, year=2025)
    year = services.open_fiscal_year(actor=None, year=2026)

    rng = random.Random(2026)
    cash = ["1101", "1102", "1103", "1104", "1105"]
    revenue = ["4101", "4102", "4103", "4104", "4201", "4202", "4203", "4301", "4302", "4401"]
    heads = [f"head-{n}" for n in range(40)]
    start = dt.date(2025, 1, 1)
    days = (dt.date(2026, 12, 31) - start).days + 1

    def entry() -> EntrySpec:
        amounts = [Decimal(rng.randint(100, 500_000)) / 100 for _ in range(3)]
        return EntrySpec(
            date=start + dt.timedelta(days=rng.randrange(days)),
            lines=[
                LineSpec(rng.choice(cash), debit=sum(amounts, Decimal(0))),
                *(
                    LineSpec(rng.choice(revenue), credit=a, analysis=rng.choice(heads))
                    for a in amounts
                ),
            ],
            source="bench",
        )

    already = JournalLine.objects.count()
    target = max(args.lines - already, 0)
    per_batch = max(args.batch_lines // 4, 1)
    print(f"Posting {target:,} lines ({target // 4:,} entries of 4 lines) on {connection.vendor}…")
    posted = 0
    t0 = time.perf_counter()
    while posted < target:
        n = min(per_batch, (target - posted + 3) // 4)
        posted += services.post_entries_bulk(actor=None, entries=[entry() for _ in range(n)])
        elapsed = time.perf_counter() - t0
        print(
            f"  {already + posted:>10,} lines  {elapsed:7.1f} s  ({posted / elapsed:,.0f} lines/s)"
        )
    load_time = time.perf_counter() - t0

    # Single postings through the full service (what a receipt costs).
    t0 = time.perf_counter()
    singles = 200
    for _ in range(singles):
        spec = entry()
        spec.date = dt.date(2026, 6, 15)
        services.post_entry(actor=None, date=spec.date, lines=spec.lines, source="bench")
    single_ms = (time.perf_counter() - t0) / singles * 1000

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total_lines = JournalLine.objects.count()

    def timed(fn, runs: int = 7) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t)
        return min(samples), statistics.median(samples)

    tb_best, tb_median = timed(lambda: selectors.trial_balance(user=None, year=year))
    tb = selectors.trial_balance(user=None, year=year)

    def from_lines() -> None:
        list(
            JournalLine.objects.filter(period__year=year)
            .values("account")
            .annotate(d=Sum("debit"), c=Sum("credit"))
        )

    raw_best, raw_median = timed(from_lines, runs=3)
    ipsas_best, _m = timed(lambda: selectors.ipsas_cash_statement(user=None, year=year))
    totals = selectors.ledger_totals()

    rate = posted / max(load_time, 1e-9)
    ms = 1000
    print()
    print(f"journal lines in the database     {total_lines:>14,}")
    print(f"bulk posting                      {load_time:>12.1f} s  ({rate:,.0f} lines/s)")
    print(f"one entry through post_entry()    {single_ms:>12.1f} ms (4 lines, audited)")
    print(
        f"trial balance {year.code} (balance table)  "
        f"best {tb_best * ms:8.1f} ms, median {tb_median * ms:8.1f} ms"
    )
    print(
        f"  same totals from raw lines      "
        f"best {raw_best * ms:8.1f} ms, median {raw_median * ms:8.1f} ms"
    )
    print(f"IPSAS cash statement {year.code}       best {ipsas_best * ms:8.1f} ms")
    print(f"trial balance balanced: {tb.meta['balanced']} · accounts: {len(tb.rows)}")
    print(
        "ledger: lines debit = credit: "
        f"{totals['line_debit'] == totals['line_credit']}, balance table = lines: "
        f"{totals['balance_debit'] == totals['line_debit']}"
    )
    print(f"target < 1 s for the trial balance: {'met' if tb_median < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
