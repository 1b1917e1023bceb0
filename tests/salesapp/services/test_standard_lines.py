from decimal import Decimal

import pytest

from core.errors import DomainError, ValidationFailed
from salesapp.models import QuotationLine, SalesOrderLine, StandardLineSet
from salesapp.services.items import item_update
from salesapp.services.quotations import quotation_send
from salesapp.services.standard_lines import (
    StandardLineInput,
    quotation_standard_lines_insert,
    standard_line_set_update,
    standard_lines_insert,
)
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import (
    ItemFactory,
    PriceGroupFactory,
    make_agreement,
    make_customer,
    make_line_set,
    make_order,
)

D = Decimal


def snapshot(order):
    order.refresh_from_db()
    return order.amount_total, list(
        SalesOrderLine.objects.filter(order=order).values_list("line_no", "item_id", "quantity")
    )


def test_inserting_a_set_adds_its_lines_at_current_prices(clerk, manager):
    # given: a set made when paper cost 4.00; paper now costs 5.00
    paper, toner = ItemFactory(number="PAPER", unit_price=D("4.00")), ItemFactory(number="TONER", unit_price=D("60.00"))
    line_set = make_line_set(lines=[(paper, "10"), (toner, "2")], by=manager)
    item_update(item=paper, unit_price=D("5.00"), by=manager)
    order = make_order(lines=[(ItemFactory(unit_price=D("1.00")), "1")], by=clerk)
    # when
    added = standard_lines_insert(order=order, line_set=line_set, by=clerk)
    # then: lines 20 and 30; 10 × 5.00 + 2 × 60.00 = 170.00, plus the 1.00 already there
    assert [(line.line_no, line.item_id, line.net_amount, line.price_source) for line in added] == [
        (20, paper.pk, D("50.00"), "item_price"),
        (30, toner.pk, D("120.00"), "item_price"),
    ]
    order.refresh_from_db()
    assert order.amount_net == D("171.00")


@pytest.mark.parametrize("case", ["other_customer", "inactive_set", "inactive_item"])
def test_refused_sets_add_nothing_and_say_why(case, clerk, manager):
    # given
    order = make_order(by=clerk)
    paper = ItemFactory(number="PAPER")
    line_set = make_line_set(lines=[(paper, "10")], by=manager)
    expected = {
        "other_customer": "is for customer",
        "inactive_set": "is inactive",
        "inactive_item": "no longer sold: PAPER",
    }[case]
    if case == "other_customer":
        line_set = make_line_set(name="Theirs", lines=[(paper, "1")], customer=make_customer(), by=manager)
    elif case == "inactive_set":
        standard_line_set_update(line_set=line_set, active=False, by=manager)
    else:
        item_update(item=paper, active=False, by=manager)
    before = snapshot(order)
    # when / then
    with pytest.raises(ValidationFailed) as refused:
        standard_lines_insert(order=order, line_set=line_set, by=clerk)
    assert refused.value.code == "standard-lines-refused"
    assert expected in refused.value.field_errors["line_set"]
    assert snapshot(order) == before


def test_a_set_needs_lines_and_a_unique_name_per_customer(manager):
    make_line_set(name="Monthly", by=manager)
    with pytest.raises(ValidationFailed) as refused:
        make_line_set(name="Monthly", by=manager)
    assert "name" in refused.value.field_errors
    from salesapp.services.standard_lines import standard_line_set_create

    with pytest.raises(ValidationFailed) as refused:
        standard_line_set_create(name="Empty", lines=[], by=manager)
    assert "lines" in refused.value.field_errors
    with pytest.raises(ValidationFailed) as refused:
        standard_line_set_create(
            name="Zero", lines=[StandardLineInput(item=ItemFactory(), quantity=D("0"))], by=manager
        )
    assert "lines[0].quantity" in refused.value.field_errors
    assert StandardLineSet.objects.count() == 1


def quotation_snapshot(quotation):
    quotation.refresh_from_db()
    return quotation.amount_total, list(
        QuotationLine.objects.filter(quotation=quotation).values_list("line_no", "item_id", "quantity")
    )


def test_inserting_a_set_into_a_quotation_prices_its_lines_now(clerk, manager):
    # given: a wholesale customer; paper has a wholesale price 4.50 (sales price 5.00), toner only its sales price
    wholesale = PriceGroupFactory(code="WHOLESALE")
    paper, toner = ItemFactory(number="PAPER", unit_price=D("5.00")), ItemFactory(number="TONER", unit_price=D("60.00"))
    make_agreement(applies_to="price_group", price_group=wholesale, item=paper, unit_price=D("4.50"))
    line_set = make_line_set(lines=[(paper, "10"), (toner, "2")], by=manager)
    quotation = make_quotation(
        customer=make_customer(price_group=wholesale), lines=[(ItemFactory(unit_price=D("1.00")), "1")], by=clerk
    )
    # when
    added = quotation_standard_lines_insert(quotation=quotation, line_set=line_set, by=clerk)
    # then: lines 20 and 30; 10 × 4.50 + 2 × 60.00 = 165.00, plus the 1.00 already there
    assert [(line.line_no, line.item_id, line.net_amount, line.price_source) for line in added] == [
        (20, paper.pk, D("45.00"), "price_group_agreement"),
        (30, toner.pk, D("120.00"), "item_price"),
    ]
    quotation.refresh_from_db()
    assert quotation.amount_net == D("166.00")


def test_a_prospects_quotation_takes_the_sets_for_everyone(clerk, manager):
    line_set = make_line_set(lines=[(ItemFactory(unit_price=D("3.00")), "4")], by=manager)
    quotation = make_quotation(lines=[], by=clerk)
    added = quotation_standard_lines_insert(quotation=quotation, line_set=line_set, by=clerk)
    assert [(line.line_no, line.net_amount) for line in added] == [(10, D("12.00"))]


@pytest.mark.parametrize("case", ["other_customer", "inactive_set", "inactive_item", "sent"])
def test_refused_sets_add_nothing_to_a_quotation_and_say_why(case, clerk, manager):
    # given: a prospect's quotation
    quotation = make_quotation(by=clerk)
    paper = ItemFactory(number="PAPER")
    line_set = make_line_set(lines=[(paper, "10")], by=manager)
    if case == "other_customer":
        line_set = make_line_set(name="Theirs", lines=[(paper, "1")], customer=make_customer(), by=manager)
    elif case == "inactive_set":
        standard_line_set_update(line_set=line_set, active=False, by=manager)
    elif case == "inactive_item":
        item_update(item=paper, active=False, by=manager)
    else:
        quotation = quotation_send(quotation=quotation, by=clerk)
    before = quotation_snapshot(quotation)
    # when / then
    with pytest.raises(DomainError) as refused:
        quotation_standard_lines_insert(quotation=quotation, line_set=line_set, by=clerk)
    if case == "sent":
        assert refused.value.code == "quotation-not-editable"
    else:
        assert refused.value.code == "standard-lines-refused"
        assert {
            "other_customer": "not for this quotation's customer or prospect",
            "inactive_set": "is inactive",
            "inactive_item": "no longer sold: PAPER",
        }[case] in refused.value.field_errors["line_set"]
    assert quotation_snapshot(quotation) == before
