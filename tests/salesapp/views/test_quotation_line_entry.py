from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tests.factories.marketing import PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, make_agreement, tax_code

D = Decimal


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_quotation_page_previews_the_line_being_added_with_the_new_total(
    client, clerk, django_assert_max_num_queries
):
    # given: a prospect's quotation of 1 × 10.00 at 21 %; the lamp is 20.00 list, 18.00 for all customers
    quotation = make_quotation(party=PartyFactory(), lines=[(ItemFactory(unit_price=D("10")), "1")], by=clerk)
    lamp = ItemFactory(number="LAMP", unit_price=D("20"), tax_code=tax_code("NL9"))
    make_agreement(item=lamp, unit_price=D("18"))
    client.force_login(clerk)

    # when
    # (two of them the date the lamp is available to promise)
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("salesapp:quotation_line_preview", args=[quotation.pk]), {"add-item": lamp.pk, "add-quantity": "2"}
        )

    # then: 2 × 18.00 = 36.00 at 9 % (3.24) + 10.00 at 21 % (2.10) = 51.34
    preview = response.context["preview"]
    assert (preview.unit_price, preview.source, preview.net_amount) == (D("18"), "all_customers_agreement", D("36.00"))
    text = text_of(response)
    assert "Price 18.00, discount 0 % (Trade agreement for all customers), tax code NL9: line EUR 36.00." in text
    assert "Quotation total with this line: EUR 51.34." in text
    assert f"Available to promise on {date_format(timezone.localdate(), 'j M Y')}." in text


def test_the_preview_follows_a_typed_price_and_warns_at_zero(client, clerk):
    quotation = make_quotation(party=PartyFactory(), lines=[], by=clerk)
    chair = ItemFactory(number="CHAIR", unit_price=D("80"))
    client.force_login(clerk)
    url = reverse("salesapp:quotation_line_preview", args=[quotation.pk])

    typed = text_of(client.get(url, {"add-item": chair.pk, "add-quantity": "2", "add-unit_price": "75"}))
    zero = text_of(client.get(url, {"add-item": chair.pk, "add-quantity": "1", "add-unit_price": "0"}))

    assert "(Manual), tax code NL21: line EUR 150.00." in typed
    assert "Quotation total with this line: EUR 181.50." in typed
    assert "The price of CHAIR is zero." in zero


def test_an_incomplete_line_previews_nothing(client, clerk):
    quotation = make_quotation(party=PartyFactory(), lines=[], by=clerk)
    client.force_login(clerk)
    response = client.get(reverse("salesapp:quotation_line_preview", args=[quotation.pk]), {"add-quantity": "2"})
    assert (response.status_code, response.context["preview"], text_of(response)) == (200, None, "")


def test_a_price_below_cost_on_the_quotation_page_needs_the_confirmation(client, clerk):
    # given: the chair costs 60.00; a 50.00 line is a loss
    quotation = make_quotation(party=PartyFactory(), lines=[], by=clerk)
    chair = ItemFactory(number="CHAIR", unit_price=D("80"), unit_cost=D("60"))
    client.force_login(clerk)
    url = reverse("salesapp:quotation_line_add", args=[quotation.pk])
    line = {"add-item": chair.pk, "add-quantity": "1", "add-unit_price": "50"}

    # when
    refused = client.post(url, line)

    # then
    assert refused.status_code == 400
    assert refused.context["line_form"].errors == {
        "confirm_price": [
            "CHAIR sells at 50.0000 after discount, below its unit cost of 60.0000. "
            "Tick “I confirm this price” to save it."
        ]
    }
    assert quotation.lines.count() == 0
    client.post(url, {**line, "add-confirm_price": "on"})
    assert list(quotation.lines.values_list("unit_price", "price_source")) == [(D("50.0000"), "manual")]


def test_the_page_wires_the_preview_to_the_add_line_form(client, clerk):
    quotation = make_quotation(party=PartyFactory(), lines=[], by=clerk)
    client.force_login(clerk)
    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert f'hx-get="{reverse("salesapp:quotation_line_preview", args=[quotation.pk])}"' in page
    assert 'hx-include="#quotation-line-form"' in page
    assert "I confirm this price" in page
