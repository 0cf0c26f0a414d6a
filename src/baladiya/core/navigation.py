"""The staff back office's navigation: each app registers its entries with the
capability that shows them, so the menu follows the user's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from baladiya.core.permissions import has_capability


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str
    icon: str = "•"
    order: int = 100


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)


def staff_menu(user: object) -> list[dict[str, str]]:
    menu = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, i.url_name)):
        if not has_capability(user, item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        menu.append(
            {"label": str(item.label), "url": url, "icon": item.icon, "name": item.url_name}
        )
    return menu
