"""Investment reads: the public list of opportunities, the committee's view of
an opportunity and its offers (metadata only until they are opened), and an
investor's own offers, contracts and rent dues."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from baladiya.core import api as core
from baladiya.investment.models import (
    Contract,
    Instalment,
    Offer,
    Opportunity,
    OpportunityStatus,
)

PUBLIC = (OpportunityStatus.PUBLISHED, OpportunityStatus.OPENED, OpportunityStatus.AWARDED)


def published() -> QuerySet[Opportunity]:
    """Opportunities shown on the portal, open ones first."""
    return (
        Opportunity.objects.filter(status__in=PUBLIC, published_at__isnull=False)
        .select_related("parcel")
        .order_by("status", "-deadline")
    )


def public_opportunity(reference: str) -> Opportunity:
    return published().get(reference=reference)


def staff_opportunities(user: Any) -> list[Opportunity]:
    core.require(user, "investment.view")
    return list(Opportunity.objects.select_related("parcel").order_by("-created_at"))


def staff_opportunity(user: Any, reference: str) -> Opportunity:
    core.require(user, "investment.view")
    return Opportunity.objects.select_related("parcel", "opened_by").get(reference=reference)


def offers(user: Any, opportunity: Opportunity) -> list[Offer]:
    """The offers on an opportunity, best total first once scored. Before the
    opening only their numbers, investors and times are known."""
    core.require(user, "investment.view")
    qs = (
        Offer.objects.filter(opportunity=opportunity)
        .select_related("investor")
        .prefetch_related("scores")
    )
    found = list(qs)
    return sorted(found, key=lambda o: (o.total_score is None, -(o.total_score or 0), o.pk))


def offer(user: Any, offer_id: int) -> Offer:
    core.require(user, "investment.view")
    return Offer.objects.select_related("opportunity", "investor").get(pk=offer_id)


def my_offer(user: Any, opportunity: Opportunity) -> Offer | None:
    party = getattr(user, "party", None)
    if party is None:
        return None
    return Offer.objects.filter(opportunity=opportunity, investor=party).first()


def my_offers(user: Any) -> list[Offer]:
    party = getattr(user, "party", None)
    if party is None:
        return []
    return list(
        Offer.objects.filter(investor=party).select_related("opportunity").order_by("-submitted_at")
    )


def my_contracts(user: Any) -> list[Contract]:
    """The investor's contracts with their rent instalments and what is owed."""
    party = getattr(user, "party", None)
    if party is None:
        return []
    return list(
        Contract.objects.filter(investor=party)
        .select_related("opportunity")
        .prefetch_related(
            Prefetch(
                "instalments",
                queryset=Instalment.objects.select_related("demand").order_by("sequence"),
            )
        )
    )


def contract_of(opportunity: Opportunity) -> Contract | None:
    return (
        Contract.objects.filter(opportunity=opportunity)
        .select_related("investor")
        .prefetch_related(
            Prefetch(
                "instalments",
                queryset=Instalment.objects.select_related("demand").order_by("sequence"),
            )
        )
        .first()
    )


def is_investor(user: Any) -> bool:
    return core.has_role(user, "investor") and getattr(user, "party", None) is not None


def has_investments(user: Any) -> bool:
    """Whether the account page shows the investor card."""
    party = getattr(user, "party", None)
    return party is not None and (
        core.has_role(user, "investor") or Offer.objects.filter(investor=party).exists()
    )


def contract_for(user: Any, number: str) -> Contract:
    """The contract if ``user`` is its investor or may see investments;
    ``Contract.DoesNotExist`` otherwise."""
    contract = (
        Contract.objects.select_related("opportunity", "investor", "offer")
        .prefetch_related(
            Prefetch(
                "instalments",
                queryset=Instalment.objects.select_related("demand").order_by("sequence"),
            )
        )
        .get(number=number)
    )
    party_id = getattr(user, "party_id", None)
    if (party_id is not None and contract.investor_id == party_id) or core.has_capability(
        user, "investment.view"
    ):
        return contract
    raise Contract.DoesNotExist
