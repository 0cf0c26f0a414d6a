"""Complaint lifecycle over HTTP against `baladiya serve` on PostgreSQL.

Each lifecycle is five API calls made by three people: a citizen files a
complaint (POST /api/v1/complaints/), a clerk assigns it to an inspector
(POST …/assign/), the inspector starts work (POST …/actions/) and resolves it
(POST /api/v1/complaints/<ref>/resolve/), and the clerk searches for it
(GET /api/v1/cases/?q=<ref>).

The run is made twice in one go: on an empty database, then after loading
--existing cases (default 1,000,000) straight into the tables with COPY. Before
each run the database is vacuumed, analysed and checkpointed (as a database of
that size is after years of use), so neither run pays for the set-up or the
load in autovacuum or checkpoint writes. It prints lifecycles per second,
p50/p95 per call, and the ratio of the two runs.

    python bench/complaint_lifecycle.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_complaints

The database named in the URL is dropped and created again. Only loopback
addresses are used; every loop is bounded by --lifecycles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

import requests

CALLS = ["create", "assign", "start", "resolve", "search"]
PASSWORD = "Bench-Pass-2026"


def sh_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "BALADIYA_ENV": "demo",
            "BALADIYA_DATA_DIR": str(data_dir),
            "DATABASE_URL": args.database_url,
            "ACCESS_LOG": "false",
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.threads),
            "CONN_MAX_AGE": "600",
            "SMS_BACKEND": "baladiya.core.sms.LocmemSMSBackend",
        }
    )
    if args.broker:
        env["CELERY_BROKER_URL"] = args.broker
    return env


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


SETUP = r"""
import django, json, sys
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from baladiya.core.services import (configure_organisation, install_default_roles,
    create_branch, create_department, create_staff_user, assign_role, register_person,
    create_party_login)
from baladiya.core.profiles import luhn_check_digit
from baladiya.onestop.services import load_catalogue
from baladiya.workflow import api as workflow
from rest_framework.authtoken.models import Token
configure_organisation(actor=None, profile="taffouh", name_ar="بلدية تفوح",
    name_en="Taffouh Municipality", country="PS", currency="ILS", time_zone="Asia/Hebron",
    calendar="gregorian", default_language="ar", reference_prefix="TAF")
install_default_roles(actor=None)
load_catalogue(actor=None)
workflow.install_definition(actor=None, spec=workflow.process_spec("complaint"))
hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
deps = {c: create_department(actor=None, code=c, name_ar=c, name_en=c)
        for c in ("CS", "ENG", "HLT", "WAT", "ELC")}
clerk = create_staff_user(actor=None, username="clerk", password=sys.argv[1], first_name="c",
                          last_name="c", home_branch=hq)
assign_role(actor=None, user=clerk, role_key="clerk", branch=hq)
inspector = create_staff_user(actor=None, username="inspector", password=sys.argv[1],
                              first_name="i", last_name="i", home_branch=hq)
assign_role(actor=None, user=inspector, role_key="inspector")
tokens = {"clerk": Token.objects.create(user=clerk).key,
          "inspector": Token.objects.create(user=inspector).key, "citizens": []}
for n in range(int(sys.argv[2])):
    stem = "46" + str(n).zfill(6)
    party = register_person(actor=None, national_id=stem + luhn_check_digit(stem),
                            name_ar="مواطن " + str(n), phone="0599" + str(n).zfill(6))
    user = create_party_login(actor=None, party=party, password=sys.argv[1], role_key="citizen")
    tokens["citizens"].append(Token.objects.create(user=user).key)
complaint = workflow.active_definition("complaint")
ids = {"states": {s.key: s.pk for s in complaint.states.all()},
       "definition": complaint.pk,
       "branch": hq.pk, "departments": {c: d.pk for c, d in deps.items()},
       "parties": [t.user.party_id for t in Token.objects.select_related("user")
                   if t.user.party_id]}
print(json.dumps({"tokens": tokens, "ids": ids}))
"""


def setup(args: argparse.Namespace, env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SETUP, PASSWORD, str(args.clients)],
        env={**env, "DJANGO_SETTINGS_MODULE": "baladiya.config.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def settle(url: str) -> None:
    """Vacuum, analyse and checkpoint, so neither run pays for what came before it
    (the set-up, or the bulk load) in autovacuum or checkpoint writes."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")


def bulk_load(url: str, ids: dict, count: int) -> float:
    """Insert ``count`` historical complaints (cases, complaints, history) with COPY."""
    import psycopg

    started = time.perf_counter()
    rng = random.Random(7)
    states = ids["states"]
    closed_states = [states["closed"]] * 8 + [states["rejected"]]
    open_states = [states["new"], states["in-progress"], states["resolved"]]
    categories = [
        ("pothole", "ENG"),
        ("garbage", "HLT"),
        ("streetlight", "ELC"),
        ("water-leak", "WAT"),
        ("other", "CS"),
    ]
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2025, 12, 31, tzinfo=dt.UTC) - start).total_seconds()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM workflow_case")
        first_id = cur.fetchone()[0] + 1
        per_year: dict[int, int] = defaultdict(int)
        batch = 100_000
        for offset in range(0, count, batch):
            cases, complaints, events = io.StringIO(), io.StringIO(), io.StringIO()
            for i in range(offset, min(offset + batch, count)):
                case_id = first_id + i
                when = start + dt.timedelta(seconds=rng.random() * span)
                per_year[when.year] += 1
                reference = f"TAF-{when.year}-{per_year[when.year]:07d}"
                code, dep = categories[i % len(categories)]
                closed = rng.random() < 0.95
                state = rng.choice(closed_states if closed else open_states)
                closed_at = (when + dt.timedelta(days=3)).isoformat() if closed else r"\N"
                due = r"\N" if closed else (when + dt.timedelta(days=1)).isoformat()
                party = rng.choice(ids["parties"])
                cases.write(
                    "\t".join(
                        [
                            str(case_id),
                            reference,
                            str(ids["definition"]),
                            "complaint",
                            str(party),
                            "",
                            "",
                            "",
                            "0000",
                            str(ids["branch"]),
                            str(ids["departments"][dep]),
                            str(state),
                            r"\N",
                            "portal",
                            code,
                            json.dumps({"category": code}),
                            when.isoformat(),
                            when.isoformat(),
                            due,
                            r"\N",
                            r"\N",
                            closed_at,
                            when.isoformat(),
                            r"\N",
                        ]
                    )
                    + "\n"
                )
                complaints.write(
                    "\t".join(
                        [
                            str(case_id),
                            code,
                            "historical complaint",
                            "31.540000",
                            "35.050000",
                            "",
                            "",
                            r"\N",
                            r"\N",
                            "",
                            r"\N",
                            "0",
                        ]
                    )
                    + "\n"
                )
                events.write(
                    "\t".join(
                        [
                            str(case_id),
                            when.isoformat(),
                            r"\N",
                            "submitted",
                            "",
                            "",
                            "",
                            r"\N",
                            str(states["new"]),
                            "",
                            "t",
                        ]
                    )
                    + "\n"
                )
            with cur.copy(
                "COPY workflow_case (id, reference, definition_id, service_key, applicant_id, "
                "contact_name, contact_phone, contact_email, phone_last4, branch_id, "
                "department_id, state_id, assignee_id, channel, title, data, submitted_at, "
                "state_entered_at, due_at, process_due_at, escalated_at, closed_at, "
                "updated_at, idempotency_key) FROM STDIN"
            ) as copy:
                copy.write(cases.getvalue())
            with cur.copy(
                "COPY complaint_complaint (case_id, category, description, latitude, "
                "longitude, address, resolution_note, resolved_at, rating, rating_comment, "
                "rated_at, reopened_count) FROM STDIN"
            ) as copy:
                copy.write(complaints.getvalue())
            with cur.copy(
                "COPY workflow_caseevent (case_id, at, actor_id, kind, action_key, "
                "action_name_ar, action_name_en, from_state_id, to_state_id, comment, public) "
                "FROM STDIN"
            ) as copy:
                copy.write(events.getvalue())
            conn.commit()
            print(f"  loaded {min(offset + batch, count):,} cases", flush=True)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('workflow_case', 'id'), "
            "(SELECT MAX(id) FROM workflow_case))"
        )
        conn.commit()
    # The state a database of a million cases is in after years of use: its
    # tables vacuumed and analysed, nothing left for autovacuum to do or the
    # checkpointer to write while the load runs.
    settle(url)
    return time.perf_counter() - started


class Server:
    def __init__(self, args: argparse.Namespace, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{args.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "baladiya",
                "serve",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--no-collectstatic",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/api/v1/organisation/", timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        self.process.wait(timeout=30)


def lifecycle_load(url: str, tokens: dict, lifecycles: int, clients: int) -> dict:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(lifecycles))

    def worker(n: int) -> None:
        citizen = requests.Session()
        citizen.headers["Authorization"] = f"Token {tokens['citizens'][n]}"
        clerk = requests.Session()
        clerk.headers["Authorization"] = f"Token {tokens['clerk']}"
        inspector = requests.Session()
        inspector.headers["Authorization"] = f"Token {tokens['inspector']}"
        rng = random.Random(n)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            calls = []
            try:
                t = time.perf_counter()
                r = citizen.post(
                    url + "/api/v1/complaints/",
                    timeout=30,
                    json={
                        "category": "pothole",
                        "description": f"bench pothole {i}",
                        "latitude": f"{31.54 + rng.random() / 100:.6f}",
                        "longitude": f"{35.05 + rng.random() / 100:.6f}",
                    },
                )
                r.raise_for_status()
                ref = r.json()["reference"]
                calls.append(("create", time.perf_counter() - t))
                t = time.perf_counter()
                clerk.post(
                    f"{url}/api/v1/cases/{ref}/assign/", timeout=30, json={"assignee": "inspector"}
                ).raise_for_status()
                calls.append(("assign", time.perf_counter() - t))
                t = time.perf_counter()
                inspector.post(
                    f"{url}/api/v1/cases/{ref}/actions/", timeout=30, json={"action": "start"}
                ).raise_for_status()
                calls.append(("start", time.perf_counter() - t))
                t = time.perf_counter()
                inspector.post(
                    f"{url}/api/v1/complaints/{ref}/resolve/", timeout=30, json={"note": "filled"}
                ).raise_for_status()
                calls.append(("resolve", time.perf_counter() - t))
                t = time.perf_counter()
                r = clerk.get(f"{url}/api/v1/cases/", timeout=30, params={"q": ref})
                r.raise_for_status()
                calls.append(("search", time.perf_counter() - t))
            except requests.RequestException as exc:
                with lock:
                    errors.append(f"{exc} {getattr(exc.response, 'text', '')[:200]}")
                continue
            with lock:
                for name, seconds in calls:
                    timings[name].append(seconds)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = len(timings["search"])
    return {
        "elapsed": elapsed,
        "done": done,
        "rate": done / elapsed,
        "timings": timings,
        "errors": errors,
    }


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def report(label: str, result: dict) -> None:
    print(
        f"\n{label}: {result['done']} lifecycles in {result['elapsed']:.1f} s = "
        f"{result['rate']:.1f} lifecycles/s ({len(result['errors'])} errors)"
    )
    for name in CALLS:
        values = result["timings"][name]
        print(
            f"  {name:<8} p50 {pct(values, 50):7.1f} ms   p95 {pct(values, 95):7.1f} ms   "
            f"mean {statistics.fmean(values) * 1000 if values else float('nan'):7.1f} ms"
        )
    for error in result["errors"][:3]:
        print("  error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bench_complaints"
    )
    parser.add_argument("--existing", type=int, default=1_000_000)
    parser.add_argument("--lifecycles", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn worker processes (default: one per core; the threads wait on I/O)",
    )
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument(
        "--broker",
        default="redis://127.0.0.1:6379/9",
        help="Celery broker for notifications ('' = run them in the request)",
    )
    args = parser.parse_args()
    if urllib.parse.urlparse(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("this benchmark only runs against a local database")
    data_dir = Path(tempfile.mkdtemp(prefix="baladiya-bench-"))
    env = sh_env(args, data_dir)
    try:
        print(
            f"database {args.database_url}; {args.workers} workers × {args.threads} threads; "
            f"{args.clients} clients; {os.cpu_count()} CPUs"
        )
        recreate_database(args.database_url)
        ids = setup(args, env)
        settle(args.database_url)
        server = Server(args, env)
        try:
            lifecycle_load(server.url, ids["tokens"], min(40, args.lifecycles), args.clients)
            empty = lifecycle_load(server.url, ids["tokens"], args.lifecycles, args.clients)
        finally:
            server.stop()
        report("empty database", empty)
        print(f"\nloading {args.existing:,} existing cases …")
        seconds = bulk_load(args.database_url, ids["ids"], args.existing)
        print(f"  loaded in {seconds:.0f} s")
        server = Server(args, env)
        try:
            lifecycle_load(server.url, ids["tokens"], min(40, args.lifecycles), args.clients)
            full = lifecycle_load(server.url, ids["tokens"], args.lifecycles, args.clients)
        finally:
            server.stop()
        report(f"with {args.existing:,} existing cases", full)
        print(
            f"\nratio (full / empty): {full['rate'] / empty['rate']:.2f} "
            f"(1.00 = no slower; the target is at least 0.90)"
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
