"""Changing an order's type (reference: any type may change, except item requirements once delivered), and the
item requirement type that integrations create."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.errors import TransitionRefused
from invoicing.services.invoices import invoice_create_from_order
from marketing.models import Activity
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm, order_type_change, order_update
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def shipped(order, clerk, quantity="1"):
    line = order.lines.get()
    packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line.pk: D(quantity)}, by=clerk), by=clerk
    )


def test_a_journal_becomes_a_sales_order_and_the_timeline_says_so(clerk):
    order = make_order(order_type="journal", by=clerk)

    order = order_type_change(order=order, order_type="sales", by=clerk)

    assert SalesOrder.objects.get(pk=order.pk).order_type == "sales"
    assert Activity.objects.filter(subject=f"Order {order.number} changed from Journal to Sales order").exists()


def test_a_sales_order_with_posted_packing_slips_cannot_become_a_journal(clerk):
    order = make_order(lines=[(ItemFactory(), "3")], by=clerk)
    order_confirm(order=order, by=clerk)
    shipped(order, clerk)

    with pytest.raises(TransitionRefused) as refused:
        order_type_change(order=order, order_type="journal", by=clerk)

    assert refused.value.code == "order-type-not-changeable"
    assert "has posted packing slips" in refused.value.reason
    assert SalesOrder.objects.get(pk=order.pk).order_type == "sales"


def test_a_confirmed_order_cannot_become_a_journal_but_an_open_one_can(clerk):
    confirmed = order_confirm(order=make_order(by=clerk), by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        order_type_change(order=confirmed, order_type="journal", by=clerk)
    assert "a journal is never confirmed" in refused.value.reason

    assert order_update(order=make_order(by=clerk), order_type="journal", by=clerk).order_type == "journal"


def test_an_item_requirement_with_deliveries_keeps_its_type_and_is_not_invoiced_here(clerk):
    order = make_order(order_type="item_requirements", lines=[(ItemFactory(), "2")], by=clerk)
    order_confirm(order=order, by=clerk)
    shipped(order, clerk, "1")

    with pytest.raises(TransitionRefused) as refused:
        order_type_change(order=order, order_type="sales", by=clerk)
    assert "item requirement with deliveries" in refused.value.reason
    with pytest.raises(TransitionRefused) as refused:
        invoice_create_from_order(order=SalesOrder.objects.get(pk=order.pk), basis="order", by=clerk)
    assert refused.value.reason == "An item requirement order is invoiced through its project, not from the order."


def test_an_unknown_type_is_named(clerk):
    order = make_order(by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        order_type_change(order=order, order_type="barter", by=clerk)
    assert refused.value.reason == "Unknown order type 'barter'."
    assert SalesOrder.objects.get(pk=order.pk).order_type == "sales"


def test_integrations_create_item_requirements_through_the_api_and_the_clerk_page_does_not_offer_it(
    client, clerk, integrator
):
    customer, item = make_customer(), ItemFactory()
    api = APIClient()
    api.force_authenticate(integrator)
    response = api.post(
        "/api/v1/sales-orders/",
        {"customer": customer.pk, "order_type": "item_requirements", "lines": [{"item": item.pk, "quantity": "2"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["order_type"] == "item_requirements"

    client.force_login(clerk)
    assert 'value="item_requirements"' not in client.get("/sales/orders/new/").content.decode()

    order = SalesOrder.objects.get(pk=response.json()["id"])
    order_confirm(order=order, by=clerk)
    changed = api.post(f"/api/v1/sales-orders/{order.pk}/change-type/", {"order_type": "sales"}, format="json")
    assert (changed.status_code, changed.json()["order_type"]) == (200, "sales")
    page = client.get(f"/sales/orders/{order.pk}/").content.decode()
    assert f'action="/sales/orders/{order.pk}/change-type/"' in page
    response = client.post(f"/sales/orders/{order.pk}/change-type/", {"order_type": "journal"}, follow=True)
    assert "a journal is never confirmed" in response.content.decode()


def test_a_bad_type_through_the_api_names_the_field(integrator):
    api = APIClient()
    api.force_authenticate(integrator)
    order = make_order()
    response = api.post(f"/api/v1/sales-orders/{order.pk}/change-type/", {"order_type": "barter"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "order_type"
