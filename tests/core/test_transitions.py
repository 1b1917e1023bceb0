"""core.transitions: the one way a transition is fired and explained."""

import pytest

from core.errors import ActionForbidden, TransitionRefused
from core.transitions import transition_run
from salesapp.errors import ErrorCode
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
