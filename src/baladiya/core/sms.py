"""Pluggable SMS delivery. ``SMS_BACKEND`` names a class with ``send(to, text)``.

The console backend writes messages to the log (the demo and tests); a real
deployment plugs in its operator's gateway with the same interface.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("baladiya.sms")


class SMSBackend(Protocol):
    def send(self, to: str, text: str) -> str:
        """Send ``text`` to the E.164 number ``to``; return the provider's message id."""


class ConsoleSMSBackend:
    def send(self, to: str, text: str) -> str:
        logger.info("SMS to %s: %s", to, text)
        return "console"


class LocmemSMSBackend:
    """Keeps messages in ``outbox`` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> str:
        self.outbox.append((to, text))
        return f"locmem-{len(self.outbox)}"


def get_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()
