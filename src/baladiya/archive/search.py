"""The archive's search engine behind a small interface.

The database is the source of truth; the engine only answers queries. The
default engine is a local tantivy index (BM25) under ``ARCHIVE_SEARCH_DIR``
(default ``DATA_DIR / "search"``). Another engine (e.g. OpenSearch) can take its
place by implementing :class:`SearchEngine` and naming it in the
``ARCHIVE_SEARCH_ENGINE`` setting.

The permission filter is part of every query: each indexed document carries
access tokens (``acl``), each user a set of tokens, and a hit needs one in
common. Nothing is ever filtered after the top N are taken.

Layout on disk::

    <dir>/archive/CURRENT          name of the live generation (swapped atomically)
    <dir>/archive/<generation>/    one tantivy index
    <dir>/archive/BUILDING         the generation being rebuilt and the last id done
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import tantivy
from django.conf import settings
from django.utils.module_loading import import_string

from baladiya.archive import analysis

EXACT_BOOST = 2.0
WRITER_HEAP = 15_000_000  # one document or a few: the smallest writer tantivy allows
REBUILD_HEAP = 256_000_000  # a rebuild chunk: a large writer on every core


@dataclass(frozen=True)
class IndexDoc:
    id: int
    title: str
    text: str
    doc_type: str
    department_id: int
    branch_id: int | None
    tags: tuple[str, ...]
    date: dt.date | None
    acl: tuple[str, ...]


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    acl: frozenset[str] | None = None  # None: no permission filter (superuser / rebuild checks)
    doc_type: str = ""
    department_id: int | None = None
    branch_id: int | None = None
    tags: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class EngineHit:
    document_id: int
    score: float


@dataclass(frozen=True)
class EngineResult:
    hits: list[EngineHit]
    total: int
    terms: frozenset[str] = field(default_factory=frozenset)


class SearchEngine(Protocol):
    def index(self, docs: Iterable[IndexDoc]) -> None: ...
    def delete(self, ids: Iterable[int]) -> None: ...
    def search(self, request: SearchRequest) -> EngineResult: ...
    def suggest(self, prefix: str, acl: frozenset[str] | None, limit: int = 10) -> list[int]: ...
    def count(self, request: SearchRequest) -> int: ...
    def rebuild(self, chunks: Iterator[list[IndexDoc]], *, resume: bool = True) -> int: ...
    def resume_after(self) -> int: ...


def date_key(value: dt.date | None) -> int:
    return value.year * 10000 + value.month * 100 + value.day if value else 0


def query_terms(text: str) -> list[tuple[str, str]]:
    """The (exact, stem) pairs of a query, in order, without repeats."""
    seen: dict[str, str] = {}
    for token in analysis.exact_tokens(text):
        seen.setdefault(token, analysis.stem(token))
    return list(seen.items())


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("x", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("s", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("acl", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("type", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("tag", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("dept", indexed=True, fast=True)
    builder.add_integer_field("branch", indexed=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True)
    return builder.build()


class TantivyEngine:
    """A tantivy index on local disk; one writer at a time per process."""

    _lock = threading.Lock()

    def __init__(self, directory: Path | str) -> None:
        self.root = Path(directory) / "archive"
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._generation = ""

    # -- locations ------------------------------------------------------------
    def _current(self) -> str:
        try:
            return (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return ""

    def _open(self) -> tantivy.Index:
        generation = self._current()
        if not generation:
            generation = self._swap_in(self._new_generation())
        if self._index is None or generation != self._generation:
            self._index = tantivy.Index(self.schema, path=str(self.root / generation))
            self._generation = generation
        return self._index

    def _new_generation(self) -> str:
        name = f"g{time.time_ns()}"
        (self.root / name).mkdir(parents=True)
        tantivy.Index(self.schema, path=str(self.root / name))
        return name

    def _swap_in(self, generation: str) -> str:
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(generation)
        os.replace(tmp, self.root / "CURRENT")
        for old in self.root.iterdir():
            if old.is_dir() and old.name not in (generation, self._building()[0]):
                shutil.rmtree(old, ignore_errors=True)
        return generation

    def _building(self) -> tuple[str, int]:
        try:
            state = json.loads((self.root / "BUILDING").read_text())
            return state["generation"], int(state["last_id"])
        except (FileNotFoundError, ValueError, KeyError):
            return "", 0

    # -- writing ----------------------------------------------------------------
    def _document(self, doc: IndexDoc) -> tantivy.Document:
        exact = analysis.exact_tokens(f"{doc.title}\n{doc.text}")
        title_tokens = analysis.exact_tokens(doc.title)
        # The title counts twice: a word in the title ranks above one in the body.
        values: dict[str, object] = {
            "id": doc.id,
            "x": " ".join([*title_tokens, *exact]),
            "s": " ".join(analysis.stem_tokens([*title_tokens, *exact])),
            "acl": list(doc.acl),
            "type": doc.doc_type,
            "tag": [t.casefold() for t in doc.tags] or [""],
            "dept": doc.department_id,
            "branch": doc.branch_id or 0,
            "date": date_key(doc.date),
        }
        return tantivy.Document.from_dict(values, self.schema)

    def _write(
        self,
        index: tantivy.Index,
        docs: Iterable[IndexDoc],
        deletes: Iterable[int],
        *,
        bulk: bool = False,
    ) -> int:
        writer = (
            index.writer(heap_size=REBUILD_HEAP, num_threads=0)
            if bulk
            else index.writer(heap_size=WRITER_HEAP, num_threads=1)
        )
        count = 0
        try:
            for pk in deletes:
                writer.delete_documents_by_term("id", pk)
            for doc in docs:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))
                count += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        index.reload()
        return count

    def index(self, docs: Iterable[IndexDoc]) -> None:
        docs = list(docs)
        with self._lock:
            self._write(self._open(), docs, ())
            building, _ = self._building()
            if building:  # keep a rebuild in progress in step too
                self._write(tantivy.Index(self.schema, path=str(self.root / building)), docs, ())

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        with self._lock:
            self._write(self._open(), (), ids)
            building, _ = self._building()
            if building:
                self._write(tantivy.Index(self.schema, path=str(self.root / building)), (), ids)

    def rebuild(self, chunks: Iterator[list[IndexDoc]], *, resume: bool = True) -> int:
        """Build a new generation chunk by chunk (each chunk committed and recorded,
        so an interrupted rebuild resumes after the last chunk done), then swap it in.

        ``chunks`` must yield documents in ascending id order, starting after
        :meth:`resume_after`."""
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True)
            generation, _ = self._building()
            if not (resume and generation and (self.root / generation).is_dir()):
                generation = self._new_generation()
                self._record_progress(generation, 0)
        index = tantivy.Index(self.schema, path=str(self.root / generation))
        total = 0
        for chunk in chunks:
            if not chunk:
                continue
            with self._lock:
                total += self._write(index, chunk, (), bulk=True)
                self._record_progress(generation, chunk[-1].id)
        with self._lock:
            (self.root / "BUILDING").unlink(missing_ok=True)
            self._swap_in(generation)
            self._index = None
        return total

    def resume_after(self) -> int:
        """The last id of an interrupted rebuild (0 when none is in progress)."""
        generation, last_id = self._building()
        return last_id if generation and (self.root / generation).is_dir() else 0

    def _record_progress(self, generation: str, last_id: int) -> None:
        tmp = self.root / "BUILDING.tmp"
        tmp.write_text(json.dumps({"generation": generation, "last_id": last_id}))
        os.replace(tmp, self.root / "BUILDING")

    # -- reading ----------------------------------------------------------------
    def _query(self, request: SearchRequest) -> tuple[tantivy.Query, frozenset[str]]:
        schema = self.schema
        must: list[tuple[tantivy.Occur, tantivy.Query]] = []
        terms: set[str] = set()
        for exact, stemmed in query_terms(request.query):
            terms.update((exact, stemmed))
            word = tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(
                            tantivy.Query.term_query(schema, "x", exact), EXACT_BOOST
                        ),
                    ),
                    (tantivy.Occur.Should, tantivy.Query.term_query(schema, "s", stemmed)),
                ]
            )
            must.append((tantivy.Occur.Must, word))
        filters: list[tantivy.Query] = []
        if request.acl is not None:
            filters.append(tantivy.Query.term_set_query(schema, "acl", sorted(request.acl)))
        if request.doc_type:
            filters.append(tantivy.Query.term_query(schema, "type", request.doc_type))
        if request.department_id:
            filters.append(tantivy.Query.term_query(schema, "dept", request.department_id))
        if request.branch_id:
            filters.append(tantivy.Query.term_query(schema, "branch", request.branch_id))
        for tag in request.tags:
            filters.append(tantivy.Query.term_query(schema, "tag", tag.casefold()))
        if request.date_from or request.date_to:
            filters.append(
                tantivy.Query.range_query(
                    schema,
                    "date",
                    tantivy.FieldType.Integer,
                    date_key(request.date_from) if request.date_from else None,
                    date_key(request.date_to) if request.date_to else None,
                )
            )
        if not must:
            must.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        for query in filters:
            must.append((tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)))
        return tantivy.Query.boolean_query(must), frozenset(terms)

    def search(self, request: SearchRequest) -> EngineResult:
        if request.acl is not None and not request.acl:
            return EngineResult([], 0)
        index = self._open()
        searcher = index.searcher()
        query, terms = self._query(request)
        by_date = request.order == "date" or not request.query.strip()
        result = searcher.search(
            query,
            limit=request.limit,
            count=True,
            offset=request.offset,
            order_by_field="date" if by_date else None,
        )
        hits = []
        for key, address in result.hits:
            stored = searcher.doc(address)
            hits.append(EngineHit(int(stored["id"][0]), 0.0 if by_date else float(key)))
        return EngineResult(hits, int(result.count or 0), terms)

    def count(self, request: SearchRequest) -> int:
        if request.acl is not None and not request.acl:
            return 0
        query, _ = self._query(request)
        return int(self._open().searcher().search(query, limit=1, count=True).count or 0)

    def suggest(self, prefix: str, acl: frozenset[str] | None, limit: int = 10) -> list[int]:
        """Ids of permitted documents with a word starting with ``prefix`` (the caller
        takes the words from those documents only)."""
        tokens = analysis.exact_tokens(prefix)
        if not tokens or (acl is not None and not acl):
            return []
        schema = self.schema
        clauses = [
            (
                tantivy.Occur.Must,
                tantivy.Query.phrase_prefix_query(schema, "x", tokens[-1:]),
            )
        ]
        if acl is not None:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_set_query(schema, "acl", sorted(acl)))
            )
        searcher = self._open().searcher()
        result = searcher.search(tantivy.Query.boolean_query(clauses), limit=limit, count=False)
        return [int(searcher.doc(address)["id"][0]) for _, address in result.hits]


_engines: dict[str, SearchEngine] = {}


def engine() -> SearchEngine:
    """The configured engine (one per process and index directory)."""
    directory = str(getattr(settings, "ARCHIVE_SEARCH_DIR", settings.DATA_DIR / "search"))
    dotted = getattr(settings, "ARCHIVE_SEARCH_ENGINE", "")
    key = f"{dotted}|{directory}"
    if key not in _engines:
        factory = import_string(dotted) if dotted else TantivyEngine
        _engines[key] = factory(directory)
    return _engines[key]
