import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.errors import TransitionRefused, ValidationFailed
from salesapp.models import SalesOrderLine
from salesapp.services.orders import order_cancel, order_confirm, order_line_ship_date_confirm, order_update
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def test_an_external_document_number_names_one_order_of_a_customer(clerk):
    customer = make_customer()
    first = make_order(customer=customer, external_document_number=" PO-7 ", by=clerk)
    assert first.external_document_number == "PO-7"

    with pytest.raises(ValidationFailed) as refused:
        make_order(customer=customer, external_document_number="PO-7", by=clerk)
    assert refused.value.field_errors == {
        "external_document_number": f"Order {first.number} of this customer already has external document number PO-7."
    }
    # another customer may use the same number, and an empty one is never a duplicate
    make_order(customer=make_customer(), external_document_number="PO-7", by=clerk)
    second = make_order(customer=customer, by=clerk)
    make_order(customer=customer, by=clerk)

    with pytest.raises(ValidationFailed):
        order_update(order=second, external_document_number="PO-7", by=clerk)
    order_update(order=first, external_document_number="PO-7", by=clerk)  # its own number: no change
    order_cancel(order=first, by=clerk)
    # a canceled order gives the number back, so the customer's order can be entered again
    assert make_order(customer=customer, external_document_number="PO-7", by=clerk).external_document_number == "PO-7"


def test_a_line_gets_a_promised_ship_date_within_the_rules(clerk, billing):
    order = make_order(lines=[(ItemFactory(), "2")], by=clerk)
    order_confirm(order=order, by=clerk)
    line = order.lines.get()
    promised = order.order_date + datetime.timedelta(days=5)

    order_line_ship_date_confirm(order_line=line, confirmed_ship_date=promised, by=clerk)
    assert SalesOrderLine.objects.get(pk=line.pk).confirmed_ship_date == promised

    with pytest.raises(ValidationFailed) as refused:
        order_line_ship_date_confirm(
            order_line=line, confirmed_ship_date=order.order_date - datetime.timedelta(days=1), by=clerk
        )
    assert "cannot be before the order date" in refused.value.field_errors["confirmed_ship_date"]
    with pytest.raises(ValidationFailed):
        order_line_ship_date_confirm(order_line=line, confirmed_ship_date=datetime.date(2150, 1, 1), by=clerk)

    order_line_ship_date_confirm(order_line=line, confirmed_ship_date=None, by=clerk)
    assert SalesOrderLine.objects.get(pk=line.pk).confirmed_ship_date is None

    canceled = make_order(by=clerk)
    order_cancel(order=canceled, by=clerk)
    with pytest.raises(TransitionRefused):
        order_line_ship_date_confirm(order_line=canceled.lines.get(), confirmed_ship_date=promised, by=clerk)


def test_the_page_and_the_api_promise_a_ship_date(client, clerk):
    order = make_order(lines=[(ItemFactory(), "2")], by=clerk)
    line = order.lines.get()
    promised = order.order_date + datetime.timedelta(days=3)
    client.force_login(clerk)
    assert "Set ship date…" in client.get(f"/sales/orders/{order.pk}/").content.decode()

    response = client.post(
        f"/sales/orders/{order.pk}/lines/{line.pk}/ship-date/", {"confirmed_ship_date": promised.isoformat()}
    )
    assert response.status_code == 302
    assert SalesOrderLine.objects.get(pk=line.pk).confirmed_ship_date == promised

    api = APIClient()
    api.force_authenticate(clerk)
    response = api.post(
        f"/api/v1/sales-orders/{order.pk}/confirm-ship-date/",
        {"line": line.pk, "confirmed_ship_date": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["lines"][0]["confirmed_ship_date"] is None


def test_copying_an_order_runs_every_check_again_and_keeps_the_lines(clerk, settings):
    from salesapp.services.customers import customer_update
    from salesapp.services.orders import OrderLineInput, order_copy, order_create
    from tests.factories.salesapp import make_agreement
    from tests.factories.users import builder

    # given an order with an engine price, a typed price, a write-in and a comment
    ItemFactory(number="WRITE-IN", unit_price=D("0"))
    customer = make_customer()
    chair, desk = ItemFactory(number="CH", unit_price=D("50")), ItemFactory(number="DK", unit_price=D("300"))
    source = order_create(
        customer=customer,
        external_document_number="PO-1",
        lines=[
            OrderLineInput(item=chair, quantity=D("4")),
            OrderLineInput(item=desk, quantity=D("1"), unit_price=D("250")),
            OrderLineInput(item=None, line_type="write_in", description="Cable tray", quantity=1, unit_price=D("20")),
            OrderLineInput(item=None, line_type="comment", description="Deliver before noon", quantity=0),
        ],
        by=clerk,
    )
    make_agreement(item=chair, applies_to="customer", customer=customer, unit_price=D("45"))

    # when
    copied = order_copy(order=source, by=clerk)

    # then the engine price is today's, the typed one kept, the texts kept, the customer's number not
    assert copied.state == "open" and copied.external_document_number == ""
    assert list(copied.lines.order_by("line_no").values_list("line_type", "description", "unit_price")) == [
        ("item", chair.name, D("45")),
        ("item", desk.name, D("250")),
        ("write_in", "Cable tray", D("20")),
        ("comment", "Deliver before noon", D("0")),
    ]

    # and a customer blocked since cannot get the copy
    customer_update(customer=customer, by=builder(), blocked=True, blocked_reason="Unpaid invoices")
    with pytest.raises(ValidationFailed) as refused:
        order_copy(order=source, by=clerk)
    assert "blocked" in refused.value.field_errors["customer"]


def test_the_page_and_the_api_copy_an_order(client, clerk):
    source = make_order(lines=[(ItemFactory(), "2")], by=clerk)
    client.force_login(clerk)
    response = client.post(f"/sales/orders/{source.pk}/copy/")
    copied = source.customer.orders.exclude(pk=source.pk).get()
    assert response["Location"] == f"/sales/orders/{copied.pk}/"

    api = APIClient()
    api.force_authenticate(clerk)
    response = api.post(f"/api/v1/sales-orders/{source.pk}/copy/")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "open" and response.json()["number"] not in (source.number, copied.number)


def test_an_order_carries_its_payment_terms_and_delivery_address_into_its_invoice(clerk, manager, billing):
    from core.errors import ActionForbidden
    from invoicing.services.invoices import invoice_create_from_order, invoice_post
    from salesapp.services.orders import order_create, order_update
    from tests.factories.marketing import AddressFactory

    customer = make_customer(payment_terms_days=30)
    dock = AddressFactory(party=customer.party, street="Dock 4", city="Rotterdam", country="NL")
    elsewhere = AddressFactory(street="Other 1", city="Delft", country="NL")
    item = ItemFactory()

    # a clerk takes the customer's terms; other terms are a credit decision
    order = make_order(customer=customer, lines=[(item, "1")], by=clerk)
    assert order.payment_terms_days == 30 and order.delivery_address is None
    from salesapp.services.orders import OrderLineInput

    with pytest.raises(ActionForbidden) as refused:
        order_create(
            customer=customer, lines=[OrderLineInput(item=item, quantity=D("1"))], payment_terms_days=60, by=clerk
        )
    assert refused.value.field == "payment_terms_days"
    special = order_create(
        customer=customer,
        lines=[OrderLineInput(item=item, quantity=D("1"))],
        payment_terms_days=60,
        delivery_address=dock,
        by=manager,
    )
    with pytest.raises(ValidationFailed) as refused:
        order_update(order=special, delivery_address=elsewhere, by=manager)
    assert "delivery addresses of" in refused.value.field_errors["delivery_address"]
    # a clerk editing the references of the special order keeps its terms
    order_update(order=special, payment_terms_days=60, customer_reference="PO-9", by=clerk)

    # the invoice is due on the order's terms
    order_confirm(order=special, by=manager)
    invoice = invoice_post(invoice=invoice_create_from_order(order=special, basis="order", by=clerk), by=billing)
    assert (invoice.due_date - invoice.invoice_date).days == 60


def test_the_page_and_the_api_show_and_change_terms_and_address(client, manager):
    from tests.factories.marketing import AddressFactory

    customer = make_customer(payment_terms_days=14)
    dock = AddressFactory(party=customer.party, street="Dock 4", city="Rotterdam", country="NL")
    order = make_order(customer=customer, by=manager)
    client.force_login(manager)
    page = client.get(f"/sales/orders/{order.pk}/").content.decode()
    assert "14 days" in page and "Dock 4" in page  # the customer's delivery address by default

    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(
        f"/api/v1/sales-orders/{order.pk}/", {"payment_terms_days": 45, "delivery_address": dock.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["payment_terms_days"], response.json()["delivery_address"]) == (45, dock.pk)
