"""Notifications: in-app always, plus email and SMS deliveries with retries.

Each delivery keeps its own state (queued → sent, or retrying → failed with the
last error); nothing is dropped silently — staff see failed deliveries and can
retry them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from baladiya.core import sms
from baladiya.core.models import Delivery, DeliveryStatus, Notification, Party, User

logger = logging.getLogger("baladiya.notifications")
MAX_ATTEMPTS = 5


def _language(user: User | None) -> str:
    if user is not None and user.preferred_language:
        return user.preferred_language
    from baladiya.core.selectors import default_language

    return default_language()


def notify(
    *,
    event_key: str,
    party: Party | None = None,
    user: User | None = None,
    subject: str | Promise,
    body: str | Promise,
    params: dict[str, Any] | None = None,
    link: str = "",
    sms_text: bool = True,
) -> Notification | None:
    """Create a notification in the recipient's language and queue its deliveries.

    ``subject`` and ``body`` are lazy translations with ``%(name)s`` placeholders.
    Idempotent per (event_key, party): a retried event returns None.
    """
    if user is None and party is not None:
        user = User.objects.filter(party=party).first()
    if party is None and user is not None:
        party = user.party
    language = _language(user)
    with translation.override(language):
        subject_text = str(subject) % (params or {})
        body_text = str(body) % (params or {})
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user,
                party=party,
                event_key=event_key[:200],
                language=language,
                subject=subject_text[:300],
                body=body_text,
                link=link,
            )
    except IntegrityError:
        return None
    email = (user.email if user is not None else "") or (party.email if party else "")
    phone = party.phone if party is not None else ""
    deliveries = []
    if email:
        deliveries.append(Delivery(notification=notification, channel="email", address=email))
    if phone and sms_text:
        deliveries.append(Delivery(notification=notification, channel="sms", address=phone))
    for delivery in Delivery.objects.bulk_create(deliveries):
        transaction.on_commit(lambda pk=delivery.pk: _queue(pk))
    return notification


def _queue(delivery_id: int) -> None:
    from baladiya.core.tasks import deliver

    deliver.delay(delivery_id)


def attempt(delivery_id: int) -> str:
    """Try one delivery once; record the outcome. Returns the new status."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            return delivery.status if delivery else "missing"
        note = delivery.notification
        try:
            if delivery.channel == "email":
                send_mail(
                    note.subject,
                    note.body
                    + (f"\n\n{settings.BALADIYA_SITE_URL}{note.link}" if note.link else ""),
                    settings.DEFAULT_FROM_EMAIL,
                    [delivery.address],
                )
                provider_id = "email"
            else:
                provider_id = sms.get_backend().send(
                    delivery.address, f"{note.subject}: {note.body}"
                )
        except Exception as exc:  # any provider failure is recorded, never lost
            delivery.attempts += 1
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_attempt_at = timezone.now() + dt.timedelta(
                    minutes=2**delivery.attempts
                )
            logger.warning("delivery %s failed (%s): %s", delivery.pk, delivery.attempts, exc)
        else:
            delivery.attempts += 1
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
            delivery.provider_id = str(provider_id)[:200]
            delivery.last_error = ""
            delivery.next_attempt_at = None
        delivery.save()
        return delivery.status


def due_retries(limit: int = 500) -> list[int]:
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.RETRYING, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:limit]
    )


def retry_failed(*, delivery_ids: list[int]) -> int:
    """Staff put failed deliveries back in the queue (after fixing an address)."""
    count = Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.RETRYING, attempts=0, next_attempt_at=timezone.now()
    )
    return count


def mark_read(*, user: User, notification_ids: list[int]) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=timezone.now())
