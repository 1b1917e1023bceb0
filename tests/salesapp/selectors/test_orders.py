from decimal import Decimal

from salesapp.selectors.orders import order_get, order_list, order_progress, orders_mark_deliveries
from tests.factories.invoicing import confirmed_order, lamp_and_desk, partly_delivered_order, posted_slip_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer, make_order


def orders(clerk):
    """SO-000001 open (not confirmed) for Acme (reference PO-77), SO-000002 confirmed for Beta,
    SO-000003 partly delivered for Acme."""
    acme = make_customer(party=PartyFactory(name="Acme BV"))
    beta = make_customer(party=PartyFactory(name="Beta BV"))
    item_a, _item_b = lamp_and_desk()
    draft = make_order(customer=acme, lines=[(item_a, "1")], customer_reference="PO-77", by=clerk)
    confirmed = confirmed_order(by=clerk, customer=beta)
    delivered, _slip = partly_delivered_order(by=clerk, customer=acme)
    return acme, beta, draft, confirmed, delivered


def rows(queryset) -> list[tuple]:
    return [(order.number, order.state, order.has_deliveries) for order in orders_mark_deliveries(queryset)]


def test_orders_are_listed_newest_first_with_whether_anything_was_delivered(clerk):
    # given
    orders(clerk)

    # when
    found = rows(order_list())

    # then
    assert found == [
        ("SO-000003", "confirmed", True),
        ("SO-000002", "confirmed", False),
        ("SO-000001", "open", False),
    ]


def test_filters_search_state_and_customer(clerk):
    # given
    acme, beta, *_ = orders(clerk)

    # when / then: search matches number, customer name or number and the customer's reference
    assert [o.number for o in order_list(search="so-000002")] == ["SO-000002"]
    assert [o.number for o in order_list(search="acme")] == ["SO-000003", "SO-000001"]
    assert [o.number for o in order_list(search=beta.number)] == ["SO-000002"]
    assert [o.number for o in order_list(search="po-77")] == ["SO-000001"]
    assert [o.number for o in order_list(state="open")] == ["SO-000001"]
    assert [o.number for o in order_list(state="confirmed", customer_id=acme.pk)] == ["SO-000003"]
    assert [o.number for o in order_list(customer_id=beta.pk)] == ["SO-000002"]


def test_the_list_with_customer_names_and_deliveries_takes_two_queries(clerk, django_assert_num_queries):
    # given
    orders(clerk)

    # when: one for the orders and their customers, one for the deliveries of these orders only
    with django_assert_num_queries(2):
        found = orders_mark_deliveries(order_list())
        names = [(order.number, order.customer.party.name, order.has_deliveries) for order in found]

    # then
    assert names == [("SO-000003", "Acme BV", True), ("SO-000002", "Beta BV", False), ("SO-000001", "Acme BV", False)]


def test_order_get_reads_the_order_with_its_lines_in_two_queries(clerk, django_assert_num_queries):
    # given: 10 × A and 4 × B
    order = confirmed_order(by=clerk)

    # when
    with django_assert_num_queries(2):
        found = order_get(pk=order.pk)
        lines = [(line.item.number, line.quantity, line.tax_code.code) for line in found.lines.all()]
        name = found.customer.party.name

    # then: order with customer (1), lines with their items and tax codes (2)
    assert sorted(lines) == [("A", Decimal("10.000"), "NL21"), ("B", Decimal("4.000"), "NL9")]
    assert name == order.customer.party.name


def test_order_progress_of_a_partly_delivered_order(clerk):
    # given: A 6 of 10 delivered, B 4 of 4 delivered, nothing invoiced
    order, _slip = partly_delivered_order(by=clerk)

    # when
    progress = order_progress(order_get(pk=order.pk))

    # then
    assert progress == {
        "line_count": 2,
        "delivered_lines": 1,
        "invoiced_lines": 0,
        "partially_delivered": True,
        "waiting": ["4 pcs of A"],
        "summary": "1 of 2 lines delivered, 0 invoiced",
    }


def test_order_progress_after_the_delivered_part_is_invoiced(clerk, billing):
    # given: the packing slip of a partly delivered order invoiced and posted
    invoice = posted_slip_invoice(by=clerk, post_by=billing)

    # when
    progress = order_progress(order_get(pk=invoice.order_id))

    # then: B is delivered and invoiced, A still waits for 4
    assert (progress["delivered_lines"], progress["invoiced_lines"], progress["waiting"]) == (1, 1, ["4 pcs of A"])
    assert progress["summary"] == "1 of 2 lines delivered, 1 invoiced"
