"""Reactions of the vending app: an online top-up gets its token when the payment
arrives, and the customer is told his token."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from baladiya.core import api as core
from baladiya.revenue import api as revenue
from baladiya.utilities import sts
from baladiya.vending import events, services
from baladiya.vending.models import Vend, VendChannel


def on_payment_received(event: revenue.PaymentReceived) -> None:
    if event.channel == revenue.Channel.ONLINE:
        services.complete_online(demand_ids=event.demand_ids, payment_id=event.payment_id)


def on_token_issued(event: events.TokenIssued) -> None:
    """An online top-up's token goes to the customer by SMS and on his account (at a
    charging point he takes the printed receipt)."""
    if event.channel != VendChannel.ONLINE:
        return
    vend = Vend.objects.select_related("meter").get(pk=event.vend_id)
    core.notify(
        event_key=f"vending.token:{vend.pk}",
        party=vend.party,
        subject=_("Your prepaid token"),
        body=_("Token %(token)s for meter %(serial)s: %(units)s units."),
        params={
            "token": sts.group_digits(vend.token),
            "serial": vend.meter.serial,
            "units": vend.units.quantize(Decimal("0.1")),
        },
    )


def register() -> None:
    core.subscribe(revenue.PaymentReceived, on_payment_received)
    core.subscribe(events.TokenIssued, on_token_issued)
