"""Numbers stay gap-free and unique when several clerks register at once
(PostgreSQL row locks; SQLite serialises writers anyway)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from baladiya.correspondence import services
from baladiya.correspondence.models import Letter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_registrations_get_consecutive_numbers(town: dict[str, Any]) -> None:
    entity = services.ensure_entity(actor=None, name_ar="وزارة الحكم المحلي")
    errors: list[BaseException] = []

    def clerk(n: int) -> None:
        try:
            for i in range(5):
                services.register_letter(
                    actor=town["archivist"],
                    direction="incoming",
                    subject=f"كتاب {n}-{i}",
                    letter_date=timezone.localdate(),
                    entity=entity,
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Letter.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 21))
