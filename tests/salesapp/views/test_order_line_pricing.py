"""Order entry shows the engine's prices and the totals as the clerk types, and asks before a zero or below-cost
price is saved."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from salesapp.models import SalesOrder
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_agreement, make_customer, make_order, tax_code
from tests.salesapp.views.test_orders import create_payload

D = Decimal


def test_the_preview_shows_agreed_prices_sources_tax_codes_nets_and_totals(
    client, clerk, django_assert_max_num_queries
):
    # given: the customer's group pays 40.00 for the desk; the lamp sells at its own price
    group = PriceGroupFactory()
    customer = make_customer(price_group=group)
    desk = ItemFactory(number="DESK", unit_price=D("50"), tax_code=tax_code("NL21"))
    lamp = ItemFactory(number="LAMP", unit_price=D("12.345"), tax_code=tax_code("NL9"))
    make_agreement(applies_to="price_group", price_group=group, item=desk, unit_price=D("40"))
    client.force_login(clerk)
    query = create_payload(customer, [(desk, "3", "", ""), (lamp, "2", "", "10"), (None, "", "", "")])
    client.get(reverse("salesapp:order_create_preview"), query)  # warm the session and permission caches
    # when (two of the queries: the dates the lines are available to promise, whatever their number)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("salesapp:order_create_preview"), query)
    # then: 3 × 40 = 120.00 (21 % → 25.20); 2 × 12.345 × 0.9 = 22.221 → 22.22 (9 % → 2.00)
    previews = response.context["previews"]
    assert [
        (p.item.number, p.unit_price, p.discount_percent, p.source, p.tax_code.code, p.net_amount) for p in previews
    ] == [
        ("DESK", D("40.0000"), D("0"), "price_group_agreement", "NL21", D("120.00")),
        ("LAMP", D("12.3450"), D("10"), "manual", "NL9", D("22.22")),
    ]
    totals = response.context["totals"]
    assert (totals.net, totals.tax, totals.gross) == (D("142.22"), D("27.20"), D("169.42"))
    page = response.content.decode()
    assert "Trade agreement for the price group" in page and "EUR 169.42" in page
    today = date_format(timezone.localdate(), "j M Y")
    assert page.count(f"Available to promise on {today}.") == 2


def test_the_preview_asks_for_a_customer_first(client, clerk):
    client.force_login(clerk)
    query = {**create_payload(make_customer(), [(ItemFactory(), "1", "", "")]), "customer": ""}
    response = client.get(reverse("salesapp:order_create_preview"), query)
    assert "Choose the customer to see prices." in response.content.decode()


def test_a_zero_price_needs_the_confirmation_and_then_saves(client, clerk):
    # given
    customer = make_customer()
    item = ItemFactory(number="FREE", unit_price=D("0"))
    client.force_login(clerk)
    payload = create_payload(customer, [(item, "1", "", "")])
    # when
    refused = client.post(reverse("salesapp:order_create"), payload)
    # then
    assert refused.status_code == 200
    assert refused.context["lines"].forms[0].errors == {
        "confirm_price": ["The price of FREE is zero. Tick “I confirm this price” to save it."]
    }
    assert not SalesOrder.objects.exists()
    confirmed = client.post(reverse("salesapp:order_create"), {**payload, "lines-0-confirm_price": "on"})
    assert confirmed.status_code == 302
    assert SalesOrder.objects.get().amount_total == D("0.00")


def test_a_price_below_cost_on_the_order_page_needs_the_confirmation(client, clerk):
    # given: the chair costs 60.00; a 50.00 line is a loss
    order = make_order(by=clerk)
    chair = ItemFactory(number="CHAIR", unit_price=D("80"), unit_cost=D("60"))
    client.force_login(clerk)
    url = reverse("salesapp:order_line_add", args=[order.pk])
    line = {"add-item": chair.pk, "add-quantity": "1", "add-unit_price": "50"}
    # when
    refused = client.post(url, line, HTTP_HX_REQUEST="true")
    # then
    assert refused.context["line_form"].errors == {
        "confirm_price": [
            "CHAIR sells at 50.0000 after discount, below its unit cost of 60.0000. "
            "Tick “I confirm this price” to save it."
        ]
    }
    assert order.lines.count() == 1
    client.post(url, {**line, "add-confirm_price": "on"}, HTTP_HX_REQUEST="true")
    assert order.lines.count() == 2


def test_the_order_page_previews_the_line_being_added_with_the_new_total(client, clerk):
    # given: an order of 1 × 10.00 at 21 %; the lamp is 20.00 list, 18.00 for everyone
    order = make_order(lines=[(ItemFactory(unit_price=D("10")), "1")], by=clerk)
    lamp = ItemFactory(number="LAMP", unit_price=D("20"), tax_code=tax_code("NL9"))
    make_agreement(item=lamp, unit_price=D("18"))
    client.force_login(clerk)
    # when
    response = client.get(
        reverse("salesapp:order_line_preview", args=[order.pk]), {"add-item": lamp.pk, "add-quantity": "2"}
    )
    # then: 2 × 18.00 = 36.00 at 9 % (3.24) + 10.00 at 21 % (2.10) = 51.34
    preview = response.context["preview"]
    assert (preview.unit_price, preview.source, preview.net_amount) == (D("18"), "all_customers_agreement", D("36.00"))
    text = " ".join(response.content.decode().split())
    assert "Price 18.00, discount 0 % (Trade agreement for all customers), tax code NL9: line EUR 36.00." in text
    assert "Order total with this line: EUR 51.34." in text
