"""Prepaid vending benchmark on PostgreSQL: sales per second through the vend service.

Each client is a cashier with an open shift at his own charging point, selling
credit to prepaid water meters picked at random (each sale: arrears share, block
tariff from this month's purchases, demand, payment with receipt and ledger entry,
the meter's row lock, TID, STS token, audit). The clients run in threads, each with
its own database connection. As baselines it times the raw token engine (decoder
key + STA credit token) and the same sales with one client, and prints the ratios
and the number of database statements one sale makes.

    python bench/vend.py                              # 4 clients, 2,000 sales
    python bench/vend.py --clients 8 --sales 4000 --meters 500
    python bench/vend.py --database-url postgres://postgres@127.0.0.1:5432/bench_vend

The database named in the URL is dropped and created again. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench-Pass-2026"
sys.path.insert(0, str(ROOT / "src"))


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def engine_tokens_per_second(count: int) -> float:
    from baladiya.utilities import sts

    meter = sts.MeterIdentity("600727000000000009", "123456", "01", 1, 2, 2014, "dkga02")
    vending_key = bytes.fromhex("abababababababab")
    start = time.perf_counter()
    for tid in range(count):
        key = sts.decoder_key(vending_key, meter)
        sts.credit_token(key, subclass=sts.WATER, units=Decimal("12.5"), tid=tid, rnd=tid & 15)
    return count / (time.perf_counter() - start)


def set_up(clients: int, meters: int) -> tuple[list[Any], list[Any]]:
    from django.utils import timezone

    from baladiya.core.services import (
        assign_role,
        configure_organisation,
        create_branch,
        create_staff_user,
        install_default_roles,
        register_person,
    )
    from baladiya.core.tests.factories import ps_mobile, ps_national_id
    from baladiya.finance.api import load_demo_ledger
    from baladiya.revenue import services as revenue
    from baladiya.vending.tests.factories import prepaid_meter, prepaid_tariff

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
    install_default_roles(actor=None)
    load_demo_ledger(today=timezone.localdate())
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    revenue.create_revenue_head(
        actor=None,
        code="water-prepaid",
        name_ar="شحن مياه مسبق الدفع",
        name_en="Prepaid water",
        account_code="4201",
    )
    prepaid_tariff("water")
    cashiers = []
    for n in range(1, clients + 1):
        point = create_branch(
            actor=None,
            code=f"CP{n}",
            name_ar=f"نقطة شحن {n}",
            name_en=f"Charging point {n}",
            kind="charging-point",
        )
        cashier = create_staff_user(
            actor=None,
            username=f"cashier-cp{n}",
            password=PASSWORD,
            first_name="أمين",
            last_name=f"صندوق {n}",
            home_branch=point,
        )
        assign_role(actor=None, user=cashier, role_key="cashier", branch=point)
        revenue.open_shift(actor=cashier, branch=point, opening_float=Decimal("0"))
        cashiers.append(cashier)
    fitted = []
    for n in range(1, meters + 1):
        person = register_person(
            actor=None,
            national_id=ps_national_id(n),
            name_ar=f"مشترك {n}",
            phone=ps_mobile(n),
        )
        fitted.append(prepaid_meter(person, hq, n=n))
    return cashiers, fitted


def run_sales(cashiers: list[Any], meters: list[Any], sales: int, label: str) -> float:
    from django.db import connection

    from baladiya.vending import services

    per_client = sales // len(cashiers)
    barrier = threading.Barrier(len(cashiers) + 1)
    errors: list[BaseException] = []

    def client(n: int, cashier: Any) -> None:
        rng = random.Random(n)
        try:
            barrier.wait()
            for i in range(per_client):
                services.sell(
                    actor=cashier,
                    meter=rng.choice(meters),
                    amount=Decimal(rng.choice([10, 20, 30, 50])),
                    idempotency_key=f"{label}-{n}-{i}",
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n, c)) for n, c in enumerate(cashiers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} client(s) failed: {errors[0]!r}")
    return per_client * len(cashiers) / elapsed


def queries_per_sale(cashier: Any, meter: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from baladiya.vending import services

    with CaptureQueriesContext(connection) as captured:
        services.sell(actor=cashier, meter=meter, amount=Decimal(20), idempotency_key="queries")
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--sales", type=int, default=2000)
    parser.add_argument("--meters", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=20_000, help="raw engine tokens to time")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_vend"
        ),
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="baladiya-bench-vend-"))
    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("BALADIYA_ENV", "test")
    os.environ.setdefault("BALADIYA_DATA_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    cashiers, meters = set_up(args.clients, args.meters)

    tokens = engine_tokens_per_second(args.tokens)
    queries = queries_per_sale(cashiers[0], meters[0])
    one = run_sales(cashiers[:1], meters, max(args.sales // 4, 50), "one")
    many = run_sales(cashiers, meters, args.sales, "many")
    print(f"raw engine (decoder key + credit token): {tokens:10.0f} tokens/s")
    print(f"vend service, 1 client:                  {one:10.1f} vends/s")
    print(f"vend service, {args.clients} clients:                 {many:10.1f} vends/s")
    print(f"scaling {args.clients} clients / 1 client:             {many / one:10.2f}x")
    print(f"raw engine / vend service ({args.clients} clients):   {tokens / many:10.1f}x")
    print(f"database statements per sale:            {queries:10d}")


if __name__ == "__main__":
    main()
