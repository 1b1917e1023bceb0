import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.errors import TransitionRefused, ValidationFailed
from salesapp.models import ProductRelation, SalesOrderLine, SuggestionEvent
from salesapp.services.orders import order_confirm
from salesapp.services.suggestions import (
    product_relation_create,
    product_relation_delete,
    product_relation_update,
    suggestion_accept,
    suggestion_undo,
    suggestions_shown_record,
)
from tests.factories.salesapp import ItemFactory, make_order, make_relation, tax_code

D = Decimal


@pytest.fixture
def items(db):
    return {
        "printer": ItemFactory(number="P-100", name="Printer", unit_price=D("200.00"), tax_code=tax_code("NL21")),
        "pro": ItemFactory(number="P-200", name="Printer Pro", unit_price=D("260.00"), tax_code=tax_code("NL9")),
        "cable": ItemFactory(number="C-1", name="Cable", unit_price=D("7.50")),
    }


def snapshot(order):
    order.refresh_from_db()
    lines = list(
        SalesOrderLine.objects.filter(order=order)
        .order_by("line_no")
        .values_list(
            "line_no",
            "item_id",
            "description",
            "unit_price",
            "price_source",
            "discount_percent",
            "tax_code_id",
            "net_amount",
        )
    )
    return (order.amount_net, order.amount_tax, order.amount_total, lines, SuggestionEvent.objects.count())


def test_accepting_an_up_sell_replaces_the_item_priced_again_and_undo_restores_it_exactly(items, clerk):
    # given: 2 printers at a typed price with 10 % discount
    order = make_order(lines=[(items["printer"], "2", "180.00", "10")], by=clerk)
    line = order.lines.get()
    before = snapshot(order)
    rule = make_relation(item=items["printer"], suggested_item=items["pro"], kind="up_sell")
    # when
    event = suggestion_accept(order_line=line, relation=rule, by=clerk)
    # then: the Pro at its sales price (2 × 260.00 = 520.00), tax code of the Pro, source item price
    line.refresh_from_db()
    assert (line.item_id, line.description, line.unit_price, line.discount_percent) == (
        items["pro"].pk,
        "Printer Pro",
        D("260.0000"),
        D("0.00"),
    )
    assert (line.price_source, line.tax_code.code, line.net_amount) == ("item_price", "NL9", D("520.00"))
    order.refresh_from_db()
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("520.00"), D("46.80"), D("566.80"))
    assert (event.kind, event.revenue, event.order_line_id, event.added_line_id) == (
        "accepted",
        D("520.00"),
        line.pk,
        None,
    )
    # when: undone
    suggestion_undo(event=event, by=clerk)
    # then: the line as it was (typed price, manual, discount, NL21; 2 × 180 × 0.9 = 324.00)
    after = snapshot(order)
    assert after[:4] == before[:4]
    event.refresh_from_db()
    assert event.undone_by == clerk and event.undone_at is not None


def test_accepting_a_cross_sell_adds_a_line_for_the_same_quantity_and_undo_removes_it(items, clerk):
    # given
    order = make_order(lines=[(items["printer"], "3")], by=clerk)
    before = snapshot(order)
    rule = make_relation(item=items["printer"], suggested_item=items["cable"])
    # when
    event = suggestion_accept(order_line=order.lines.get(), relation=rule, by=clerk)
    # then: line 20, 3 cables at 7.50 = 22.50; total net 600.00 + 22.50
    added = event.added_line
    assert (added.line_no, added.item_id, added.quantity, added.net_amount) == (
        20,
        items["cable"].pk,
        D("3.000"),
        D("22.50"),
    )
    order.refresh_from_db()
    assert order.amount_net == D("622.50")
    assert event.revenue == D("22.50")
    # when
    suggestion_undo(event=event, by=clerk)
    # then
    assert snapshot(order)[:4] == before[:4]


def test_a_rule_that_does_not_apply_is_refused_and_nothing_changes(items, clerk):
    # given: the rule needs 5 printers, the line has 1
    order = make_order(lines=[(items["printer"], "1")], by=clerk)
    rule = make_relation(item=items["printer"], suggested_item=items["cable"], min_quantity=D("5"))
    before = snapshot(order)
    # when / then
    with pytest.raises(ValidationFailed) as refused:
        suggestion_accept(order_line=order.lines.get(), relation=rule, by=clerk)
    assert refused.value.code == "suggestion-not-applicable"
    assert "relation" in refused.value.field_errors
    assert snapshot(order) == before


def test_accepting_on_a_confirmed_order_is_refused_and_nothing_changes(items, clerk):
    order = order_confirm(order=make_order(lines=[(items["printer"], "1")], by=clerk), by=clerk)
    rule = make_relation(item=items["printer"], suggested_item=items["pro"], kind="up_sell")
    before = snapshot(order)
    with pytest.raises(TransitionRefused) as refused:
        suggestion_accept(order_line=order.lines.get(), relation=rule, by=clerk)
    assert refused.value.code == "order-not-editable"
    assert snapshot(order) == before


def test_undo_twice_is_refused(items, clerk):
    order = make_order(lines=[(items["printer"], "1")], by=clerk)
    event = suggestion_accept(
        order_line=order.lines.get(),
        relation=make_relation(item=items["printer"], suggested_item=items["cable"]),
        by=clerk,
    )
    suggestion_undo(event=event, by=clerk)
    before = snapshot(order)
    with pytest.raises(TransitionRefused) as refused:
        suggestion_undo(event=event, by=clerk)
    assert refused.value.code == "suggestion-not-undoable"
    assert snapshot(order) == before


def test_shown_is_recorded_once_per_rule_and_line(items, clerk, django_assert_num_queries):
    order = make_order(lines=[(items["printer"], "1")], by=clerk)
    line = order.lines.get()
    rules = [make_relation(item=items["printer"]), make_relation(item=items["printer"])]
    with django_assert_num_queries(1):
        suggestions_shown_record(order=order, shown={line.pk: rules}, by=clerk)
    suggestions_shown_record(order=order, shown={line.pk: rules}, by=clerk)
    assert sorted(SuggestionEvent.objects.filter(kind="shown").values_list("relation_id", flat=True)) == sorted(
        rule.pk for rule in rules
    )


def test_relation_rules_are_validated_with_field_names(items, manager):
    with pytest.raises(ValidationFailed) as refused:
        product_relation_create(
            item=items["printer"], suggested_item=items["printer"], kind="up_sell", min_quantity=D("0"), by=manager
        )
    assert set(refused.value.field_errors) == {"suggested_item", "min_quantity"}
    assert ProductRelation.objects.count() == 0
    rule = make_relation(item=items["printer"], suggested_item=items["cable"])

    with pytest.raises(ValidationFailed) as refused:
        product_relation_update(
            relation=rule, valid_from=datetime.date(2026, 2, 1), valid_to=datetime.date(2026, 1, 1), by=manager
        )
    assert set(refused.value.field_errors) == {"valid_to"}
    rule.refresh_from_db()
    assert rule.valid_from is None


def test_a_rule_with_history_cannot_be_deleted_but_one_without_can(items, clerk, manager):
    order = make_order(lines=[(items["printer"], "1")], by=clerk)
    used = make_relation(item=items["printer"], suggested_item=items["cable"])
    suggestions_shown_record(order=order, shown={order.lines.get().pk: [used]}, by=clerk)
    with pytest.raises(TransitionRefused):
        product_relation_delete(relation=used, by=manager)
    unused = make_relation(item=items["printer"], suggested_item=items["pro"])
    product_relation_delete(relation=unused, by=manager)
    assert list(ProductRelation.objects.values_list("pk", flat=True)) == [used.pk]


def test_the_database_refuses_a_rule_suggesting_its_own_item(items):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductRelation.objects.create(item=items["printer"], suggested_item=items["printer"], kind="up_sell")
