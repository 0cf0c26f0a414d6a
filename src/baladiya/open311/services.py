"""Open311 API keys and service requests posted through the API."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from baladiya.complaint import api as complaint
from baladiya.core import api as core
from baladiya.core.api import User
from baladiya.open311.models import ApiKey


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_api_key(*, actor: User | None, name: str) -> tuple[ApiKey, str]:
    """A new key for a client; the plain key is shown once and only its hash kept."""
    if actor is not None:
        core.require(actor, "core.manage_users")
    plain = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(name=name, key_hash=_hash(plain), prefix=plain[:8])
    core.record_audit(
        actor=actor,
        action="open311.key.issue",
        obj=api_key,
        after={"name": name, "prefix": api_key.prefix},
    )
    return api_key, plain


def check_api_key(plain: str) -> ApiKey | None:
    if not plain:
        return None
    api_key = ApiKey.objects.filter(key_hash=_hash(plain), is_active=True).first()
    if api_key is not None:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key


def post_request(*, api_key: ApiKey, params: dict[str, Any]) -> tuple[Any, str]:
    """Create a complaint from an Open311 POST; returns (complaint, token)."""
    token = params.get("token") or uuid.uuid4().hex
    name = " ".join(p for p in (params.get("first_name", ""), params.get("last_name", "")) if p)
    landmark = params.get("attribute[landmark]", "")
    address = params.get("address_string", "") or landmark
    filed = complaint.file_complaint(
        actor=None,
        category=params.get("service_code", ""),
        description=params.get("description", ""),
        latitude=params.get("lat"),
        longitude=params.get("long"),
        address=address,
        contact_name=name,
        contact_phone=params.get("phone", ""),
        contact_email=params.get("email", ""),
        channel="open311",
        idempotency_key=f"open311:{token}",
    )
    return filed, token
