import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesapp.models import CustomerTaxGroup, ItemTaxGroup, TaxDetermination
from salesapp.selectors.pricing import Price, price_for, prices_for, tax_code_for, tax_codes_for
from salesapp.services.agreements import agreement_activate
from tests.factories.agreements import make_sales_agreement
from tests.factories.salesapp import (
    ItemFactory,
    ItemGroupFactory,
    PriceGroupFactory,
    make_agreement,
    make_customer,
    tax_code,
)
from tests.factories.users import builder

pytestmark = pytest.mark.django_db

D = Decimal
DAY = datetime.date(2030, 6, 15)


def _price(customer, item, quantity="1", *, date=DAY, currency="EUR") -> Price:
    return price_for(customer=customer, item=item, quantity=D(quantity), date=date, currency=currency)


@pytest.fixture
def group():
    return PriceGroupFactory(code="RETAIL")


@pytest.fixture
def customer(group):
    return make_customer(price_group=group)


@pytest.fixture
def item():
    return ItemFactory(number="A-100", unit_price=D("50.0000"))


# Which levels hold a price line → the price and source the engine gives (the customer's wins, then the group's…)
PRECEDENCE = [
    ({"customer": "41", "price_group": "42", "all": "43"}, ("41.0000", "customer_agreement")),
    ({"price_group": "42", "all": "43"}, ("42.0000", "price_group_agreement")),
    ({"customer": "41", "all": "43"}, ("41.0000", "customer_agreement")),
    ({"all": "43"}, ("43.0000", "all_customers_agreement")),
    ({}, ("50.0000", "item_price")),
]


@pytest.mark.parametrize(("levels", "expected"), PRECEDENCE)
def test_the_most_specific_price_line_wins(customer, group, item, levels, expected):
    # given
    for level, price in levels.items():
        target = {"customer": {"customer": customer}, "price_group": {"price_group": group}, "all": {}}[level]
        make_agreement(applies_to=level, item=item, unit_price=D(price), **target)
    # when
    price = _price(customer, item)
    # then
    assert (str(price.unit_price), price.source, price.discount_percent) == (*expected, D("0"))


def test_a_prospect_gets_the_all_customers_price_only(customer, group, item):
    make_agreement(applies_to="price_group", price_group=group, item=item, unit_price=D("42"))
    make_agreement(item=item, unit_price=D("43"))
    assert _price(None, item) == Price(D("43.0000"), D("0"), "all_customers_agreement")


def test_another_customer_and_another_group_do_not_count(item):
    other = make_customer(price_group=PriceGroupFactory())
    make_agreement(applies_to="customer", customer=other, item=item, unit_price=D("30"))
    make_agreement(applies_to="price_group", price_group=other.price_group, item=item, unit_price=D("31"))
    assert _price(make_customer(), item).source == "item_price"


def test_the_highest_quantity_break_reached_wins(customer, item):
    # given: 45 from 0, 40 from 10, 35 from 100
    for from_quantity, price in (("0", "45"), ("10", "40"), ("100", "35")):
        make_agreement(item=item, from_quantity=D(from_quantity), unit_price=D(price))
    # then
    assert [_price(customer, item, quantity).unit_price for quantity in ("1", "9.999", "10", "99", "100", "5000")] == [
        D("45"),
        D("45"),
        D("40"),
        D("40"),
        D("35"),
        D("35"),
    ]


def test_validity_bounds_are_inclusive_and_the_latest_start_wins(customer, item):
    make_agreement(item=item, unit_price=D("44"))  # open both ways
    make_agreement(item=item, unit_price=D("40"), valid_from=DAY, valid_to=DAY + datetime.timedelta(days=9))
    make_agreement(item=item, unit_price=D("39"), valid_from=DAY + datetime.timedelta(days=5))
    assert [
        _price(customer, item, date=DAY + datetime.timedelta(days=offset)).unit_price for offset in (-1, 0, 5, 9, 10)
    ] == [
        D("44"),
        D("40"),
        D("39"),
        D("39"),
        D("39"),
    ]


def test_inactive_lines_other_currencies_and_other_units_do_not_apply(customer, item):
    line = make_agreement(item=item, unit_price=D("30"), active=False)
    make_agreement(item=item, unit_price=D("31"), currency="SEK")
    make_agreement(item=item, unit_price=D("32"), unit="box")
    assert _price(customer, item).source == "item_price"
    assert _price(customer, item, currency="SEK").unit_price == D("31")
    make_agreement(item=item, unit_price=D("33"), unit="pcs")
    assert _price(customer, item).unit_price == D("33")
    assert line.active is False


def test_discounts_combine_with_the_price_and_the_source_is_the_most_specific_contributor(customer, group, item):
    # given: a price for everyone, a 10 % discount for the group's item group and 5 % for the customer on the item
    item_group = ItemGroupFactory()
    item.item_group = item_group
    item.save()
    make_agreement(item=item, unit_price=D("45"))
    make_agreement(
        kind="discount", applies_to="price_group", price_group=group, item_group=item_group, discount_percent=D("10")
    )
    # then: the group's discount on the everyone price
    assert _price(customer, item) == Price(D("45.0000"), D("10.00"), "price_group_agreement")
    # when: a discount on the item itself goes before the item group's
    make_agreement(kind="discount", item=item, discount_percent=D("5"))
    assert _price(customer, item) == Price(D("45.0000"), D("5.00"), "all_customers_agreement")
    make_agreement(kind="discount", applies_to="customer", customer=customer, item=item, discount_percent=D("7"))
    assert _price(customer, item) == Price(D("45.0000"), D("7.00"), "customer_agreement")


def test_a_discount_alone_keeps_the_item_price(customer, item):
    make_agreement(kind="discount", item=item, discount_percent=D("12.5"))
    assert _price(customer, item) == Price(D("50.0000"), D("12.50"), "all_customers_agreement")


def _sales_agreement(customer, commitment_type="product_quantity", *, lines=(), effective=True, **fields):
    fields.setdefault("valid_from", datetime.date(2030, 1, 1))
    fields.setdefault("valid_to", datetime.date(2030, 12, 31))
    agreement = make_sales_agreement(customer=customer, commitment_type=commitment_type, lines=lines, **fields)
    if effective:
        # Activation refuses an agreement that ended already; these are priced on DAY, in 2030.
        agreement = agreement_activate(agreement=agreement, by=builder())
    return agreement


def test_a_sales_agreement_line_beats_the_customers_trade_agreement(customer, item):
    # given: the customer's own trade agreement at 41 with 7 % off, and a sales agreement at 44
    make_agreement(applies_to="customer", customer=customer, item=item, unit_price=D("41"))
    make_agreement(kind="discount", applies_to="customer", customer=customer, item=item, discount_percent=D("7"))
    agreement = _sales_agreement(
        customer,
        default_discount_percent=D("3"),
        lines=[{"item": item, "committed_quantity": "100", "unit_price": "44"}],
    )

    # when / then: the agreement's price, its default discount (the line has none), and its source
    assert price_for(
        customer=customer, item=item, quantity=D("1"), date=DAY, currency="EUR", agreement=agreement
    ) == Price(D("44.0000"), D("3.00"), "sales_agreement")
    # without naming the agreement, the trade agreements price as before
    assert _price(customer, item) == Price(D("41.0000"), D("7.00"), "customer_agreement")


def test_a_sales_agreement_lines_own_discount_wins_over_its_default(customer, item):
    agreement = _sales_agreement(
        customer,
        default_discount_percent=D("3"),
        lines=[{"item": item, "committed_quantity": "100", "unit_price": "44", "discount_percent": "0"}],
    )
    price = price_for(customer=customer, item=item, quantity=D("1"), date=DAY, currency="EUR", agreement=agreement)
    assert price == Price(D("44.0000"), D("0.00"), "sales_agreement")


@pytest.mark.parametrize(
    "case",
    ["on_hold", "other_customer", "before_validity", "other_currency", "item_not_on_it"],
)
def test_a_sales_agreement_that_does_not_apply_leaves_the_engines_price(customer, item, case):
    # given
    make_agreement(applies_to="customer", customer=customer, item=item, unit_price=D("41"))
    other_item = ItemFactory(number="Z-1")
    line_item = other_item if case == "item_not_on_it" else item
    owner = make_customer() if case == "other_customer" else customer
    agreement = _sales_agreement(
        owner,
        effective=case != "on_hold",
        currency="SEK" if case == "other_currency" else "EUR",
        valid_from=datetime.date(2030, 7, 1) if case == "before_validity" else datetime.date(2030, 1, 1),
        lines=[{"item": line_item, "committed_quantity": "100", "unit_price": "44"}],
    )

    # when
    price = price_for(customer=customer, item=item, quantity=D("1"), date=DAY, currency="EUR", agreement=agreement)

    # then
    assert price == Price(D("41.0000"), D("0"), "customer_agreement")


def test_a_total_value_agreement_gives_its_default_discount_on_the_engines_price(customer, item):
    make_agreement(applies_to="customer", customer=customer, item=item, unit_price=D("41"))
    make_agreement(kind="discount", item=item, discount_percent=D("2"))
    agreement = _sales_agreement(
        customer, "total_value", default_discount_percent=D("8"), lines=[{"committed_amount": "10000"}]
    )
    price = price_for(customer=customer, item=item, quantity=D("1"), date=DAY, currency="EUR", agreement=agreement)
    assert price == Price(D("41.0000"), D("8.00"), "sales_agreement")


def test_a_sales_agreement_costs_one_statement_more_for_a_whole_document(customer, group):
    items = [ItemFactory(unit_price=D(10 + n)) for n in range(6)]
    for item in items:
        make_agreement(applies_to="customer", customer=customer, item=item, unit_price=D("9"))
    agreement = _sales_agreement(
        customer, lines=[{"item": item, "committed_quantity": "5", "unit_price": "7"} for item in items[:4]]
    )
    lines = [(item, D("2")) for item in items]
    with CaptureQueriesContext(connection) as captured:
        prices = prices_for(customer=customer, lines=lines, date=DAY, currency="EUR", agreement=agreement)
    assert len(captured) == 2
    assert [(price.unit_price, price.source) for price in prices] == [
        *[(D("7.0000"), "sales_agreement")] * 4,
        *[(D("9.0000"), "customer_agreement")] * 2,
    ]
    assert prices == [
        price_for(customer=customer, item=item, quantity=quantity, date=DAY, currency="EUR", agreement=agreement)
        for item, quantity in lines
    ]


def test_price_for_is_one_statement_whatever_the_number_of_agreement_lines(customer, group, item):
    for n in range(30):
        make_agreement(item=item, from_quantity=D(n), unit_price=D(40 - n / 2))
        make_agreement(
            kind="discount",
            applies_to="price_group",
            price_group=group,
            item=item,
            from_quantity=D(n),
            discount_percent=D(n % 10),
        )
    with CaptureQueriesContext(connection) as captured:
        price = _price(customer, item, "12")
    assert len(captured) == 1
    assert price == Price(D("34.0000"), D("2.00"), "price_group_agreement")


def test_prices_for_a_document_is_one_statement_and_prices_each_line_as_price_for(customer, group):
    items = [ItemFactory(unit_price=D(10 + n)) for n in range(8)]
    for n, item in enumerate(items[:6]):
        make_agreement(item=item, from_quantity=D("5"), unit_price=D(5 + n))
        make_agreement(applies_to="price_group", price_group=group, item=item, unit_price=D(7 + n))
    lines = [(item, D(n + 1)) for n, item in enumerate(items)]
    with CaptureQueriesContext(connection) as captured:
        prices = prices_for(customer=customer, lines=lines, date=DAY, currency="EUR")
    assert len(captured) == 1
    assert prices == [_price(customer, item, quantity) for item, quantity in lines]
    assert [price.source for price in prices] == ["price_group_agreement"] * 6 + ["item_price"] * 2


@pytest.fixture
def tax_groups():
    domestic = CustomerTaxGroup.objects.create(code="NL", name="Domestic")
    eu = CustomerTaxGroup.objects.create(code="EU", name="EU business")
    goods = ItemTaxGroup.objects.create(code="FULL", name="Full rate")
    books = ItemTaxGroup.objects.create(code="LOW", name="Low rate")
    TaxDetermination.objects.create(customer_tax_group=domestic, item_tax_group=goods, tax_code=tax_code("NL21"))
    TaxDetermination.objects.create(customer_tax_group=domestic, item_tax_group=books, tax_code=tax_code("NL9"))
    TaxDetermination.objects.create(customer_tax_group=eu, item_tax_group=goods, tax_code=tax_code("NL0"))
    return domestic, eu, goods, books


def test_tax_determination_and_its_fallbacks(tax_groups):
    domestic, eu, goods, books = tax_groups
    dutch, european, ungrouped = make_customer(tax_group=domestic), make_customer(tax_group=eu), make_customer()
    chair = ItemFactory(tax_group=goods, tax_code=tax_code("NL21"))
    book = ItemFactory(tax_group=books, tax_code=tax_code("NL21"))
    loose = ItemFactory(tax_code=tax_code("NL9"))
    assert [tax_code_for(customer=dutch, item=item).code for item in (chair, book, loose)] == ["NL21", "NL9", "NL9"]
    # no row for EU × low rate: the item's own code
    assert [tax_code_for(customer=european, item=item).code for item in (chair, book, loose)] == ["NL0", "NL21", "NL9"]
    assert [tax_code_for(customer=who, item=book).code for who in (ungrouped, None)] == ["NL21", "NL21"]


def test_tax_codes_for_a_document_take_at_most_two_statements(tax_groups):
    domestic, _eu, goods, books = tax_groups
    customer = make_customer(tax_group=domestic)
    items = [ItemFactory(tax_group=(goods, books, None)[n % 3]) for n in range(9)]
    items = list(type(items[0]).objects.filter(pk__in=[item.pk for item in items]).order_by("pk"))
    with CaptureQueriesContext(connection) as captured:
        codes = tax_codes_for(customer=customer, items=items)
    assert len(captured) == 2
    assert [codes[item.pk].code for item in items] == ["NL21", "NL9", "NL21"] * 3
