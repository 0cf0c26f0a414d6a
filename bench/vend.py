"""Prepaid vending benchmark on PostgreSQL: sales per second through the vend service.

Each client is a cashier with an open shift at his own charging point, selling
credit to prepaid water meters picked at random (each sale: arrears share, block
tariff from this month's purchases, demand, payment with receipt and ledger entry,
the meter's row lock, TID, STS token, audit). Each client runs in its own process
with its own database connection, as real cashiers are served by separate
app-server processes (threads in one process would all queue on Python's global
interpreter lock, so the figure would measure one core whatever the service
does). The processes are forked after the set-up and start together. As
baselines it times the raw token engine (decoder key + STA credit token) and the
same sales with one client, and prints the ratios, the number of database
statements one sale makes, how much of the clients' time was spent waiting for a
row lock another sale held (sampled from ``pg_stat_activity``), and the CPU time
one sale costs in its client process and its database backend (read from
``/proc`` when the server runs on the same machine), with the rate the machine's
cores could reach at that cost.

    python bench/vend.py                              # 4 clients, 2,000 sales
    python bench/vend.py --clients 8 --sales 4000 --meters 500
    python bench/vend.py --database-url postgres://postgres@127.0.0.1:5432/bench_vend

The database named in the URL is dropped and created again. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
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


def _client(
    n: int, cashier: Any, meters: list[Any], count: int, label: str, barrier: Any, queue: Any
) -> None:
    """One cashier's process: its own connection (opened on first use), then
    ``count`` sales to random meters."""
    from django.db import connection

    from baladiya.vending import services

    rng = random.Random(n)
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        barrier.wait()
        client_cpu, server_cpu = time.process_time(), _cpu_of(backend)
        for i in range(count):
            services.sell(
                actor=cashier,
                meter=rng.choice(meters),
                amount=Decimal(rng.choice([10, 20, 30, 50])),
                idempotency_key=f"{label}-{n}-{i}",
            )
        client_cpu, server_cpu = time.process_time() - client_cpu, _cpu_of(backend) - server_cpu
        queue.put((n, None, client_cpu, server_cpu))
    except BaseException as exc:
        queue.put((n, repr(exc), 0.0, 0.0))


def _cpu_of(pid: int) -> float:
    """CPU seconds used so far by a process of this machine (the client's database
    backend, when the server runs here; 0 otherwise)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LockSampler(threading.Thread):
    """Samples the benchmark database's other backends every 20 ms and counts how
    often a busy one was waiting for a lock (and on what)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.busy = 0
        self.waits: Counter[str] = Counter()
        self.statements: Counter[str] = Counter()

    def run(self) -> None:
        import psycopg

        name = urlparse(self.url).path.lstrip("/")
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT wait_event_type, wait_event, left(query, 100) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() "
                    "AND state IN ('active', 'idle in transaction')",
                    [name],
                ).fetchall()
                for wait_type, wait_event, query in rows:
                    self.busy += 1
                    if wait_type == "Lock":
                        self.waits[wait_event] += 1
                        self.statements[" ".join(query.split())] += 1
                time.sleep(0.02)

    def share(self) -> float:
        return sum(self.waits.values()) / self.busy if self.busy else 0.0


def run_sales(
    cashiers: list[Any], meters: list[Any], sales: int, label: str, url: str
) -> tuple[float, LockSampler, tuple[float, float]]:
    """Sales per second, the lock sampler, and the CPU milliseconds one sale cost
    in the client process and in its database backend."""
    from django.db import connections

    per_client = sales // len(cashiers)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(cashiers) + 1)
    queue = context.Queue()
    connections.close_all()  # a forked child must never share the parent's socket
    processes = [
        context.Process(
            target=_client, args=(n, cashier, meters, per_client, label, barrier, queue)
        )
        for n, cashier in enumerate(cashiers)
    ]
    for process in processes:
        process.start()
    sampler = LockSampler(url)
    sampler.start()
    barrier.wait()
    start = time.perf_counter()
    results = [queue.get() for _process in processes]
    elapsed = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    for process in processes:
        process.join()
    errors = [error for _n, error, _c, _s in results if error is not None]
    if errors:
        raise SystemExit(f"{len(errors)} client(s) failed: {errors[0]}")
    done = per_client * len(cashiers)
    cpu = (
        sum(c for _n, _e, c, _s in results) * 1000 / done,
        sum(s for _n, _e, _c, s in results) * 1000 / done,
    )
    return done / elapsed, sampler, cpu


def queries_per_sale(cashier: Any, meter: Any, key: str = "queries") -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from baladiya.vending import services

    with CaptureQueriesContext(connection) as captured:
        services.sell(actor=cashier, meter=meter, amount=Decimal(20), idempotency_key=key)
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
    queries = queries_per_sale(cashiers[0], meters[0])  # the first sale, on a fresh meter
    later = queries_per_sale(cashiers[0], meters[0], "queries-again")
    one, _one_locks, _one_cpu = run_sales(
        cashiers[:1], meters, max(args.sales // 4, 50), "one", args.database_url
    )
    many, locks, (client_ms, server_ms) = run_sales(
        cashiers, meters, args.sales, "many", args.database_url
    )
    print(f"raw engine (decoder key + credit token): {tokens:10.0f} tokens/s")
    print(f"vend service, 1 client:                  {one:10.1f} vends/s")
    print(f"vend service, {args.clients} clients:                 {many:10.1f} vends/s")
    print(f"scaling {args.clients} clients / 1 client:             {many / one:10.2f}x")
    print(f"raw engine / vend service ({args.clients} clients):   {tokens / many:10.1f}x")
    print(f"database statements per sale:            {queries:10d}")
    print(f"  (the next sale on the same meter:       {later:10d})")
    waits = ", ".join(f"{event} {count}" for event, count in locks.waits.most_common())
    print(
        f"lock waits ({args.clients} clients):                 {locks.share():10.1%}"
        f" of busy samples ({waits or 'none'})"
    )
    for statement, count in locks.statements.most_common(3):
        print(f"    waiting in {statement}…: {count}")
    print(
        f"CPU per sale ({args.clients} clients):               {client_ms + server_ms:10.1f} ms"
        f" (client {client_ms:.1f} ms, database backend {server_ms:.1f} ms;"
        f" {os.cpu_count()} cores could do at most"
        f" {(os.cpu_count() or 1) * 1000 / (client_ms + server_ms):.0f} sales/s)"
    )


if __name__ == "__main__":
    main()
