"""Report cells: amounts with two decimals and Latin digits, dates in ISO."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key, "")
    if isinstance(value, Decimal):
        return "" if value == 0 else f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)
