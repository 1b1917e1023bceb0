import datetime
from decimal import Decimal

import pytest

from salesapp.selectors.suggestions import suggestions_for, suggestions_for_lines
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_customer, make_order, make_relation

D = Decimal
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def printer(db):
    return ItemFactory(number="P-100", name="Printer")


def test_suggestions_come_best_priority_first_and_bounded(printer, django_assert_num_queries):
    # given: four rules for the printer with priorities 30, 10, 20, 40
    rules = {p: make_relation(item=printer, priority=p) for p in (30, 10, 20, 40)}
    # when
    with django_assert_num_queries(1):
        found = suggestions_for(customer=None, item=printer, quantity=D("1"), date=TODAY)
        names = [rule.suggested_item.number for rule in found]
    # then: the three best, lowest number first, in one query
    assert [rule.pk for rule in found] == [rules[10].pk, rules[20].pk, rules[30].pk]
    assert len(names) == 3


def test_validity_min_quantity_and_inactive_rules_are_left_out(printer):
    # given
    applies = make_relation(item=printer, valid_from=TODAY, valid_to=TODAY, min_quantity=D("5"))
    make_relation(item=printer, valid_to=TODAY - datetime.timedelta(days=1))  # expired
    make_relation(item=printer, valid_from=TODAY + datetime.timedelta(days=1))  # not yet valid
    make_relation(item=printer, min_quantity=D("6"))  # quantity too small
    make_relation(item=printer, active=False)  # switched off
    make_relation(item=printer, suggested_item=ItemFactory(active=False))  # suggested item no longer sold
    make_relation(item=ItemFactory())  # another item's rule
    # when
    found = suggestions_for(customer=make_customer(), item=printer, quantity=D("5"), date=TODAY)
    # then
    assert [rule.pk for rule in found] == [applies.pk]
    assert suggestions_for(customer=None, item=printer, quantity=D("4.999"), date=TODAY) == []


def test_suggestions_for_lines_are_per_line_in_two_queries_whatever_the_number_of_lines(
    printer, django_assert_num_queries
):
    # given: an order of a printer (qty 1 and qty 10) and paper; paper is also the printer's cross-sell
    paper, cable, toner = ItemFactory(number="PAPER"), ItemFactory(number="CABLE"), ItemFactory(number="TONER")
    big = make_relation(item=printer, suggested_item=ItemFactory(number="P-200"), kind="up_sell", min_quantity=D("10"))
    on_order = make_relation(item=printer, suggested_item=paper, priority=1)
    cable_rule = make_relation(item=printer, suggested_item=cable, priority=2)
    toner_rule = make_relation(item=paper, suggested_item=toner)
    order = make_order(lines=[(printer, "1"), (printer, "10"), (paper, "3")])
    lines = list(order.lines.all())
    customer = order.customer
    # when
    with django_assert_num_queries(2):
        found = suggestions_for_lines(lines=lines, customer=customer, date=order.order_date)
    # then: the paper cross-sell is left out (already on the order); the up-sell only from 10
    assert {line.line_no: [rule.pk for rule in found.get(line.pk, [])] for line in lines} == {
        10: [cable_rule.pk],
        20: [cable_rule.pk, big.pk],
        30: [toner_rule.pk],
    }
    assert on_order.pk not in {rule.pk for rules in found.values() for rule in rules}


def test_a_rule_with_a_price_group_is_for_that_groups_customers_only(printer, django_assert_num_queries):
    # given: a rule for everyone, one for wholesale, one for retail
    wholesale, retail = PriceGroupFactory(code="WHOLESALE"), PriceGroupFactory(code="RETAIL")
    everyone = make_relation(item=printer, priority=30)
    for_wholesale = make_relation(item=printer, price_group=wholesale, priority=10)
    make_relation(item=printer, price_group=retail, priority=20)
    trader, walk_in = make_customer(price_group=wholesale), make_customer()
    # when / then: still one query each
    with django_assert_num_queries(1):
        found = suggestions_for(customer=trader, item=printer, quantity=D("1"), date=TODAY)
    assert [rule.pk for rule in found] == [for_wholesale.pk, everyone.pk]
    # a customer without a group and a prospect get the rules for everyone only
    with django_assert_num_queries(1):
        found = suggestions_for(customer=walk_in, item=printer, quantity=D("1"), date=TODAY)
    assert [rule.pk for rule in found] == [everyone.pk]
    assert [rule.pk for rule in suggestions_for(customer=None, item=printer, quantity=D("1"), date=TODAY)] == [
        everyone.pk
    ]


def test_suggestions_for_lines_honour_the_customers_price_group_in_two_queries(printer, django_assert_num_queries):
    # given
    wholesale = PriceGroupFactory(code="WHOLESALE")
    for_wholesale = make_relation(item=printer, price_group=wholesale, priority=1)
    everyone = make_relation(item=printer, priority=2)
    trader_order = make_order(customer=make_customer(price_group=wholesale), lines=[(printer, "1")])
    other_order = make_order(lines=[(printer, "1")])
    trader_lines, other_lines = list(trader_order.lines.all()), list(other_order.lines.all())
    trader, other = trader_order.customer, other_order.customer
    # when
    with django_assert_num_queries(2):
        for_trader = suggestions_for_lines(lines=trader_lines, customer=trader, date=trader_order.order_date)
    with django_assert_num_queries(2):
        for_other = suggestions_for_lines(lines=other_lines, customer=other, date=other_order.order_date)
    # then
    assert [rule.pk for rule in for_trader[trader_lines[0].pk]] == [for_wholesale.pk, everyone.pk]
    assert [rule.pk for rule in for_other[other_lines[0].pk]] == [everyone.pk]


def test_suggestions_for_quotation_lines_of_a_prospect_leave_out_price_group_rules(printer, django_assert_num_queries):
    # given: a prospect's quotation of a printer and paper
    paper = ItemFactory(number="PAPER")
    make_relation(item=printer, price_group=PriceGroupFactory(), priority=1)
    everyone = make_relation(item=printer, priority=2)
    paper_rule = make_relation(item=printer, suggested_item=paper, priority=3)  # already on the quotation
    quotation = make_quotation(lines=[(printer, "2"), (paper, "1")])
    lines = list(quotation.lines.all())
    # when
    with django_assert_num_queries(2):
        found = suggestions_for_lines(lines=lines, customer=None, date=quotation.quotation_date)
    # then
    assert {line.line_no: [rule.pk for rule in found.get(line.pk, [])] for line in lines} == {10: [everyone.pk], 20: []}
    assert paper_rule.pk not in {rule.pk for rules in found.values() for rule in rules}


def test_a_line_whose_best_cross_sells_are_on_the_document_still_gets_the_next_ones(printer):
    # given: the printer's three best rules suggest items the order carries already, two more come after them
    carried = [ItemFactory(number=f"ON-{k}") for k in range(3)]
    for priority, item in enumerate(carried, start=1):
        make_relation(item=printer, suggested_item=item, priority=priority)
    fourth = make_relation(item=printer, priority=10)
    fifth = make_relation(item=printer, priority=11)
    order = make_order(lines=[(printer, "1"), *[(item, "1") for item in carried]])
    lines = list(order.lines.all())
    # when
    found = suggestions_for_lines(lines=lines, customer=order.customer, date=order.order_date)
    # then
    printer_line = next(line for line in lines if line.item_id == printer.pk)
    assert [rule.pk for rule in found[printer_line.pk]] == [fourth.pk, fifth.pk]
