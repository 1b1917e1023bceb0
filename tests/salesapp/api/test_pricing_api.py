from decimal import Decimal

from salesapp.models import CustomerTaxGroup, ItemTaxGroup, TaxDetermination, TradeAgreementLine
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_agreement, make_customer, tax_code

D = Decimal
URL = "/api/v1/trade-agreements/"


def test_the_price_lookup_answers_price_discount_source_tax_code_and_net(integrator):
    # given: the customer's group pays 40.00 from 10 units, with 5 % off for everyone; EU → reverse charge
    group = PriceGroupFactory(code="RETAIL")
    eu = CustomerTaxGroup.objects.create(code="EU", name="EU business")
    goods = ItemTaxGroup.objects.create(code="FULL", name="Full rate")
    TaxDetermination.objects.create(customer_tax_group=eu, item_tax_group=goods, tax_code=tax_code("EURC"))
    customer = make_customer(price_group=group, tax_group=eu)
    item = ItemFactory(unit_price=D("50"), tax_group=goods)
    make_agreement(applies_to="price_group", price_group=group, item=item, from_quantity=D("10"), unit_price=D("40"))
    make_agreement(kind="discount", item=item, discount_percent=D("5"))
    api = api_client(integrator)
    # when
    response = api.get(
        "/api/v1/prices/", {"customer": customer.pk, "item": item.pk, "quantity": "12", "date": "2030-01-02"}
    )
    # then: 12 × 40 × 0.95 = 456.00
    assert response.status_code == 200, response.content
    assert response.json() == {
        "item": item.pk,
        "customer": customer.pk,
        "quantity": "12.000",
        "currency": "EUR",
        "date": "2030-01-02",
        "unit_price": "40.0000",
        "discount_percent": "5.00",
        "source": "price_group_agreement",
        "tax_code": "EURC",
        "net_amount": "456.00",
    }
    prospect = api.get("/api/v1/prices/", {"item": item.pk, "quantity": "2"}).json()
    assert (prospect["unit_price"], prospect["source"], prospect["tax_code"]) == (
        "50.0000",
        "all_customers_agreement",
        "NL21",
    )


def test_the_price_lookup_names_a_bad_parameter(integrator):
    body = problem(api_client(integrator).get("/api/v1/prices/", {"item": 999999, "quantity": "x"}), 400)
    assert {error["field"] for error in body["errors"]} == {"item", "quantity"}


def test_a_manager_creates_changes_deactivates_and_deletes_a_line(manager):
    # given
    group = PriceGroupFactory(code="RETAIL")
    item = ItemFactory()
    api = api_client(manager)
    # when
    created = api.post(
        URL,
        {
            "kind": "price",
            "applies_to": "price_group",
            "price_group": "RETAIL",
            "item": item.pk,
            "currency": "EUR",
            "from_quantity": "10",
            "unit_price": "9.99",
        },
        format="json",
    )
    # then
    assert created.status_code == 201, created.content
    line = TradeAgreementLine.objects.get()
    assert (created.json()["price_group"], line.price_group, line.unit_price, line.created_by) == (
        "RETAIL",
        group,
        D("9.99"),
        manager,
    )
    changed = api.patch(f"{URL}{line.pk}/", {"unit_price": "9.49"}, format="json")
    assert changed.json()["unit_price"] == "9.4900"
    assert api.post(f"{URL}{line.pk}/deactivate/").json()["active"] is False
    assert api.get(URL, {"active": "false", "price_group": "RETAIL"}).json()["results"][0]["id"] == line.pk
    assert api.get(URL, {"active": "true"}).json()["results"] == []
    assert api.delete(f"{URL}{line.pk}/").status_code == 204
    assert not TradeAgreementLine.objects.exists()


def test_a_contradictory_line_is_refused_on_its_field(manager):
    body = problem(
        api_client(manager).post(
            URL,
            {"kind": "discount", "applies_to": "all", "item": ItemFactory().pk, "currency": "EUR", "unit_price": "1"},
            format="json",
        ),
        400,
    )
    assert body["errors"] == [
        {"field": "unit_price", "message": "Leave this field empty for this line."},
        {"field": "discount_percent", "message": "This field is required for this line."},
    ]
    assert not TradeAgreementLine.objects.exists()


def test_integrators_read_trade_agreements_and_groups_but_do_not_write_them(integrator):
    PriceGroupFactory(code="RETAIL")
    api = api_client(integrator)
    assert [group["code"] for group in api.get("/api/v1/price-groups/").json()["results"]] == ["RETAIL"]
    for url in (
        "/api/v1/item-groups/",
        "/api/v1/customer-tax-groups/",
        "/api/v1/item-tax-groups/",
        "/api/v1/tax-determinations/",
    ):
        assert api.get(url).status_code == 200
    refused = api.post(
        URL,
        {"kind": "price", "applies_to": "all", "item": ItemFactory().pk, "currency": "EUR", "unit_price": "1"},
        format="json",
    )
    problem(refused, 403)
    assert not TradeAgreementLine.objects.exists()


def test_order_lines_from_the_api_take_the_agreed_price_and_a_typed_one_is_manual(integrator):
    customer = make_customer()
    item = ItemFactory(unit_price=D("20"))
    make_agreement(item=item, unit_price=D("18"))
    response = api_client(integrator).post(
        "/api/v1/sales-orders/",
        {
            "customer": customer.pk,
            "lines": [{"item": item.pk, "quantity": "1"}, {"item": item.pk, "quantity": "1", "discount_percent": "0"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [(line["unit_price"], line["price_source"]) for line in response.json()["lines"]] == [
        ("18.0000", "all_customers_agreement"),
        ("18.0000", "manual"),
    ]


def test_a_manager_maintains_groups_and_tax_determination(manager):
    api = api_client(manager)
    # groups
    created = api.post("/api/v1/customer-tax-groups/", {"code": "EU", "name": "EU business"}, format="json")
    assert created.status_code == 201, created.content
    api.post("/api/v1/item-tax-groups/", {"code": "FULL", "name": "Full rate"}, format="json")
    renamed = api.patch(f"/api/v1/customer-tax-groups/{created.json()['id']}/", {"name": "EU B2B"}, format="json")
    assert renamed.json()["name"] == "EU B2B"
    duplicate = problem(api.post("/api/v1/item-tax-groups/", {"code": "FULL", "name": "Again"}, format="json"), 400)
    assert [error["field"] for error in duplicate["errors"]] == ["code"]
    # one row per pair: a second POST changes the code
    pair = {"customer_tax_group": "EU", "item_tax_group": "FULL", "tax_code": "NL21"}
    assert api.post("/api/v1/tax-determinations/", pair, format="json").status_code == 201
    row = api.post("/api/v1/tax-determinations/", {**pair, "tax_code": "EURC"}, format="json").json()
    assert (row["tax_code"], TaxDetermination.objects.count()) == ("EURC", 1)
    assert api.delete(f"/api/v1/tax-determinations/{row['id']}/").status_code == 204
    assert not TaxDetermination.objects.exists()


def test_integrators_may_not_write_groups(integrator):
    problem(api_client(integrator).post("/api/v1/price-groups/", {"code": "X", "name": "X"}, format="json"), 403)
