"""Archive search benchmark: N synthetic one-page Arabic/English documents.

Builds the tantivy index directly, chunk by chunk, through the same engine and
Arabic analysis the archive uses (``TantivyEngine.rebuild``: a new generation
swapped in at the end), and times it. Then times top-20 BM25 queries of one,
two and three words with each user's permission filter inside the query, and
the same queries without the filter as a baseline (ratio printed). Finally it
runs a smaller sample of real text PDFs through the whole ingest pipeline
(store, type detection, text layer, thumbnail, index) and prints the rate.

    python bench/archive_search.py                  # 1,000,000 documents
    python bench/archive_search.py --docs 200000 --pdfs 50

Everything lives in a temporary directory (SQLite database, index, files).
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
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

STEMS = [
    "رخص",
    "محل",
    "تجار",
    "بلد",
    "مياه",
    "كهرباء",
    "عقد",
    "قرار",
    "لجن",
    "مجلس",
    "طريق",
    "بناء",
    "ترخيص",
    "مخالف",
    "صحي",
    "نظاف",
    "موازن",
    "ايراد",
    "ضريب",
    "مواطن",
    "شكوى",
    "مشروع",
    "مناقص",
    "عطاء",
    "توريد",
    "صيان",
    "شبك",
    "انار",
    "حديق",
    "سوق",
    "مسلخ",
    "مدرس",
    "مستشف",
    "تنظيم",
    "ارض",
    "قطع",
    "حوض",
    "مخطط",
    "هندس",
    "مالي",
    "موظف",
    "اجاز",
    "راتب",
]
PREFIXES = ["", "ال", "وال", "بال", "لل", "و", "ف"]
SUFFIXES = ["", "ة", "ات", "ية", "ين", "ه", "ها", "هم"]
NAMES = ["أحمد", "محمد", "فاطمة", "خليل", "يوسف", "مريم", "إبراهيم", "سلمى", "عمر", "ليلى"]
ENGLISH = ["licence", "permit", "water", "meter", "contract", "budget", "invoice", "report"]
EVERY_DOC = "البلدية"  # a term in every document (the worst case for one word)
WORDS_PER_PAGE = 150
DEPARTMENTS = 20


def vocabulary(rng: random.Random) -> list[str]:
    words = {p + s + x for s in STEMS for p in PREFIXES for x in SUFFIXES}
    words |= set(NAMES) | set(ENGLISH)
    words |= {f"{rng.randrange(1, 99999)}" for _ in range(2000)}
    return sorted(words)


def synthetic(n: int, chunk: int, seed: int) -> Iterator[list]:
    from baladiya.archive.search import IndexDoc

    rng = random.Random(seed)
    vocab = vocabulary(rng)
    rng.shuffle(vocab)
    cumulative, total = [], 0.0
    for rank in range(len(vocab)):  # Zipf-like word frequencies
        total += 1 / (rank + 1)
        cumulative.append(total)
    levels = ["public", "internal", "internal", "confidential", "secret"]
    start = dt.date(2010, 1, 1)
    batch = []
    for pk in range(1, n + 1):
        words = rng.choices(vocab, cum_weights=cumulative, k=WORDS_PER_PAGE)
        department = rng.randrange(1, DEPARTMENTS + 1)
        level = rng.choice(levels)
        acl = {
            "public": "pub",
            "internal": f"int:{department}",
            "confidential": f"conf:{department}",
            "secret": "",
        }[level]
        tokens = [
            t for t in (acl, f"u:{rng.randrange(1, 500)}", f"rd:department-head:{department}") if t
        ]
        batch.append(
            IndexDoc(
                id=pk,
                title=" ".join(words[:6]),
                text=f"{EVERY_DOC} {' '.join(words)}",
                doc_type=rng.choice(["decision", "contract", "report", "letter"]),
                department_id=department,
                branch_id=None,
                tags=(rng.choice(["مالية", "هندسة", "صحة"]),),
                date=start + dt.timedelta(days=rng.randrange(0, 5800)),
                acl=tuple(tokens),
            )
        )
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=60, help="queries per kind")
    parser.add_argument("--pdfs", type=int, default=40, help="text PDFs through the pipeline")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="baladiya-bench-archive-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("BALADIYA_ENV", "test")
    os.environ["BALADIYA_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.config.settings")
    import django

    django.setup()
    from baladiya.archive.search import SearchRequest, TantivyEngine

    engine = TantivyEngine(workdir / "bench-index")
    print(f"documents: {args.docs:,} one-page ({WORDS_PER_PAGE} words), chunks of {args.chunk:,}")
    started = time.perf_counter()
    count = engine.rebuild(synthetic(args.docs, args.chunk, seed=2026), resume=False)
    build = time.perf_counter() - started
    print(f"full index build: {build:,.1f} s ({count / build:,.0f} documents/s)")

    rng = random.Random(7)
    vocab = vocabulary(random.Random(2026))
    arabic = [w for w in vocab if not w.isdigit() and w not in ENGLISH]
    # An archivist of two departments with a few grants: realistic token count.
    acl = frozenset(
        {"pub", "int:3", "int:7", "conf:3", "u:42", "r:archivist", "rd:archivist:3", "d:3"}
    )
    kinds = {
        "1 word (in every document)": [[EVERY_DOC] for _ in range(args.queries)],
        "1 word": [[rng.choice(arabic)] for _ in range(args.queries)],
        "2 words": [[EVERY_DOC, rng.choice(arabic)] for _ in range(args.queries)],
        "3 words": [rng.sample(arabic, 3) for _ in range(args.queries)],
    }
    for words in next(iter(kinds.values()))[:5]:  # warm the caches
        engine.search(SearchRequest(query=" ".join(words), acl=acl))
    print(
        f"{'query':32} {'p50 ms':>8} {'p95 ms':>8} {'unfiltered p95':>15} {'ratio':>6} {'hits':>10}"
    )
    for label, queries in kinds.items():
        filtered, unfiltered, hits = [], [], 0
        for words in queries:
            text = " ".join(words)
            t0 = time.perf_counter()
            result = engine.search(SearchRequest(query=text, acl=acl, limit=20))
            filtered.append(time.perf_counter() - t0)
            hits += result.total
            t0 = time.perf_counter()
            engine.search(SearchRequest(query=text, acl=None, limit=20))
            unfiltered.append(time.perf_counter() - t0)
        p50, p95 = percentiles(filtered)
        _b50, b95 = percentiles(unfiltered)
        print(
            f"{label:32} {p50:8.1f} {p95:8.1f} {b95:15.1f} {p95 / b95 if b95 else 0:6.2f}"
            f" {hits // len(queries):10,}"
        )

    ingest_rate(args.pdfs, workdir)


def ingest_rate(n: int, workdir: Path) -> None:
    """N text PDFs through the real pipeline (eager tasks: store → ingest → index)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from baladiya.archive import services
    from baladiya.archive.tests.helpers import text_pdf
    from baladiya.core.services import configure_organisation, create_department

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
    department = create_department(actor=None, code="SEC", name_ar="السكرتاريا", name_en="SEC")
    services.ensure_document_type(key="letter", name_ar="كتاب", name_en="Letter")
    rng = random.Random(3)
    vocab = vocabulary(rng)
    pdfs = [
        text_pdf(f"كتاب رقم {i}", " ".join(rng.choices(vocab, k=WORDS_PER_PAGE))) for i in range(n)
    ]
    started = time.perf_counter()
    for i, data in enumerate(pdfs):
        services.store_document(
            actor=None,
            file=data,
            filename=f"{i}.pdf",
            title=f"كتاب رقم {i}",
            doc_type="letter",
            department=department,
        )
    elapsed = time.perf_counter() - started
    print(
        f"ingest, text PDFs through the pipeline: {n} in {elapsed:.1f} s "
        f"({n / elapsed:.1f} documents/s, {elapsed / n * 1000:.0f} ms each)"
    )
    from baladiya.archive import tasks

    started = time.perf_counter()
    tasks.reindex(chunk_size=500, resume=False)
    print(f"reindex from the database ({n} documents): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
