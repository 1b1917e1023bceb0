import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesapp.models import SalesOrder
from salesapp.services.customers import customer_update
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code
from tests.factories.users import builder

CANCEL_HINT = " Close the undelivered remainder instead, or create a returned order for what came back."

D = Decimal
HTMX = {"HX-Request": "true"}
# Session, user, two permission reads and the page's own reads: none of them grows with the rows.
LIST_QUERIES = 7
# The timeline's content type lookup is one more query while Django's content type cache is cold; an open order
# also reads its suggestions, the accepted ones to undo and the standard line sets (salesapp.views.suggestions).
DETAIL_QUERIES = 17


@pytest.fixture
def items(db):
    return (
        ItemFactory(number="A-100", name="Anvil", unit_price=D("12.50"), tax_code=tax_code("NL21")),
        ItemFactory(number="B-200", name="Bucket", unit_price=D("30.00"), tax_code=tax_code("NL9")),
    )


@pytest.fixture
def customer(db):
    return make_customer(party=None)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def create_payload(customer, rows, **header) -> dict:
    """The order entry form as a browser posts it; ``rows`` are (item, quantity, unit price, discount)."""
    data = {
        "customer": customer.pk,
        "order_type": "sales",
        "requested_ship_date": "",
        "customer_reference": "",
        "external_document_number": "",
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        **header,
    }
    for index, (item, quantity, price, discount) in enumerate(rows):
        data[f"lines-{index}-item"] = item.pk if item else ""
        data[f"lines-{index}-quantity"] = quantity
        data[f"lines-{index}-unit_price"] = price
        data[f"lines-{index}-discount_percent"] = discount
    return data


def delivered_order(*, customer, items, by, shipped: str):
    """A confirmed order for 10 A-100 and 4 B-200 with ``shipped`` units of A-100 delivered."""
    order = make_order(customer=customer, lines=[(items[0], "10"), (items[1], "4")], by=by)
    order = order_confirm(order=order, by=by)
    line_a = order.lines.get(item=items[0])
    slip = packing_slip_create(order=order, quantities={line_a.pk: D(shipped)}, by=by)
    packing_slip_post(packing_slip=slip, by=by)
    order.refresh_from_db()
    return order


# --- list ---------------------------------------------------------------------------------------------------------


def test_order_list_shows_status_total_and_partial_delivery(client, clerk, customer, items):
    # given: one open order and one confirmed order with 2 of 10 A-100 shipped
    open_order = make_order(customer=customer, lines=[(items[0], "2")], by=clerk)
    shipped = delivered_order(customer=customer, items=items, by=clerk, shipped="2")
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_list"))

    # then: newest first, totals with currency, the partial delivery hint only on the confirmed one
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [order.number for order in rows] == [shipped.number, open_order.number]
    assert [(order.state, order.has_deliveries) for order in rows] == [("confirmed", True), ("open", False)]
    html = response.content.decode()
    assert "EUR 282.05" in html
    assert "EUR 30.25" in html
    assert html.count("partially delivered") == 1
    assert reverse("salesapp:order_create") in html


def test_order_list_searches_number_customer_and_reference(client, clerk, items):
    # given
    acme = make_customer(party=None)
    acme.party.name = "Acme Tools"
    acme.party.save()
    other = make_customer(party=None)
    by_reference = make_order(customer=other, lines=[(items[0], "1")], customer_reference="PO-4711")
    by_name = make_order(customer=acme, lines=[(items[0], "1")])
    client.force_login(clerk)
    url = reverse("salesapp:order_list")

    # when / then
    assert [o.pk for o in client.get(url, {"q": "po-4711"}).context["page_obj"]] == [by_reference.pk]
    assert [o.pk for o in client.get(url, {"q": "acme"}).context["page_obj"]] == [by_name.pk]
    assert [o.pk for o in client.get(url, {"q": by_name.number}).context["page_obj"]] == [by_name.pk]
    assert [o.pk for o in client.get(url, {"q": acme.number}).context["page_obj"]] == [by_name.pk]


def test_order_list_filters_state_and_customer(client, clerk, items):
    # given
    first, second = make_customer(party=None), make_customer(party=None)
    open_first = make_order(customer=first, lines=[(items[0], "1")])
    confirmed_first = order_confirm(order=make_order(customer=first, lines=[(items[0], "1")]), by=clerk)
    open_second = make_order(customer=second, lines=[(items[0], "1")])
    client.force_login(clerk)
    url = reverse("salesapp:order_list")

    # when / then
    assert [o.pk for o in client.get(url, {"state": "open"}).context["page_obj"]] == [open_second.pk, open_first.pk]
    assert [o.pk for o in client.get(url, {"customer": first.pk}).context["page_obj"]] == [
        confirmed_first.pk,
        open_first.pk,
    ]
    assert [o.pk for o in client.get(url, {"customer": first.pk, "state": "confirmed"}).context["page_obj"]] == [
        confirmed_first.pk
    ]
    # a filter value that is no longer valid is ignored rather than failing the page
    assert len(client.get(url, {"customer": "999999", "state": "nonsense"}).context["page_obj"]) == 3


def test_order_list_paginates_by_25(client, clerk, customer, items):
    # given
    for _ in range(27):
        make_order(customer=customer, lines=[(items[0], "1")])
    client.force_login(clerk)

    # when
    first_page = client.get(reverse("salesapp:order_list"))
    second_page = client.get(reverse("salesapp:order_list"), {"page": 2})

    # then
    assert len(first_page.context["page_obj"]) == 25
    assert len(second_page.context["page_obj"]) == 2
    assert "Page 1 of 2 (27 rows)" in first_page.content.decode()


def test_order_list_query_count_does_not_grow_with_orders(client, clerk, items, django_assert_max_num_queries):
    # given: 3 orders of 3 customers
    client.force_login(clerk)
    for _ in range(3):
        make_order(customer=make_customer(party=None), lines=[(items[0], "1"), (items[1], "2")])
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(reverse("salesapp:order_list"))

    # when: 30 orders of 30 customers
    for _ in range(27):
        make_order(customer=make_customer(party=None), lines=[(items[0], "1"), (items[1], "2")])
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("salesapp:order_list"))

    # then
    assert len(response.context["page_obj"]) == 25


# --- create -------------------------------------------------------------------------------------------------------


def test_order_create_page_preselects_customer_and_hides_blocked_ones(client, clerk, customer, items):
    # given
    blocked = make_customer(party=None, blocked=True, blocked_reason="Unpaid invoices")
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_create"), {"customer": customer.pk})

    # then
    header = response.context["header"]
    assert response.status_code == 200
    assert header["customer"].value() == str(customer.pk)
    assert list(header.fields["customer"].queryset) == [customer]
    assert blocked.number not in response.content.decode()
    assert header["order_type"].value() == "sales"
    assert "item_requirements" not in dict(header.fields["order_type"].choices)
    assert len(response.context["lines"].forms) == 1


def test_order_create_with_two_lines_redirects_to_the_order(client, clerk, customer, items):
    # given: A-100 at its sales price, B-200 at 27.50 less 10 %, and an empty third row
    client.force_login(clerk)
    data = create_payload(
        customer,
        [(items[0], "10", "", ""), (items[1], "4", "27.50", "10"), (None, "", "", "")],
        requested_ship_date="2030-01-15",
        customer_reference="PO-778",
        external_document_number="EXT-1",
    )

    # when
    response = client.post(reverse("salesapp:order_create"), data, follow=True)

    # then: 125.00 @ 21 % + 99.00 @ 9 %
    order = SalesOrder.objects.get()
    assert response.redirect_chain == [(reverse("salesapp:order_detail", args=[order.pk]), 302)]
    assert messages_of(response) == [f"Sales order {order.number} created."]
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("224.00"), D("35.16"), D("259.16"))
    assert [
        (line.item.number, line.quantity, line.unit_price, line.discount_percent, line.net_amount)
        for line in order.lines.order_by("line_no")
    ] == [
        ("A-100", D("10.000"), D("12.5000"), D("0.00"), D("125.00")),
        ("B-200", D("4.000"), D("27.5000"), D("10.00"), D("99.00")),
    ]
    assert (order.customer, order.order_type, str(order.requested_ship_date)) == (customer, "sales", "2030-01-15")
    assert (order.customer_reference, order.external_document_number, order.created_by) == ("PO-778", "EXT-1", clerk)
    assert "EUR 259.16" in response.content.decode()


def test_order_create_shows_service_errors_on_the_right_line_and_keeps_input(client, clerk, customer, items):
    # given: the second row is left empty, so the service's lines[1] is the form's third row
    client.force_login(clerk)
    data = create_payload(
        customer,
        [(items[0], "10", "", ""), (None, "", "", ""), (items[1], "0", "27.50", "150")],
        customer_reference="PO-778",
    )

    # when
    response = client.post(reverse("salesapp:order_create"), data)

    # then: nothing saved, the errors next to quantity and discount of that row, the typed values still there
    assert response.status_code == 200
    assert SalesOrder.objects.count() == 0
    forms = response.context["lines"].forms
    assert forms[0].errors == {}
    assert forms[2].errors == {
        "quantity": ["Quantity must be greater than zero."],
        "discount_percent": ["Discount must be between 0 and 100 %."],
    }
    html = response.content.decode()
    assert 'name="customer_reference" value="PO-778"' in html
    assert 'name="lines-0-quantity" value="10"' in html
    assert 'name="lines-2-unit_price" value="27.50"' in html
    assert 'name="lines-2-discount_percent" value="150"' in html
    assert "Discount must be between 0 and 100 %." in html


def test_order_create_requires_an_item_on_the_first_line(client, clerk, customer):
    # given
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:order_create"), create_payload(customer, [(None, "", "", "")]))

    # then
    assert response.status_code == 200
    assert SalesOrder.objects.count() == 0
    assert response.context["lines"].forms[0].errors == {
        "item": ["This field is required."],
        "quantity": ["This field is required."],
    }


def test_add_line_button_returns_one_more_row_and_the_new_row_count(client, clerk, items):
    # given: the form has two rows
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_create_line"), {"lines-TOTAL_FORMS": "2"}, headers=HTMX)

    # then: a third row (index 2), focused, and the management form's count swapped out of band
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr>")
    assert 'name="lines-2-item"' in html
    assert "autofocus" in html
    assert 'name="lines-1-item"' not in html
    assert (
        '<input type="hidden" name="lines-TOTAL_FORMS" value="3" id="id_lines-TOTAL_FORMS" hx-swap-oob="true">' in html
    )
    # the item is typed ahead, never offered as a list of the whole catalogue
    assert 'role="combobox"' in html
    assert "A-100" not in html


# --- detail -------------------------------------------------------------------------------------------------------


def test_order_detail_of_an_open_order(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "10"), (items[1], "4")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_detail", args=[order.pk]))

    # then: confirm and cancel offered; delivery and invoicing come after confirming, so neither offered nor
    # explained; lines editable
    assert response.status_code == 200
    assert response.context["actions"] == {"confirm": True, "cancel": True, "copy": True}
    assert response.context["refusals"] == []
    html = response.content.decode()
    assert 'data-confirm="Cancel this order? This cannot be undone."' in html
    assert "confirm it first" not in html
    assert [step["css"] for step in response.context["steps"]] == ["current", "", "", ""]
    assert response.context["progress"]["summary"] == "0 of 2 lines delivered, 0 invoiced"
    html = response.content.decode()
    assert reverse("salesapp:order_confirm", args=[order.pk]) in html
    assert reverse("salesapp:order_cancel", args=[order.pk]) in html
    assert reverse("salesapp:order_line_add", args=[order.pk]) in html
    assert html.count('aria-label="Remove line') == 2
    assert 'id="order-amount-net">EUR 245.00' in html
    assert 'id="order-amount-tax">EUR 37.05' in html
    assert 'id="order-amount-total">EUR 282.05' in html
    assert "No status changes yet." in html


def test_order_detail_of_a_partly_delivered_order(client, clerk, customer, items):
    # given
    order = delivered_order(customer=customer, items=items, by=clerk, shipped="6")
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_detail", args=[order.pk]))

    # then
    html = response.content.decode()
    assert response.context["actions"] == {
        "deliver": True,
        "invoice": True,
        "cancel": False,
        "close_remainder": True,
        "confirmation_pdf": True,
        "send_confirmation": True,
        "change_type": True,
        "copy": True,
        "return": True,
        "pro_forma": True,
    }
    assert "only open orders can be confirmed" not in html  # confirming is a step done
    assert [step["css"] for step in response.context["steps"]] == ["done", "current", "", ""]
    assert "0 of 2 lines delivered, 0 invoiced · <strong>partially delivered</strong>" in html
    assert "Still to deliver: 4 pcs of A-100, 4 pcs of B-200" in html
    assert f"{reverse('salesapp:packing_slip_create')}?order={order.pk}" in html
    assert f"{reverse('invoicing:invoice_create')}?order={order.pk}" in html
    assert (
        "<strong>Cancel order</strong>: 6 units already shipped: the order can no longer be canceled." + CANCEL_HINT
        in html
    )
    assert "PS-000001" in html
    assert "/remove/" not in html
    assert response.context["line_form"] is None
    assert [entry.transition for entry in response.context["transitions"]] == ["confirm"]


def test_order_detail_query_count_does_not_grow_with_lines(client, clerk, customer, django_assert_max_num_queries):
    # given: an order of 3 lines
    client.force_login(clerk)
    small = make_order(customer=customer, lines=[(ItemFactory(), "1") for _ in range(3)], by=clerk)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(reverse("salesapp:order_detail", args=[small.pk]))

    # when: an order of 20 lines
    large = make_order(customer=customer, lines=[(ItemFactory(), "1") for _ in range(20)], by=clerk)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("salesapp:order_detail", args=[large.pk]))

    # then
    assert len(response.context["lines"]) == 20


def test_order_detail_unknown_order_is_404(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("salesapp:order_detail", args=[999999])).status_code == 404


# --- actions ------------------------------------------------------------------------------------------------------


def test_confirm_an_open_order(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "1")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:order_confirm", args=[order.pk]), follow=True)

    # then
    order.refresh_from_db()
    assert order.state == "confirmed"
    assert response.redirect_chain == [(reverse("salesapp:order_detail", args=[order.pk]), 302)]
    assert messages_of(response) == [f"Order {order.number} confirmed."]
    assert [(e.transition, e.source_state, e.state, e.by) for e in response.context["transitions"]] == [
        ("confirm", "open", "confirmed", clerk)
    ]


def test_confirm_refused_shows_the_reason(client, clerk, customer, items):
    # given: the customer was blocked after the order was entered
    order = make_order(customer=customer, lines=[(items[0], "1")], by=clerk)
    customer_update(customer=customer, blocked=True, blocked_reason="credit limit exceeded", by=builder())
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:order_confirm", args=[order.pk]), follow=True)

    # then
    order.refresh_from_db()
    assert order.state == "open"
    reason = f"Customer {customer.number} is blocked: credit limit exceeded."
    assert messages_of(response) == [reason]
    assert (response.context["actions"]["confirm"], response.context["refusals"][0][1]) == (False, reason)


def test_confirm_is_post_only(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "1")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_confirm", args=[order.pk]))

    # then
    order.refresh_from_db()
    assert (response.status_code, order.state) == (405, "open")


def test_cancel_with_a_reason(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "1")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_cancel", args=[order.pk]), {"reason": "Customer ordered twice"}, follow=True
    )

    # then
    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("canceled", "Customer ordered twice")
    assert messages_of(response) == [f"Order {order.number} canceled."]
    assert [step["label"] for step in response.context["steps"]] == ["Canceled"]
    html = response.content.decode()
    assert "This order is canceled. Reason: Customer ordered twice" in html
    # a canceled order offers only to be copied, and explains nothing
    assert response.context["actions"] == {"copy": True}
    assert response.context["refusals"] == []


def test_cancel_refused_after_delivery_shows_why(client, clerk, customer, items):
    # given: 2 units already shipped
    order = delivered_order(customer=customer, items=items, by=clerk, shipped="2")
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:order_cancel", args=[order.pk]), {"reason": "too late"}, follow=True)

    # then: still confirmed; the reason as a message and in the page's refusals
    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("confirmed", "")
    reason = "2 units already shipped: the order can no longer be canceled." + CANCEL_HINT
    assert messages_of(response) == [reason]
    assert ("Cancel order", reason) in [(str(label), text) for label, text in response.context["refusals"]]
    assert response.content.decode().count(reason) == 2


def test_add_line_with_htmx_returns_the_lines_fragment(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "10")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_line_add", args=[order.pk]),
        {"add-item": items[1].pk, "add-quantity": "4", "add-unit_price": "", "add-discount_percent": "0"},
        headers=HTMX,
    )

    # then: the new line, new totals, a fresh focused form and the status swapped out of band
    order.refresh_from_db()
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("245.00"), D("37.05"), D("282.05"))
    assert [(line.line_no, line.item.number) for line in order.lines.order_by("line_no")] == [
        (10, "A-100"),
        (20, "B-200"),
    ]
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="order-lines" class="card">')
    assert "<html" not in html
    assert "Line 20 added." in html
    assert 'id="order-amount-total">EUR 282.05' in html
    assert '<section id="order-status" class="card" hx-swap-oob="true">' in html
    assert response.context["line_form"]["quantity"].value() is None
    assert "autofocus" in str(response.context["line_form"]["item"])


def test_add_line_with_htmx_shows_the_error_and_keeps_input(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "10")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_line_add", args=[order.pk]),
        {"add-item": items[1].pk, "add-quantity": "-2", "add-unit_price": "9.95", "add-discount_percent": "0"},
        headers=HTMX,
    )

    # then
    assert order.lines.count() == 1
    assert response.context["line_form"].errors == {"quantity": ["Quantity must be greater than zero."]}
    html = response.content.decode()
    assert 'name="add-quantity" value="-2"' in html
    assert 'name="add-unit_price" value="9.95"' in html


def test_add_line_without_htmx_redirects_to_the_order(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "10")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_line_add", args=[order.pk]),
        {"add-item": items[1].pk, "add-quantity": "1", "add-unit_price": "", "add-discount_percent": "0"},
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("salesapp:order_detail", args=[order.pk])
    assert order.lines.count() == 2


def test_add_line_to_a_confirmed_order_is_refused(client, clerk, customer, items):
    # given
    order = order_confirm(order=make_order(customer=customer, lines=[(items[0], "10")], by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_line_add", args=[order.pk]),
        {"add-item": items[1].pk, "add-quantity": "1", "add-unit_price": "", "add-discount_percent": "0"},
        headers=HTMX,
    )

    # then
    assert order.lines.count() == 1
    assert (
        f"Order {order.number} is Confirmed: its lines, type, dates and references only change while it is open."
        in response.content.decode()
    )


def test_remove_line_with_htmx_returns_the_lines_fragment(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "10"), (items[1], "4")], by=clerk)
    line_b = order.lines.get(item=items[1])
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:order_line_remove", args=[order.pk, line_b.pk]), headers=HTMX)

    # then
    order.refresh_from_db()
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("125.00"), D("26.25"), D("151.25"))
    assert [line.item.number for line in order.lines.all()] == ["A-100"]
    html = response.content.decode()
    assert "Line 20 removed." in html
    assert 'id="order-amount-total">EUR 151.25' in html
    assert "B-200" not in html.split("<h3>")[0]


def test_remove_line_of_a_confirmed_order_is_refused(client, clerk, customer, items):
    # given
    order = order_confirm(order=make_order(customer=customer, lines=[(items[0], "10")], by=clerk), by=clerk)
    line = order.lines.get()
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:order_line_remove", args=[order.pk, line.pk]), follow=True)

    # then
    assert order.lines.count() == 1
    assert messages_of(response) == [
        f"Order {order.number} is Confirmed: its lines, type, dates and references only change while it is open."
    ]


def test_remove_line_of_another_order_is_404(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "1")], by=clerk)
    other = make_order(customer=customer, lines=[(items[1], "1")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:order_line_remove", args=[order.pk, other.lines.get().pk]))

    # then
    assert response.status_code == 404
    assert other.lines.count() == 1


# --- permissions --------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("salesapp:order_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_billing_clerk_reads_orders_but_cannot_enter_or_confirm_them(client, billing, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "1")])
    client.force_login(billing)

    # when
    listing = client.get(reverse("salesapp:order_list"))
    detail = client.get(reverse("salesapp:order_detail", args=[order.pk]))
    create_page = client.get(reverse("salesapp:order_create"))
    create_post = client.post(reverse("salesapp:order_create"), create_payload(customer, [(items[0], "1", "", "")]))
    confirm = client.post(reverse("salesapp:order_confirm", args=[order.pk]))

    # then
    assert (listing.status_code, detail.status_code) == (200, 200)
    assert (create_page.status_code, create_post.status_code, confirm.status_code) == (403, 403, 403)
    order.refresh_from_db()
    assert (SalesOrder.objects.count(), order.state) == (1, "open")
    assert reverse("salesapp:order_create") not in listing.content.decode()
    assert ("Confirm", "Your role does not allow this action.") in [
        (str(label), reason) for label, reason in detail.context["refusals"]
    ]
    assert detail.context["line_form"] is None


# --- order types, header changes, limits and dates -----------------------------------------------------------------


def header_row(order) -> tuple:
    order.refresh_from_db()
    return (
        order.order_type,
        order.state,
        order.requested_ship_date,
        order.customer_reference,
        order.external_document_number,
        order.updated_at,
    )


def update_payload(**fields) -> dict:
    return {
        "order_type": "sales",
        "requested_ship_date": "",
        "customer_reference": "",
        "external_document_number": "",
        **fields,
    }


def test_order_create_offers_journal_subscription_and_sales_and_explains_them(client, clerk, customer, items):
    # given
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_create"))

    # then
    field = response.context["header"].fields["order_type"]
    assert [(value, str(label)) for value, label in field.choices] == [
        ("journal", "Journal"),
        ("subscription", "Subscription"),
        ("sales", "Sales order"),
    ]
    html = response.content.decode()
    assert "Journal: a draft to work on: it reserves nothing and cannot be confirmed, delivered or invoiced." in html
    assert "Sales order: the customer&#x27;s order: confirm it, ship it on packing slips and invoice it." in html


def test_order_create_refuses_a_type_not_offered(client, clerk, customer, items):
    # given
    client.force_login(clerk)

    # when: a hand-made request for a returned order
    response = client.post(
        reverse("salesapp:order_create"),
        create_payload(customer, [(items[0], "1", "", "")], order_type="returned_order"),
    )

    # then
    assert response.status_code == 200
    assert response.context["header"].errors == {
        "order_type": ["Select a valid choice. returned_order is not one of the available choices."]
    }
    assert SalesOrder.objects.count() == 0


def test_order_create_shows_a_price_beyond_the_limit_on_its_field(client, clerk, customer, items):
    # given
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_create"),
        create_payload(customer, [(items[0], "1", "99999999999999.9999", "")]),
    )

    # then
    assert response.status_code == 200
    assert response.context["lines"].forms[0].errors == {
        "unit_price": ["Ensure this value is less than or equal to 9999999999.9999."]
    }
    assert SalesOrder.objects.count() == 0


def test_order_create_shows_the_line_amount_limit_and_the_date_window_on_their_fields(client, clerk, customer, items):
    # given: 1000 × 1,000,000,000 is more than a line may carry
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_create"),
        create_payload(customer, [(items[0], "1000", "1000000000", "")], requested_ship_date="9999-12-31"),
    )

    # then
    assert response.status_code == 200
    assert response.context["header"].errors == {
        "requested_ship_date": ["Enter a date between 2000-01-01 and 2099-12-31."]
    }
    assert response.context["lines"].forms[0].errors == {
        "quantity": [
            "The line amount 1000000000000.00 is more than the 999999999999.99 a line may carry: "
            "lower the quantity or the price."
        ]
    }
    assert SalesOrder.objects.count() == 0


def test_open_order_page_loads_the_header_form_and_a_confirmed_one_does_not(client, clerk, customer, items):
    # given
    open_order = make_order(customer=customer, order_type="journal", by=clerk)
    confirmed = order_confirm(order=make_order(customer=customer, by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    open_page = client.get(reverse("salesapp:order_detail", args=[open_order.pk])).content.decode()
    confirmed_page = client.get(reverse("salesapp:order_detail", args=[confirmed.pk])).content.decode()
    fragment = client.get(reverse("salesapp:order_update", args=[open_order.pk]), headers=HTMX)

    # then
    assert f'hx-get="{reverse("salesapp:order_update", args=[open_order.pk])}"' in open_page
    assert reverse("salesapp:order_update", args=[confirmed.pk]) not in confirmed_page
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    form = fragment.context["form"]
    assert form["order_type"].value() == "journal"
    assert [value for value, _label in form.fields["order_type"].choices] == ["journal", "subscription", "sales"]


def test_header_edit_switches_a_journal_order_to_sales(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, lines=[(items[0], "2")], order_type="journal", by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_update", args=[order.pk]),
        update_payload(order_type="sales", requested_ship_date="2030-03-01", customer_reference="PO-9"),
        follow=True,
    )

    # then: the order page, where Confirm is now offered
    assert response.redirect_chain == [(reverse("salesapp:order_detail", args=[order.pk]), 302)]
    assert messages_of(response) == [f"Order {order.number} updated."]
    assert response.context["actions"]["confirm"] is True
    order.refresh_from_db()
    assert (order.order_type, str(order.requested_ship_date), order.customer_reference) == (
        "sales",
        "2030-03-01",
        "PO-9",
    )


def test_header_edit_shows_a_bad_ship_date_on_its_field(client, clerk, customer, items):
    # given
    order = make_order(customer=customer, order_date=datetime.date(2026, 6, 1), by=clerk)
    before = header_row(order)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_update", args=[order.pk]), update_payload(requested_ship_date="2026-05-01")
    )

    # then: the page of its own, with what was typed
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "requested_ship_date": ["The requested ship date cannot be before the order date (2026-06-01)."]
    }
    assert 'value="2026-05-01"' in response.content.decode()
    assert header_row(order) == before


def test_header_edit_of_a_confirmed_order_is_refused_with_the_reason(client, clerk, customer, items):
    # given
    order = order_confirm(order=make_order(customer=customer, by=clerk), by=clerk)
    before = header_row(order)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_update", args=[order.pk]), update_payload(order_type="journal"), follow=True
    )

    # then
    assert messages_of(response) == [
        f"Order {order.number} is Confirmed: its lines, type, dates and references only change while it is open."
    ]
    assert header_row(order) == before


def test_billing_clerk_cannot_edit_the_header(client, billing, customer, items):
    # given
    order = make_order(customer=customer, order_type="journal")
    before = header_row(order)
    client.force_login(billing)

    # when
    response = client.post(reverse("salesapp:order_update", args=[order.pk]), update_payload())

    # then
    assert response.status_code == 403
    assert header_row(order) == before


def test_new_order_page_lists_no_customers_or_items_whatever_their_number(client, clerk, django_assert_max_num_queries):
    # given: many customers and items
    for _ in range(30):
        make_customer(party=None)
    ItemFactory.create_batch(30)
    client.force_login(clerk)

    # when: session, user and permissions only; nothing is read per customer or item
    with django_assert_max_num_queries(4):
        response = client.get(reverse("salesapp:order_create"))

    # then: type-ahead inputs, no option of any customer or item
    html = response.content.decode()
    assert html.count('role="combobox"') == 2
    assert "<option" not in html.split("<main")[1].split('name="order_type"')[0]
    assert "ITEM-" not in html and "C-0" not in html


def test_order_entry_reads_the_items_of_all_its_lines_at_once(client, clerk, customer):
    # given: the same form with one line and with six lines
    client.force_login(clerk)
    items = ItemFactory.create_batch(6)
    url = reverse("salesapp:order_create")
    bad_type = {"order_type": "nonsense"}  # the form is shown again: only reading the lines counts

    # when
    with CaptureQueriesContext(connection) as one_line:
        one = client.post(url, create_payload(customer, [(items[0], "1", "", "")], **bad_type))
    with CaptureQueriesContext(connection) as six_lines:
        six = client.post(url, create_payload(customer, [(item, "1", "", "") for item in items], **bad_type))

    # then: showing six chosen items again costs no more queries than one
    assert one.status_code == six.status_code == 200
    assert len(six_lines) == len(one_line)
    assert f'value="{items[5].number} {items[5].name}' in six.content.decode()
