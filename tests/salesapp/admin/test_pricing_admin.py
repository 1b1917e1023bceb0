"""Pricing master data in the admin: every model's pages open, trade agreement lines go through the services."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from salesapp.models import (
    CustomerPriceGroup,
    CustomerTaxGroup,
    ItemGroup,
    ItemTaxGroup,
    TaxDetermination,
    TradeAgreementLine,
)
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_agreement, tax_code

D = Decimal


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(
    "model", [CustomerPriceGroup, ItemGroup, CustomerTaxGroup, ItemTaxGroup, TaxDetermination, TradeAgreementLine]
)
def test_every_pricing_model_has_its_list_and_add_pages(client, administrator, model):
    client.force_login(administrator)
    assert client.get(url(model)).status_code == 200
    assert client.get(url(model, "add")).status_code == 200


def test_tax_determination_rows_are_listed_with_their_codes(client, administrator):
    nl = CustomerTaxGroup.objects.create(code="NL", name="Domestic")
    full = ItemTaxGroup.objects.create(code="FULL", name="Full rate")
    TaxDetermination.objects.create(customer_tax_group=nl, item_tax_group=full, tax_code=tax_code("NL21"))
    client.force_login(administrator)
    assert "NL21" in client.get(url(TaxDetermination)).content.decode()


def test_a_trade_agreement_line_added_in_the_admin_is_validated_and_created_by_the_service(client, administrator):
    group = PriceGroupFactory()
    item = ItemFactory()
    client.force_login(administrator)
    data = {
        "kind": "price",
        "applies_to": "price_group",
        "item": item.pk,
        "currency": "EUR",
        "unit": "",
        "from_quantity": "5",
        "unit_price": "12.34",
        "active": "on",
    }
    refused = client.post(url(TradeAgreementLine, "add"), data)
    assert refused.status_code == 200 and not TradeAgreementLine.objects.exists()
    response = client.post(url(TradeAgreementLine, "add"), {**data, "price_group": group.pk})
    assert response.status_code == 302
    line = TradeAgreementLine.objects.get()
    assert (line.price_group, line.unit_price, line.created_by) == (group, D("12.3400"), administrator)


def test_the_deactivate_action_switches_lines_off(client, administrator):
    lines = [make_agreement(item=ItemFactory(), unit_price=D(n)) for n in range(2)]
    client.force_login(administrator)
    response = client.post(
        url(TradeAgreementLine), {"action": "deactivate", "_selected_action": [line.pk for line in lines]}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 lines deactivated."]
    assert not TradeAgreementLine.objects.filter(active=True).exists()
