"""Per-request facts that services may record (the client's IP for the audit log)."""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("baladiya_client_ip", default=None)


def set_client_ip(ip: str | None) -> object:
    return _client_ip.set(ip)


def reset(token: object) -> None:
    _client_ip.reset(token)  # type: ignore[arg-type]


def client_ip() -> str | None:
    return _client_ip.get()
