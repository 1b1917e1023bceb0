"""The packing-slip run's preview: one statement whatever the number of slips, customers and orders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.selectors.summary_runs import summary_preview, summary_run_inputs
from tests.factories.summary_invoicing import NOVEMBER, month_of_slips

pytestmark = pytest.mark.django_db


def _statements(customer_ids):
    inputs = summary_run_inputs(customer_ids=customer_ids, grouping="customer_order", **NOVEMBER)
    with CaptureQueriesContext(connection) as captured:
        preview = summary_preview(inputs=inputs)
        # what the page and the API read of it: customers, orders, slips, items, tax rates, totals
        for group in preview.groups:
            _ = [group.customer.party.name, group.amount_total, [order.number for order in group.orders]]
            _ = [(line.order_line.item.number, line.slip_line.packing_slip.number) for line in group.lines]
        _ = [(left.slip.number, left.order.customer.number) for left in preview.left_out]
    return len(captured.captured_queries), preview


def test_the_preview_reads_everything_in_one_statement(manager):
    # given: one customer's month, then three customers' months
    first, _orders, _slips = month_of_slips(manager)
    one, small = _statements([first.pk])
    more = [month_of_slips(manager)[0] for _ in range(2)]

    # when
    three, large = _statements([first.pk, *(customer.pk for customer in more)])

    # then
    assert (len(small.groups), len(large.groups)) == (3, 9)
    assert one == three == 1
