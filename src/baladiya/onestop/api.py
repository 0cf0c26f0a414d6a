"""The one-stop shop's public surface for other apps."""

from baladiya.onestop.selectors import (
    categories_with_services,
    employee_services,
    open_drafts,
    public_services,
    service_by_key,
    service_keys,
    subcategories,
    subcategory,
)
from baladiya.onestop.services import load_catalogue

__all__ = [
    "categories_with_services",
    "employee_services",
    "load_catalogue",
    "open_drafts",
    "public_services",
    "service_by_key",
    "service_keys",
    "subcategories",
    "subcategory",
]
