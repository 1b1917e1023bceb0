"""The terms a party's customer account starts with when a sale makes it a customer, and where they are used."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from salesapp.models import Customer, CustomerTaxGroup, ItemTaxGroup, TaxDetermination
from salesapp.selectors.customer_terms import customer_terms_for
from salesapp.services.opportunity_orders import order_create_for_opportunity
from salesapp.services.quotations import quotation_accept, quotation_send
from tests.factories.marketing import OpportunityFactory, PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, tax_code

D = Decimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def tax_table():
    """The tax groups and determination of a Dutch seller (as in the demo data)."""
    groups = {
        code: CustomerTaxGroup.objects.create(code=code, name=code) for code in ("DOMESTIC", "EU", "EXPORT", "SE")
    }
    full = ItemTaxGroup.objects.create(code="FULL", name="Standard rate")
    for group, code in {"DOMESTIC": "NL21", "EU": "EURC", "EXPORT": "NL0", "SE": "SE25"}.items():
        TaxDetermination.objects.create(customer_tax_group=groups[group], item_tax_group=full, tax_code=tax_code(code))
    return SimpleNamespace(groups=groups, full=full)


@pytest.mark.parametrize(
    ("country", "vat_number", "expected"),
    [
        ("NL", "NL001234567B01", "DOMESTIC"),
        ("SE", "SE556677889901", "EU"),  # an EU business with a VAT number: reverse charge
        ("SE", "", "SE"),  # without one: Swedish VAT, the template names a group for Sweden
        ("DE", "", "DOMESTIC"),  # without one and no group for Germany: the default, the seller's VAT
        ("NO", "NO987654321", "EXPORT"),
        ("US", "", "EXPORT"),
    ],
)
def test_the_tax_group_follows_the_party_country(tax_table, country, vat_number, expected):
    # given
    party = PartyFactory(country=country, vat_number=vat_number)

    # when
    terms = customer_terms_for(party=party)

    # then
    assert terms.tax_group.code == expected
    assert (terms.currency, terms.payment_terms_days, terms.price_group) == ("EUR", 30, None)


def test_a_missing_group_falls_back_to_the_default_and_a_named_price_group_is_given(settings):
    # given: only a default tax group exists, and the template names a price group
    domestic = CustomerTaxGroup.objects.create(code="DOMESTIC", name="Domestic")
    retail = PriceGroupFactory(code="RETAIL")
    settings.SALESFLOW_CUSTOMER_TEMPLATE = {**settings.SALESFLOW_CUSTOMER_TEMPLATE, "price_group": "RETAIL"}

    # when
    terms = customer_terms_for(party=PartyFactory(country="US"), currency="SEK")

    # then
    assert (terms.tax_group, terms.price_group, terms.currency) == (domestic, retail, "SEK")


def test_without_any_group_the_account_gets_none():
    assert customer_terms_for(party=PartyFactory(country="SE")).tax_group is None


@pytest.mark.parametrize(("vat_number", "expected"), [("", "SE25"), ("SE556677889901", "EURC")])
def test_a_swedish_prospect_accepting_a_quotation_is_taxed_by_its_tax_group(clerk, tax_table, vat_number, expected):
    # given: a Swedish prospect quoted a chair of the standard rate: already taxed by the group its account will get
    party = PartyFactory(name="Ström Kontor AB", country="SE", vat_number=vat_number)
    chair = ItemFactory(unit_price=D("450.00"), tax_code=tax_code("NL21"), tax_group=tax_table.full)
    quotation = make_quotation(party=party, lines=[(chair, "2")], by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    assert list(quotation.lines.values_list("tax_code__code", flat=True)) == [expected]

    # when
    accepted = quotation_accept(quotation=quotation, revision=1, by=clerk)

    # then: the new account has the group of its place, and the order is taxed by the determination table
    customer = Customer.objects.get(party=party)
    assert customer.tax_group == tax_table.groups["SE" if not vat_number else "EU"]
    order = accepted.converted_document
    assert list(order.lines.values_list("tax_code__code", "net_amount")) == [(expected, D("900.00"))]
    # 900.00 at 25 % = 225.00; reverse charge: nothing
    assert order.amount_tax == (D("225.00") if expected == "SE25" else D("0.00"))
    # the accepted revision keeps what was sent, which is what the order says
    assert list(quotation.revisions.get(number=1).lines.values_list("tax_code__code", flat=True)) == [expected]


def test_an_order_for_a_prospect_opportunity_gives_the_account_its_tax_group(clerk, tax_table):
    # given
    opportunity = OpportunityFactory(party=PartyFactory(country="NO"))

    # when
    order = order_create_for_opportunity(opportunity=opportunity, by=clerk)

    # then
    assert order.customer.tax_group == tax_table.groups["EXPORT"]


def test_the_line_being_typed_on_a_prospects_quotation_is_previewed_with_the_tax_it_will_get(client, clerk, tax_table):
    # given: a Swedish prospect without a VAT number (Swedish VAT, 25 %) and a chair whose own code is Dutch
    party = PartyFactory(name="Ström Kontor AB", country="SE", vat_number="")
    chair = ItemFactory(unit_price=D("100.00"), tax_code=tax_code("NL21"), tax_group=tax_table.full)
    quotation = make_quotation(party=party, lines=[], by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(
        reverse("salesapp:quotation_line_preview", args=[quotation.pk]),
        {"add-item": chair.pk, "add-quantity": "2"},
    )

    # then: the preview says what the saved line will carry
    preview = response.context["preview"]
    assert (preview.tax_code.code, preview.net_amount) == ("SE25", D("200.00"))
    assert response.context["totals"].gross == D("250.00")
