import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.selectors.agreements import agreement_fulfilment, agreement_list, agreements_fulfilment, agreements_unmet
from salesapp.services.agreements import agreement_close, agreement_release
from salesapp.services.orders import order_cancel, order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.agreements import make_sales_agreement
from tests.factories.salesapp import ItemFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def items():
    return {
        "A": ItemFactory(number="A-100", unit_price=D("12.50")),
        "B": ItemFactory(number="B-200", unit_price=D("30.00")),
    }


def _deliver(order, quantities, *, by):
    order = order_confirm(order=order, by=by)
    lines = {line.item.number: line for line in order.lines.select_related("item")}
    slip = packing_slip_create(
        order=order, quantities={lines[number].pk: D(qty) for number, qty in quantities.items()}, by=by
    )
    packing_slip_post(packing_slip=slip, by=by)
    return order


def test_fulfilment_is_read_from_the_released_order_lines(manager, clerk, billing, items):
    # given: 100 A and 10 B committed; two orders released, one of them delivered in part and invoiced
    agreement = make_sales_agreement(
        lines=[
            {"item": items["A"], "committed_quantity": "100", "unit_price": "11"},
            {"item": items["B"], "committed_quantity": "10", "unit_price": "28"},
        ],
        effective=True,
        by=manager,
    )
    line_a, line_b = agreement.lines.order_by("line_no")
    ship = timezone.localdate()
    first = agreement_release(
        agreement=agreement, lines=[(line_a, D("30")), (line_b, D("4"))], requested_ship_date=ship, by=clerk
    )
    _deliver(first, {"A-100": "20", "B-200": "4"}, by=manager)
    invoice_post(invoice=invoice_create_from_order(order=first, basis="packing_slips", by=billing), by=billing)
    agreement_release(agreement=agreement, lines=[(line_a, D("25"))], requested_ship_date=ship, by=clerk)
    # a canceled release does not count
    canceled = agreement_release(agreement=agreement, lines=[(line_a, D("40"))], requested_ship_date=ship, by=clerk)
    order_cancel(order=canceled, by=manager)

    # when
    fulfilment = agreement_fulfilment(agreement)

    # then
    assert [(f.line.item.number, f.committed, f.released, f.delivered, f.invoiced) for f in fulfilment.lines] == [
        ("A-100", D("100.000"), D("55.000"), D("20.000"), D("20.000")),
        ("B-200", D("10.000"), D("4.000"), D("4.000"), D("4.000")),
    ]
    assert fulfilment.lines[0].remaining == D("45.000")
    assert (fulfilment.lines[0].released_percent, fulfilment.lines[0].delivered_percent) == (55, 20)
    total = fulfilment.total
    assert (total.committed, total.released, total.delivered, total.invoiced) == (
        D("110.000"),
        D("59.000"),
        D("24.000"),
        D("24.000"),
    )
    assert not fulfilment.met


def test_a_value_commitment_is_measured_in_net_amounts(manager, clerk, items):
    # given: 1000.00 committed on A at 11.00 less 10 %
    agreement = make_sales_agreement(
        commitment_type="product_value",
        lines=[{"item": items["A"], "committed_amount": "1000", "unit_price": "11", "discount_percent": "10"}],
        effective=True,
        by=manager,
    )
    order = agreement_release(
        agreement=agreement,
        lines=[(agreement.lines.get(), D("30"))],
        requested_ship_date=timezone.localdate(),
        by=clerk,
    )
    _deliver(order, {"A-100": "7"}, by=manager)

    # when
    line = agreement_fulfilment(agreement).lines[0]

    # then: released 30 × 9.90 = 297.00; delivered 7 × 9.90 = 69.30
    assert (line.committed, line.released, line.delivered, line.invoiced) == (
        D("1000.00"),
        D("297.00"),
        D("69.30"),
        D("0.00"),
    )
    assert line.released_percent == 29


def test_a_value_measure_counts_each_delivered_line_at_its_rounded_net(manager, clerk, items):
    # given: two releases of 1 × 1.0050 (each line's net rounds to 1.01), both delivered in full
    agreement = make_sales_agreement(
        commitment_type="product_value",
        lines=[{"item": items["A"], "committed_amount": "10", "unit_price": "1.005"}],
        effective=True,
        by=manager,
    )
    for _ in range(2):
        order = agreement_release(
            agreement=agreement,
            lines=[(agreement.lines.get(), D("1"))],
            requested_ship_date=timezone.localdate(),
            by=clerk,
        )
        _deliver(order, {"A-100": "1"}, by=manager)

    # when
    line = agreement_fulfilment(agreement).lines[0]

    # then: delivered in full is exactly what was released, cent for cent
    assert (line.released, line.delivered) == (D("2.02"), D("2.02"))


def test_fulfilment_of_a_whole_list_is_two_statements(manager, clerk, items, django_assert_num_queries):
    agreements = []
    for _n in range(4):
        agreement = make_sales_agreement(
            lines=[
                {"item": items["A"], "committed_quantity": "10", "unit_price": "1"},
                {"item": items["B"], "committed_quantity": "10", "unit_price": "1"},
            ],
            effective=True,
            by=manager,
        )
        agreement_release(
            agreement=agreement,
            lines=[(line, D("2")) for line in agreement.lines.all()],
            requested_ship_date=timezone.localdate(),
            by=clerk,
        )
        agreements.append(agreement)
    listed = list(agreement_list())
    with django_assert_num_queries(2):
        found = agreements_fulfilment(listed)
        figures = [(f.total.committed, f.total.released) for f in found.values()]
        labels = [line.line.item.number for f in found.values() for line in f.lines]
    assert figures == [(D("20.000"), D("4.000"))] * 4
    assert labels == ["A-100", "B-200"] * 4


def test_expired_agreements_with_an_unmet_commitment_are_listed_for_follow_up(manager, clerk, items):
    # given: three agreements that ended, one met, one short, one price-only; and one still running short
    today = timezone.localdate()
    ended = {"valid_from": today - datetime.timedelta(days=60), "valid_to": today + datetime.timedelta(days=5)}
    met = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "1"}], effective=True, by=manager, **ended
    )
    short = make_sales_agreement(
        commitment_type="product_value",
        lines=[{"item": items["A"], "committed_amount": "100", "unit_price": "10"}],
        effective=True,
        by=manager,
        **ended,
    )
    prices_only = make_sales_agreement(
        commitment_type="none", lines=[{"item": items["A"], "unit_price": "1"}], effective=True, by=manager, **ended
    )
    running = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "1"}], effective=True, by=manager
    )
    agreement_release(agreement=met, lines=[(met.lines.get(), D("5"))], requested_ship_date=today, by=clerk)
    agreement_release(agreement=short, lines=[(short.lines.get(), D("9"))], requested_ship_date=today, by=clerk)
    agreement_close(agreement=short, by=manager)

    # when: ten days later
    later = today + datetime.timedelta(days=10)
    found = list(agreements_unmet(today=later))

    # then: only the short one (90.00 of 100.00 released), closed or not
    assert found == [short]
    assert {met, prices_only, running}.isdisjoint(found)
