"""The accept dialog: a sales order, or an invoice draft when every line is a service."""

from decimal import Decimal

from django.urls import reverse

from invoicing.models import Invoice
from salesapp.models import Quotation
from salesapp.services.quotations import quotation_send
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory

D = Decimal


def test_services_only_offer_an_invoice_draft_which_lands_on_the_invoice(client, clerk):
    # given: a sent quotation of one service
    client.force_login(clerk)
    service = ItemFactory(number="S-100", unit_price=D("80.00"), item_type="service")
    quotation = quotation_send(quotation=make_quotation(lines=[(service, "2")], by=clerk), by=clerk)
    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert 'name="convert_to" value="order" checked' in page
    assert 'name="convert_to" value="invoice"' in page and "Invoice draft" in page

    # when: accepted into an invoice draft
    response = client.post(
        reverse("salesapp:quotation_accept", args=[quotation.pk]),
        {"revision": "1", "convert_to": "invoice"},
        follow=True,
    )

    # then: on the draft invoice's page; the quotation's page shows it in the invoice panel
    invoice = Invoice.objects.get(quotation=quotation)
    assert response.redirect_chain[-1][0] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert f"Invoice draft #{invoice.pk} created from it." in [str(m) for m in response.context["messages"]]
    assert (invoice.state, invoice.amount_net) == ("draft", D("160.00"))
    assert reverse("salesapp:quotation_detail", args=[quotation.pk]) in response.content.decode()
    detail = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert 'id="quotation-invoice"' in detail
    assert reverse("invoicing:invoice_detail", args=[invoice.pk]) in detail


def test_goods_offer_only_the_sales_order(client, clerk):
    client.force_login(clerk)
    quotation = quotation_send(quotation=make_quotation(lines=[(ItemFactory(), "1")], by=clerk), by=clerk)

    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()

    assert 'value="invoice"' not in page
    assert '<input type="hidden" name="convert_to" value="order">' in page


def test_an_invoice_draft_for_goods_posted_anyway_says_why(client, clerk):
    client.force_login(clerk)
    quotation = quotation_send(quotation=make_quotation(lines=[(ItemFactory(number="P-100"), "1")], by=clerk), by=clerk)

    response = client.post(
        reverse("salesapp:quotation_accept", args=[quotation.pk]),
        {"revision": "1", "convert_to": "invoice"},
        follow=True,
    )

    assert any("Line 10 (P-100) is not a service" in str(m) for m in response.context["messages"])
    assert Quotation.objects.get(pk=quotation.pk).state == "sent"
    assert not Invoice.objects.exists()
