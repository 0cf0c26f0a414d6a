"""The correspondence app's public surface for other apps."""

from __future__ import annotations

from baladiya.correspondence.demo import load_demo
from baladiya.correspondence.selectors import LetterFilters, letter_for, register
from baladiya.correspondence.services import ensure_entity, refer, register_letter

__all__ = [
    "LetterFilters",
    "ensure_entity",
    "letter_for",
    "load_demo",
    "refer",
    "register",
    "register_letter",
]
