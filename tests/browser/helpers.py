"""Steps shared by the browser tests."""

from __future__ import annotations

from typing import Any


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the real login form and wait for the page that follows."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
