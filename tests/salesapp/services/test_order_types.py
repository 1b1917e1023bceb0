"""The order type policy: one frozen description per type, and which types can be used today."""

import dataclasses

import pytest
from django.utils import translation

from salesapp.choices import OrderType
from salesapp.order_types import (
    StockDirection,
    clerk_order_type_help,
    clerk_order_types,
    order_type_refusal,
    policy_for,
)


def test_every_order_type_has_one_policy():
    # then
    assert sorted(policy_for(value).order_type.value for value in OrderType.values) == sorted(OrderType.values)


def test_policies_say_what_each_type_does():
    # when
    table = {
        value: (
            policy.stock_direction,
            policy.confirmable,
            policy.deliverable,
            policy.invoiceable,
            policy.invoice_makes_credit_note,
            policy.reopens_after_invoice,
            policy.clerk_may_create,
            policy.receives,
            policy.adds_exposure,
        )
        for value in OrderType.values
        for policy in [policy_for(value)]
    }

    # then
    assert table == {
        "journal": (StockDirection.NONE, False, False, False, False, False, True, False, False),
        "subscription": (StockDirection.OUT, True, True, True, False, True, True, False, True),
        "sales": (StockDirection.OUT, True, True, True, False, False, True, False, True),
        "returned_order": (StockDirection.IN, True, True, True, True, False, False, True, False),
        "item_requirements": (StockDirection.OUT, True, True, False, False, False, False, False, False),
    }


def test_a_policy_cannot_be_changed_at_run_time():
    # when / then
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy_for("sales").confirmable = False


def test_every_type_can_be_chosen_and_an_unknown_one_is_named():
    # then
    assert [order_type_refusal(value) is None for value in OrderType.values] == [True, True, True, True, True]
    assert order_type_refusal("barter") == "Unknown order type 'barter'."


def test_clerks_choose_between_journal_and_sales_with_an_explanation():
    # then
    assert [policy.order_type for policy in clerk_order_types()] == ["journal", "subscription", "sales"]
    assert clerk_order_type_help() == (
        "Journal: a draft to work on: it reserves nothing and cannot be confirmed, delivered or invoiced. "
        "Change its type to Sales order when the customer commits. "
        "Subscription: a recurring order: a billing run invoices it every period, then it is open for delivery "
        "again. "
        "Sales order: the customer's order: confirm it, ship it on packing slips and invoice it."
    )


def test_the_explanation_and_refusals_follow_the_active_language():
    # when
    with translation.override("nl"):
        help_text = clerk_order_type_help()
        refusal = order_type_refusal("barter")

    # then
    assert help_text.startswith("Journaal: een concept om aan te werken: het reserveert niets")
    assert "Verkooporder: de order van de klant: bevestig hem" in help_text
    assert refusal == "Onbekende ordersoort 'barter'."
