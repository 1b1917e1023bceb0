"""core.transitions: the one way a transition is fired and explained."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_fsm import ConcurrentTransition
from django_fsm_log.models import StateLog

from core.errors import ActionForbidden, TransitionRefused
from core.transitions import transition_run, transition_save, transitions_saved
from salesapp.errors import ErrorCode
from salesapp.models import SalesOrder
from tests.factories.salesapp import make_order
from tests.factories.users import user_with_role


def test_a_transition_needs_an_actor(clerk):
    # given
    order = make_order(by=clerk)

    # when / then: no actor is never taken as "skip the permission check"
    with pytest.raises(ValueError, match="needs the actor"):
        transition_run(order.confirm, by=None)
    order.refresh_from_db()
    assert order.state == "open"


def test_a_refusal_carries_the_transitions_own_code_and_reason(clerk):
    # given: an order without lines
    order = make_order(by=clerk)
    order.lines.all().delete()

    # when
    with pytest.raises(TransitionRefused) as refused:
        transition_run(order.confirm, by=clerk)

    # then
    assert (refused.value.code, refused.value.reason) == (
        ErrorCode.ORDER_NOT_CONFIRMABLE,
        "Add at least one line before confirming the order.",
    )
    assert order.state == "open"


def test_a_role_without_the_permission_is_forbidden(clerk):
    # given
    order = make_order(by=clerk)

    # when
    with pytest.raises(ActionForbidden) as refused:
        transition_run(order.confirm, by=user_with_role("billing clerk"))

    # then
    assert (refused.value.code, refused.value.reason) == ("permission-denied", "Your role does not allow this action.")
    assert order.state == "open"


@pytest.mark.django_db
def test_a_state_saved_saves_only_what_the_transition_changed_and_refuses_a_stale_state(clerk):
    # given: the same open order read twice
    order = make_order(by=clerk)
    stale = SalesOrder.objects.get(pk=order.pk)
    order.customer_reference = "not saved by a transition"

    # when: one copy is confirmed and saved
    transition_run(order.confirm, by=clerk)
    with CaptureQueriesContext(connection) as captured:
        transition_save(order)

    # then: one UPDATE of the state, its time stamps, guarded by the state read
    assert len(captured.captured_queries) == 1
    saved = SalesOrder.objects.get(pk=order.pk)
    assert (saved.state, saved.customer_reference) == ("confirmed", "")
    assert saved.confirmed_at == order.confirmed_at and saved.updated_at == order.updated_at
    # the other copy still believes the order open: its save is refused and changes nothing
    transition_run(stale.cancel, by=clerk)
    with pytest.raises(ConcurrentTransition):
        transition_save(stale)
    assert SalesOrder.objects.get(pk=order.pk).state == "confirmed"


@pytest.mark.django_db
def test_transitions_saved_writes_the_state_and_its_log_rows_in_one_statement_or_neither(clerk):
    # given: the same open order read twice
    order = make_order(by=clerk)
    stale = SalesOrder.objects.get(pk=order.pk)

    # when: confirmed inside the block
    with CaptureQueriesContext(connection) as captured, transitions_saved(order):
        transition_run(order.confirm, by=clerk)
        assert not StateLog.objects.filter(object_id=order.pk).exists()  # kept until the save

    # then: one statement wrote the state and the log row, with the actor and the step
    writes = [query["sql"] for query in captured.captured_queries if "statelog" in query["sql"]]
    assert len(writes) == 2  # the look-up inside the block, then the save
    assert writes[1].startswith('WITH saved AS (UPDATE "salesapp_salesorder"') and "INSERT INTO" in writes[1]
    assert SalesOrder.objects.get(pk=order.pk).state == "confirmed"
    assert list(
        StateLog.objects.filter(object_id=order.pk, content_type__model="salesorder").values_list(
            "source_state", "state", "transition", "by_id", "description"
        )
    ) == [("open", "confirmed", "confirm", clerk.pk, None)]
    # the stale copy's save is refused and writes no log row either
    with pytest.raises(ConcurrentTransition), transitions_saved(stale):
        transition_run(stale.cancel, by=clerk, description="too late")
    assert SalesOrder.objects.get(pk=order.pk).state == "confirmed"
    assert StateLog.objects.filter(object_id=order.pk, transition="cancel").count() == 0
    assert "_state_logs_deferred" not in stale.__dict__  # outside the block, logging is immediate again
