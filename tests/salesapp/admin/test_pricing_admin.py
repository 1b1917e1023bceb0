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
    TaxCode,
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


def test_groups_and_tax_determination_are_saved_by_the_services(client, administrator):
    client.force_login(administrator)
    # a group's code and name are stored trimmed, as the service stores them
    assert client.post(url(CustomerTaxGroup, "add"), {"code": " SE ", "name": " Sweden "}).status_code == 302
    sweden = CustomerTaxGroup.objects.get()
    assert (sweden.code, sweden.name) == ("SE", "Sweden")
    goods = ItemTaxGroup.objects.create(code="FULL", name="Full rate")
    retired = TaxCode.objects.create(code="OLD", name="Old rate", rate=D("19"), active=False)
    data = {"customer_tax_group": sweden.pk, "item_tax_group": goods.pk}
    # a tax code no longer in use is refused with the service's reason, nothing saved
    refused = client.post(url(TaxDetermination, "add"), {**data, "tax_code": retired.pk}, follow=True)
    assert "tax_code: Tax code OLD is no longer in use." in [str(m) for m in get_messages(refused.wsgi_request)]
    assert not TaxDetermination.objects.exists()
    assert client.post(url(TaxDetermination, "add"), {**data, "tax_code": tax_code("SE25").pk}).status_code == 302
    assert TaxDetermination.objects.get().tax_code.code == "SE25"


def test_trade_agreement_lines_are_deleted_one_at_a_time_through_the_service(client, administrator):
    line = make_agreement(item=ItemFactory(), unit_price=D("5"))
    client.force_login(administrator)
    assert "delete_selected" not in client.get(url(TradeAgreementLine)).content.decode()
    assert client.post(url(TradeAgreementLine, "delete", line.pk), {"post": "yes"}).status_code == 302
    assert not TradeAgreementLine.objects.exists()
