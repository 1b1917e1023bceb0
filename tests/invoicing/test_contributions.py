"""What invoicing puts on a party's timeline."""

from invoicing.contributions import invoice_timeline
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import make_customer, make_order


def test_a_posted_invoice_counts_from_its_posting_not_its_draft(clerk, billing):
    # given: draft A, then draft B, then A is posted
    customer = make_customer()
    first, second = (order_confirm(order=make_order(customer=customer, by=clerk), by=clerk) for _ in range(2))
    draft_a = invoice_create_from_order(order=first, basis="order", by=clerk)
    draft_b = invoice_create_from_order(order=second, basis="order", by=clerk)
    posted_a = invoice_post(invoice=draft_a, by=billing, store_pdf=False)

    # when: the newest entry
    newest = invoice_timeline([customer.party_id], 1)

    # then: A, dated by its posting, although B was drafted later
    assert draft_b.created_at > posted_a.created_at
    assert [(entry.title, entry.at) for entry in newest] == [(posted_a.number, posted_a.posted_at)]
