"""Correspondence register benchmark.

1. Registers --letters incoming letters through the service (gap-free number,
   correspondent, search text, audit entry, one transaction each) and prints
   letters per second, against a baseline of the same number of bare
   transactions that only take a number from the same gap-free sequence.
2. Refers every second letter to a department (a workflow case each) and
   prints referrals per second.
3. Loads --rows more letters straight into the table (bulk insert), then times
   the first page of the register (25 rows) for the registry, which sees
   everything, and for a department head, whose view is limited to the letters
   referred to his department; filtered by a word of the subject and by a
   registration number. The registry's figures are the baseline of the ratio.

    python bench/correspondence_register.py --letters 500 --rows 100000
    python bench/correspondence_register.py --database-url postgres://postgres@127.0.0.1:5432/bench_corr

Without --database-url everything lives in a temporary SQLite database.
Prints figures; asserts nothing.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SUBJECTS = [
    "طلب صيانة الطريق",
    "جدول توزيع المياه",
    "تعميم بشأن الموازنة",
    "مخالفات البناء",
    "دعوة لحضور اجتماع",
    "طلب بيانات استهلاك الكهرباء",
    "تقرير السلامة العامة",
    "تدقيق حسابات الجباية",
]


PASSWORD = "Bench-Pass-2026"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-corr-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("BALADIYA_ENV", "test")
    os.environ["BALADIYA_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)

    from baladiya.core import api as core
    from baladiya.correspondence import selectors, services
    from baladiya.correspondence.models import Letter

    core.configure_organisation(
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
    core.install_default_roles(actor=None)
    core.create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    departments = [
        core.create_department(actor=None, code=code, name_ar=code, name_en=code)
        for code in ("SEC", "ENG", "FIN", "WAT", "HLT")
    ]
    archivist = core.create_staff_user(
        actor=None, username="archivist", password=PASSWORD, first_name="أ", last_name="ب"
    )
    core.assign_role(actor=None, user=archivist, role_key="archivist")
    head = core.create_staff_user(
        actor=None, username="head", password=PASSWORD, first_name="ج", last_name="د"
    )
    core.assign_role(actor=None, user=head, role_key="department-head", department=departments[1])
    services.install_process()
    entity = services.ensure_entity(actor=None, name_ar="وزارة الحكم المحلي")
    rng = random.Random(7)
    today = timezone.localdate()
    print(f"database: {connection.vendor}")

    # 1. Registering letters, against taking numbers alone.
    start = time.perf_counter()
    for _ in range(args.letters):
        with transaction.atomic():
            core.next_number(key=f"bench:baseline:{today.year}")
    baseline = time.perf_counter() - start
    letters = []
    start = time.perf_counter()
    for n in range(args.letters):
        letters.append(
            services.register_letter(
                actor=archivist,
                direction="incoming",
                subject=f"{rng.choice(SUBJECTS)} {n}",
                letter_date=today,
                entity=entity,
            )
        )
    registering = time.perf_counter() - start
    print(
        f"register {args.letters} letters: {args.letters / registering:,.0f}/s "
        f"(numbers only: {args.letters / baseline:,.0f}/s; ratio {registering / baseline:.1f}×)"
    )

    # 2. Referrals (a workflow case each).
    start = time.perf_counter()
    referred = letters[::2]
    for letter in referred:
        services.refer(
            actor=archivist,
            letter_id=letter.pk,
            department=departments[1 + letter.pk % 4],
            due_date=today + dt.timedelta(days=7),
        )
    referring = time.perf_counter() - start
    print(f"refer {len(referred)} letters: {len(referred) / referring:,.0f}/s")

    # 3. The register's first page over a larger table.
    batch = []
    serial = args.letters
    for n in range(args.rows):
        serial += 1
        subject = f"{rng.choice(SUBJECTS)} {n}"
        batch.append(
            Letter(
                direction="incoming",
                number=f"IN-{today.year - 1}-{serial:06d}",
                year=today.year - 1,
                serial=serial,
                letter_date=today,
                registered_at=timezone.now() - dt.timedelta(days=400),
                entity=entity,
                subject=subject,
                search_text=core.normalize_arabic(subject),
                token=f"bench{serial}",
            )
        )
        if len(batch) == 5000:
            Letter.objects.bulk_create(batch)
            batch = []
    Letter.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
            cursor.execute("ANALYZE correspondence_letter")
    print(f"register table: {Letter.objects.count():,} letters")
    wanted = letters[-2].number

    def page(user: object, **filters: object) -> Callable[[], object]:
        def run() -> object:
            qs = selectors.register(user, selectors.LetterFilters(**filters))  # type: ignore[arg-type]
            return list(selectors.with_referrals(qs)[:25])

        return run

    for label, filters in (
        ("newest first", {}),
        ("by number", {"query": wanted}),
        ("by subject word", {"query": "الموازنة"}),
        ("overdue only", {"overdue": True}),
    ):
        registry = statistics.median(timed(page(archivist, **filters), args.repeat))
        scoped = statistics.median(timed(page(head, **filters), args.repeat))
        print(
            f"page 1, {label:16}: registry {registry:7.2f} ms, department head "
            f"{scoped:7.2f} ms (ratio {scoped / registry:.2f}×)"
        )


if __name__ == "__main__":
    main()
