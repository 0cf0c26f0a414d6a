"""A small in-process event bus.

Apps publish frozen, past-tense dataclasses (``CaseTransitioned``) from inside a
service's transaction; handlers run only after that transaction commits, so a
rolled-back write never notifies anyone. Handlers are registered in one place
(``baladiya.config.handlers``), never in model signals.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger("baladiya.events")

Handler = Callable[[Any], None]
_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type, handler: Handler) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event: object) -> None:
    """Deliver ``event`` to its handlers once the current transaction commits.

    Each handler runs in a transaction of its own; a failing handler is logged and
    never undoes the write that published the event nor another handler's work.
    """
    handlers = list(_handlers.get(type(event), ()))
    if handlers:
        transaction.on_commit(lambda: _dispatch(event, handlers), robust=True)


def _dispatch(event: object, handlers: list[Handler]) -> None:
    # One transaction per handler rather than savepoints inside a shared one: a
    # handler with nothing to do for this event (most of them) then costs no
    # round trip to the database at all.
    for handler in handlers:
        try:
            with transaction.atomic():
                handler(event)
        except Exception:
            logger.exception("handler %s failed for %r", handler, event)
