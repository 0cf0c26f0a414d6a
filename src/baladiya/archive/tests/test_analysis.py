"""Arabic analysis and the index's rebuild (no database needed for most)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from baladiya.archive import analysis
from baladiya.archive.search import IndexDoc, SearchRequest, TantivyEngine


def test_folding_digits_and_diacritics() -> None:
    assert analysis.exact_tokens("أَحْمَد إبراهيم آمنة ٱلله مستشفى ـــمدرسة ١٢٣ ۴۵") == [
        "احمد",
        "ابراهيم",
        "امنه",
        "الله",
        "مستشفي",
        "مدرسه",
        "123",
        "45",
    ]


def test_light_stemming_keeps_names_and_splits_waw() -> None:
    assert analysis.stem("احمد") == "احمد"
    assert analysis.stem("والمحلات") == analysis.stem("المحلات")
    assert analysis.stem("licences") == analysis.stem("licence")
    assert analysis.stem("2025") == "2025"


def test_presentation_forms_in_visual_order_are_repaired() -> None:
    import unicodedata

    logical = "رخصة المحلات"
    # What a PDF with shaped glyphs in visual order gives: each word's glyphs
    # (presentation forms) with the line reversed.
    shaped = "".join(
        {
            "ر": "\ufead",
            "خ": "\ufea7",
            "ص": "\ufebc",
            "ة": "\ufe94",
            " ": " ",
            "ا": "\ufe8d",
            "ل": "\ufee0",
            "م": "\ufee4",
            "ح": "\ufea4",
            "ت": "\ufe96",
        }.get(c, c)
        for c in logical
    )[::-1]
    repaired = analysis.repair_presentation_forms(shaped)
    assert unicodedata.normalize("NFKC", repaired) == repaired
    assert analysis.exact_tokens(shaped) == analysis.exact_tokens(logical)


def _doc(pk: int, text: str) -> IndexDoc:
    return IndexDoc(pk, f"وثيقة {pk}", text, "letter", 1, None, (), dt.date(2025, 1, pk), ("pub",))


def test_rebuild_resumes_after_an_interruption_and_swaps_atomically(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path)
    engine.index([_doc(1, "قديم")])

    def interrupted() -> Any:
        yield [_doc(1, "جديد"), _doc(2, "جديد")]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        engine.rebuild(interrupted())
    # The live index is untouched while the new one is unfinished.
    assert engine.search(SearchRequest(query="قديم")).total == 1
    assert engine.resume_after() == 2
    assert engine.rebuild(iter([[_doc(3, "جديد")]])) == 1
    assert engine.search(SearchRequest(query="جديد")).total == 3
    assert engine.search(SearchRequest(query="قديم")).total == 0
    assert engine.resume_after() == 0
