"""A connection's life on the workflow engine: applied when the case opens,
the fee raised on approval, connected once the meter is fitted and the fee
paid, then suspended, reactivated and closed; and a subscription transfer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from baladiya.revenue import api as revenue
from baladiya.utilities import services
from baladiya.utilities.models import Connection
from baladiya.workflow import api as workflow

from .conftest import add_connection

pytestmark = pytest.mark.django_db


def test_a_connection_lives_on_the_workflow(
    town: dict[str, Any], make_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.install_processes()
    revenue.create_revenue_head(
        actor=None,
        code="water-connection-new",
        name_ar="رسوم اشتراك مياه",
        name_en="Water connection fee",
        account_code="4201",
    )
    citizen = town["citizen"]
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.open_case(
            actor=citizen,
            service_key="water-connection-new",
            data={"address": "شارع المدارس 12", "category": "commercial", "prepaid": "no"},
            branch=town["hq"],
        )
    connection = Connection.objects.get(case=case)
    assert (connection.status, connection.category) == ("applied", "commercial")
    assert connection.party_id == citizen.party_id
    head = make_staff("department-head", department=town["WAT"])
    workflow.take_action(actor=town["clerk"], case_id=case.pk, action_key="accept")
    workflow.take_action(actor=head, case_id=case.pk, action_key="approve")
    fee = revenue.open_demands(user=None, party=connection.party).get()
    assert fee.total == Decimal("400.00")
    with pytest.raises(ValidationError, match="ركّب العداد"):
        workflow.take_action(actor=head, case_id=case.pk, action_key="connect")
    services.fit_meter(
        actor=head, connection=connection, serial="WM-777", installed_on=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="رسوم الاشتراك"):
        workflow.take_action(actor=head, case_id=case.pk, action_key="connect")
    revenue.cancel_demand(actor=None, demand=fee, reason="waived for the test")
    workflow.take_action(actor=head, case_id=case.pk, action_key="connect")
    connection.refresh_from_db()
    assert connection.status == "active" and connection.connected_on is not None
    workflow.take_action(actor=head, case_id=case.pk, action_key="suspend", comment="unpaid")
    connection.refresh_from_db()
    assert connection.status == "suspended"
    workflow.take_action(actor=head, case_id=case.pk, action_key="reactivate")
    workflow.take_action(actor=head, case_id=case.pk, action_key="close", comment="moved")
    connection.refresh_from_db()
    assert connection.status == "closed"


def test_a_subscription_transfer(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    new_holder = add_connection(town, 2).party
    services.transfer_connection(actor=None, connection=connection, to=new_holder)
    connection.refresh_from_db()
    assert connection.party == new_holder
    services.set_connection_status(actor=None, connection=connection, status="closed")
    with pytest.raises(ValidationError):
        services.transfer_connection(actor=None, connection=connection, to=town["citizen"].party)
    with pytest.raises(ValidationError):
        services.set_connection_status(actor=None, connection=connection, status="active")


def test_an_approved_transfer_case_moves_the_subscription(
    town: dict[str, Any], make_staff: Any
) -> None:
    from baladiya.core.api import link_user_to_party
    from baladiya.onestop import api as onestop

    workflow.install_standard_processes(
        actor=None, services=[onestop.service_by_key("subscription-transfer")]
    )
    connection = add_connection(town, 1)
    new_holder = add_connection(town, 2).party
    citizen = town["citizen"]
    link_user_to_party(actor=None, user=citizen, party=connection.party)
    case = workflow.open_case(
        actor=citizen,
        service_key="subscription-transfer",
        data={"subscription-number": connection.number, "new-holder-id": new_holder.national_id},
        branch=town["hq"],
    )
    head = make_staff("department-head", department=town["WAT"])
    workflow.take_action(actor=town["clerk"], case_id=case.pk, action_key="accept")
    workflow.take_action(actor=head, case_id=case.pk, action_key="approve")
    connection.refresh_from_db()
    assert connection.party == new_holder
