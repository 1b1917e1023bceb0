import datetime
from decimal import Decimal

import pytest

from salesapp.selectors.suggestions import suggestions_for, suggestions_for_lines
from tests.factories.salesapp import ItemFactory, make_customer, make_order, make_relation

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
    # when
    with django_assert_num_queries(2):
        found = suggestions_for_lines(lines=lines, date=order.order_date)
    # then: the paper cross-sell is left out (already on the order); the up-sell only from 10
    assert {line.line_no: [rule.pk for rule in found.get(line.pk, [])] for line in lines} == {
        10: [cable_rule.pk],
        20: [cable_rule.pk, big.pk],
        30: [toner_rule.pk],
    }
    assert on_order.pk not in {rule.pk for rules in found.values() for rule in rules}
