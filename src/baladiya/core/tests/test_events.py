"""The event bus: handlers run after commit, each in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from baladiya.core import events
from baladiya.core.models import Sequence

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Happened:
    n: int


def test_a_failing_handler_undoes_only_its_own_work() -> None:
    def writes(event: Happened) -> None:
        Sequence.objects.create(key=f"ok:{event.n}", last_value=1)

    def fails(event: Happened) -> None:
        Sequence.objects.create(key=f"lost:{event.n}", last_value=1)
        raise RuntimeError("boom")

    def idle(event: Happened) -> None:
        return None

    seen: list[Any] = []
    for handler in (fails, writes, idle, seen.append):
        events.subscribe(Happened, handler)
    with transaction.atomic():
        events.publish(Happened(1))
        assert seen == []  # nothing before the commit
    assert seen == [Happened(1)]
    assert set(Sequence.objects.values_list("key", flat=True)) == {"ok:1"}
