"""Arabic-aware text normalisation, shared by every search in Baladiya.

Folds the forms a person may type differently for the same word: alef with
hamza/madda/wasla → bare alef, ta marbuta → ha, alef maqsura → ya, strips
diacritics (tashkeel) and tatweel, maps Arabic-Indic and Persian digits to ASCII,
applies NFKC (presentation forms → base letters) and case-folds Latin text.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian (extended) digits
    }
)
_SPACES = re.compile(r"\s+")


def normalize_digits(value: str) -> str:
    """Arabic-Indic and Persian digits → ASCII digits; nothing else changes."""
    return value.translate(
        {**{0x0660 + d: str(d) for d in range(10)}, **{0x06F0 + d: str(d) for d in range(10)}}
    )


def parse_number(value: object) -> Decimal | None:
    """A number as a person types it: Arabic-Indic or Persian digits and the Arabic
    decimal mark are read; a comma (thousands or decimals?) is refused, as is
    anything that is not a finite number. None when it cannot be read."""
    text = normalize_digits(str(value if value is not None else "")).strip()
    if "," in text or "٬" in text:
        return None
    try:
        number = Decimal(text.replace("٫", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def normalize_arabic(value: str) -> str:
    """The search form of a text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", value or "")
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_FOLD).casefold()
    return _SPACES.sub(" ", text).strip()
