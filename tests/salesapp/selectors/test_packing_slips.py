from decimal import Decimal

from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.selectors.packing_slips import packing_slip_list, packing_slip_list_uninvoiced
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.invoicing import confirmed_order, partly_delivered_order
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal


def slips(clerk):
    """Acme's order SO-000001 with posted PS-000001 (6 A, 4 B) and a draft for 2 A; Beta's SO-000002 with
    posted PS-000002 (6 A, 4 B)."""
    acme_order, first = partly_delivered_order(by=clerk, customer=make_customer(party=PartyFactory(name="Acme BV")))
    line_a = acme_order.lines.get(item__number="A")
    draft = packing_slip_create(order=acme_order, quantities={line_a.pk: D("2")}, by=clerk)
    beta_order, second = partly_delivered_order(by=clerk, customer=make_customer(party=PartyFactory(name="Beta BV")))
    return acme_order, first, draft, beta_order, second


def test_slips_are_listed_newest_first(clerk):
    # given
    _, first, draft, _, second = slips(clerk)

    # when
    found = [(slip.pk, slip.number, slip.state) for slip in packing_slip_list()]

    # then
    assert found == [
        (second.pk, "PS-000002", "posted"),
        (draft.pk, draft.number, "draft"),
        (first.pk, "PS-000001", "posted"),
    ]


def test_filters_search_state_and_order(clerk):
    # given
    acme_order, first, draft, beta_order, second = slips(clerk)

    # when / then: search matches slip number, order number and customer name
    assert [s.pk for s in packing_slip_list(search="ps-000002")] == [second.pk]
    assert [s.pk for s in packing_slip_list(search=acme_order.number)] == [draft.pk, first.pk]
    assert [s.pk for s in packing_slip_list(search="beta")] == [second.pk]
    assert [s.pk for s in packing_slip_list(state="draft")] == [draft.pk]
    assert [s.pk for s in packing_slip_list(state="posted", order_id=acme_order.pk)] == [first.pk]
    assert [s.pk for s in packing_slip_list(order_id=beta_order.pk)] == [second.pk]


def test_the_list_and_its_orders_and_customers_take_one_query(clerk, django_assert_num_queries):
    # given
    slips(clerk)

    # when
    with django_assert_num_queries(1):
        rows = [(slip.order.number, slip.order.customer.party.name) for slip in packing_slip_list()]

    # then
    assert rows == [("SO-000002", "Beta BV"), ("SO-000001", "Acme BV"), ("SO-000001", "Acme BV")]


def test_uninvoiced_slips_are_the_posted_ones_with_something_left_to_invoice_oldest_first(clerk, billing):
    # given: two posted slips on one order (6 A + 4 B, then 4 A), a draft slip, and another order's posted slip
    order, first = partly_delivered_order(by=clerk)
    line_a = order.lines.get(item__number="A")
    second = packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line_a.pk: D("2")}, by=clerk), by=clerk
    )
    packing_slip_create(order=order, quantities={line_a.pk: D("2")}, by=clerk)
    partly_delivered_order(by=clerk)

    # when / then: both posted slips, oldest posting first
    assert [s.pk for s in packing_slip_list_uninvoiced(order=order)] == [first.pk, second.pk]

    # when: the first slip is invoiced
    invoice = invoice_create_from_order(order=order, basis="packing_slips", packing_slips=[first], by=clerk)
    invoice_post(invoice=invoice, by=billing, store_pdf=False)

    # then: only the second is left
    assert [s.pk for s in packing_slip_list_uninvoiced(order=order)] == [second.pk]


def test_a_confirmed_order_without_deliveries_has_no_uninvoiced_slips(clerk):
    # given
    order = confirmed_order(by=clerk)

    # when / then
    assert list(packing_slip_list_uninvoiced(order=order)) == []
