"""Arabic- and English-aware text analysis for the archive index.

The same functions analyse documents and queries, so both sides always agree:

* ``repair_presentation_forms``: born-digital Arabic PDFs often carry Arabic
  presentation forms (U+FB50–U+FEFF) stored in visual order; detect that and
  put the words back in logical order before anything else.
* ``exact_tokens``: NFKC, no diacritics or tatweel, أ إ آ ٱ → ا, ى → ي, ة → ه,
  Arabic-Indic and Persian digits → ASCII, Latin case-folded. Names and numbers
  match here first.
* ``stem_tokens``: the exact tokens through a light stemmer (Snowball Arabic,
  after splitting a leading و, or Snowball English for Latin words).
  The Arabic Snowball stemmer is a light (affix) stemmer, never a root stemmer:
  أحمد stays احمد.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from baladiya.core.api import normalize_arabic

_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")
_arabic_stemmer = snowballstemmer.stemmer("arabic")
_english_stemmer = snowballstemmer.stemmer("english")


def _form(char: str) -> str:
    name = unicodedata.name(char, "")
    for form in ("INITIAL", "FINAL", "MEDIAL", "ISOLATED"):
        if f"{form} FORM" in name:
            return form
    return ""


def _visual_order(line: str) -> bool:
    """Words written last-letter-first: they open with a final form and close with
    an initial one far more often than the other way round."""
    reversed_words = logical_words = 0
    for word in _PRESENTATION_WORD.findall(line):
        if len(word) < 2:
            continue
        first, last = _form(word[0]), _form(word[-1])
        if first == "FINAL" or last == "INITIAL":
            reversed_words += 1
        if first == "INITIAL" or last == "FINAL":
            logical_words += 1
    return reversed_words > logical_words


_PRESENTATION_WORD = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]+")
_LTR_RUN = re.compile(r"[0-9A-Za-z\u0660-\u0669\u06f0-\u06f9.,:/\-]+")


def repair_presentation_forms(text: str) -> str:
    """Presentation forms → base letters; lines stored in visual order are reversed
    back to logical order (keeping runs of digits and Latin letters as they were)."""
    if not text or not _PRESENTATION.search(text):
        return text
    lines = []
    for line in text.splitlines():
        if _PRESENTATION.search(line) and _visual_order(line):
            flipped = line[::-1]
            line = _LTR_RUN.sub(lambda m: m.group(0)[::-1], flipped)
        lines.append(unicodedata.normalize("NFKC", line))
    return "\n".join(lines)


def exact_tokens(text: str) -> list[str]:
    """The normalised words of ``text`` (see the module docstring)."""
    return _WORD.findall(normalize_arabic(repair_presentation_forms(text or "")))


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """The light stem of one normalised token."""
    if token.isdigit():
        return token
    if _ARABIC.search(token):
        if token.startswith("و") and len(token) > 4:
            token = token[1:]  # the conjunction و (Snowball keeps it on والمحلات)
        stemmed: str = _arabic_stemmer.stemWord(token)
        # Never let the stemmer eat a short word (names such as احمد or علي).
        return stemmed if len(stemmed) >= 2 else token
    return str(_english_stemmer.stemWord(token))


def stem_tokens(tokens: list[str]) -> list[str]:
    return [stem(token) for token in tokens]
