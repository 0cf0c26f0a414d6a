"""The complaint app's public surface (Open311 and the map use it)."""

from baladiya.complaint.selectors import (
    by_idempotency_key,
    complaint_for,
    nearby_duplicates,
    search,
)
from baladiya.complaint.services import SERVICE_KEY, file_complaint, rate, resolve

__all__ = [
    "SERVICE_KEY",
    "by_idempotency_key",
    "complaint_for",
    "file_complaint",
    "nearby_duplicates",
    "rate",
    "resolve",
    "search",
]
