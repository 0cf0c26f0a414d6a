"""Navigation that apps fill in: the staff back office's menu (each entry with the
capability that shows it, so the menu follows the user's roles) and the links on
a signed-in person's account page ("my licences", "my meters"…)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class PortalLink:
    """A link on the account page; ``show`` decides whether this person sees it
    (for example only when he has a meter), default: everyone signed in."""

    label: str | Promise
    url_name: str
    icon: str = "•"
    order: int = 100
    show: Callable[[Any], bool] | None = None


_PORTAL: list[PortalLink] = []


def register_portal_link(link: PortalLink) -> None:
    if link not in _PORTAL:
        _PORTAL.append(link)


def portal_links(user: object) -> list[dict[str, str]]:
    links = []
    for link in sorted(_PORTAL, key=lambda i: (i.order, i.url_name)):
        if link.show is not None and not link.show(user):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        links.append({"label": str(link.label), "url": url, "icon": link.icon})
    return links
