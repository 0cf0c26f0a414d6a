"""Payment gateways behind one small interface.

A gateway hands out a hosted-page URL for a pending online payment, signs and
verifies the callback it sends back, and answers status queries used by the
reconciliation job. Only the sandbox gateway ships here: it needs no keys (its
signing key is derived from ``SECRET_KEY``) and its "hosted page" is a page of
this site. A real provider is added by implementing :class:`Gateway` and naming
it in ``GATEWAYS``; its keys come from the environment, never from the repo.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class CallbackData:
    token: str
    status: str  # "paid" or "failed"
    amount: Decimal
    provider_ref: str


class Gateway(Protocol):
    key: str

    def hosted_page_url(self, token: str) -> str: ...

    def sign(self, data: CallbackData) -> str: ...

    def verify(self, data: CallbackData, signature: str) -> bool: ...

    def query_status(self, token: str) -> CallbackData | None: ...


class SandboxGateway:
    """A stand-in for a card acquirer: a page on this site with Pay/Decline
    buttons that posts an HMAC-signed callback. ``outcomes`` lets tests and the
    reconciliation job learn what the "provider" recorded for a token."""

    key = "sandbox"
    outcomes: dict[str, CallbackData] = {}

    def _secret(self) -> bytes:
        return hashlib.sha256(("sandbox-gateway:" + settings.SECRET_KEY).encode()).digest()

    def _message(self, data: CallbackData) -> bytes:
        return f"{data.token}|{data.status}|{data.amount}|{data.provider_ref}".encode()

    def hosted_page_url(self, token: str) -> str:
        return reverse("revenue:sandbox-gateway", args=[token])

    def sign(self, data: CallbackData) -> str:
        return hmac.new(self._secret(), self._message(data), hashlib.sha256).hexdigest()

    def verify(self, data: CallbackData, signature: str) -> bool:
        return hmac.compare_digest(self.sign(data), signature or "")

    def record(self, data: CallbackData) -> None:
        self.outcomes[data.token] = data

    def query_status(self, token: str) -> CallbackData | None:
        return self.outcomes.get(token)


GATEWAYS: dict[str, Gateway] = {"sandbox": SandboxGateway()}


def gateway(key: str = "sandbox") -> Gateway:
    return GATEWAYS[key]
