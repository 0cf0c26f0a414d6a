"""Sealed offers: a per-opportunity Fernet key derived with HKDF from the server
secret, the opportunity's id and its deadline. Nothing readable is stored with
the ciphertext; the services refuse to unseal before the deadline."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SALT = b"baladiya.investment.sealed-offers.v1"


def _fernet(opportunity_id: int, deadline: dt.datetime) -> Fernet:
    info = f"opportunity:{opportunity_id}:deadline:{deadline.astimezone(dt.UTC).isoformat()}"
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=info.encode()).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(opportunity_id: int, deadline: dt.datetime, data: dict[str, Any]) -> str:
    token = _fernet(opportunity_id, deadline).encrypt(json.dumps(data).encode())
    return token.decode("ascii")


def seal_bytes(opportunity_id: int, deadline: dt.datetime, content: bytes) -> bytes:
    return _fernet(opportunity_id, deadline).encrypt(content)


def unseal(opportunity_id: int, deadline: dt.datetime, token: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        _fernet(opportunity_id, deadline).decrypt(token.encode("ascii"))
    )
    return data


def unseal_bytes(opportunity_id: int, deadline: dt.datetime, content: bytes) -> bytes:
    return _fernet(opportunity_id, deadline).decrypt(content)


__all__ = ["InvalidToken", "seal", "seal_bytes", "unseal", "unseal_bytes"]
