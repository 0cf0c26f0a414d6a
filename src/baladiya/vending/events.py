"""Events of the vending app (published on commit)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenIssued:
    vend_id: int
    meter_id: int
    party_id: int
    channel: str
