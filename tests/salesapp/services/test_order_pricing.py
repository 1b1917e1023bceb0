"""Orders take their prices, discounts and tax codes from the pricing engine; a typed one is manual."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ActionForbidden
from salesapp.models import CustomerTaxGroup, ItemTaxGroup, SalesOrder, SalesOrderLine, TaxDetermination
from salesapp.services.orders import OrderLineInput, order_create, order_line_add
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_agreement, make_customer, make_order, tax_code

pytestmark = pytest.mark.django_db

D = Decimal


def test_order_lines_take_agreed_prices_discounts_and_determined_tax_codes(clerk):
    # given: the customer's group has 40.00 from 10 units; everyone has 5 % off the lamp; EU business → reverse charge
    eu = CustomerTaxGroup.objects.create(code="EU", name="EU business")
    goods = ItemTaxGroup.objects.create(code="FULL", name="Full rate")
    TaxDetermination.objects.create(customer_tax_group=eu, item_tax_group=goods, tax_code=tax_code("EURC"))
    group = PriceGroupFactory()
    customer = make_customer(price_group=group, tax_group=eu)
    desk = ItemFactory(number="DESK", unit_price=D("50"), tax_group=goods)
    lamp = ItemFactory(number="LAMP", unit_price=D("20"), tax_code=tax_code("NL9"))
    make_agreement(applies_to="price_group", price_group=group, item=desk, from_quantity=D("10"), unit_price=D("40"))
    make_agreement(kind="discount", item=lamp, discount_percent=D("5"))
    # when
    order = make_order(customer=customer, lines=[(desk, "12"), (lamp, "3"), (desk, "2")], by=clerk)
    # then: 12 × 40 = 480.00 (0 %), 3 × 20 × 0.95 = 57.00 (9 % → 5.13), 2 × 50 = 100.00 (0 %)
    assert [
        (line.unit_price, line.discount_percent, line.price_source, line.tax_code.code, line.net_amount)
        for line in order.lines.order_by("line_no")
    ] == [
        (D("40.0000"), D("0.00"), "price_group_agreement", "EURC", D("480.00")),
        (D("20.0000"), D("5.00"), "all_customers_agreement", "NL9", D("57.00")),
        (D("50.0000"), D("0.00"), "item_price", "EURC", D("100.00")),
    ]
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("637.00"), D("5.13"), D("642.13"))


def test_a_typed_price_or_discount_makes_the_line_manual_and_keeps_the_other_from_the_engine(clerk):
    item = ItemFactory(unit_price=D("20"))
    make_agreement(kind="discount", item=item, discount_percent=D("5"))
    order = make_order(lines=[(item, "1", "18"), (item, "1")], by=clerk)
    order_line_add(order=order, line=OrderLineInput(item=item, quantity=D("1"), discount_percent=D("0")), by=clerk)
    assert [
        (line.unit_price, line.discount_percent, line.price_source) for line in order.lines.order_by("line_no")
    ] == [
        (D("18.0000"), D("5.00"), "manual"),
        (D("20.0000"), D("5.00"), "all_customers_agreement"),
        (D("20.0000"), D("0.00"), "manual"),
    ]


@pytest.mark.parametrize(
    ("typed", "field", "label"),
    [
        ({"unit_price": D("1")}, "lines[1].unit_price", "unit price"),
        ({"discount_percent": D("50")}, "lines[1].discount_percent", "discount %"),
    ],
)
def test_a_role_without_the_override_permission_is_refused_and_nothing_is_saved(billing, typed, field, label):
    # given: billing clerks enter no prices of their own
    customer = make_customer()
    item = ItemFactory()
    before = (SalesOrder.objects.count(), SalesOrderLine.objects.count())
    # when
    with pytest.raises(ActionForbidden) as refused:
        order_create(
            customer=customer,
            lines=[OrderLineInput(item=item, quantity=D("1")), OrderLineInput(item=item, quantity=D("1"), **typed)],
            by=billing,
        )
    # then
    assert (refused.value.code, refused.value.field) == ("price-override-forbidden", field)
    assert refused.value.reason == (
        f"Your role does not allow setting a line's {label}: leave it empty to take the agreed price."
    )
    assert (SalesOrder.objects.count(), SalesOrderLine.objects.count()) == before


def test_order_line_add_refuses_a_typed_price_without_the_permission(clerk, billing):
    order = make_order(by=clerk)
    before = list(order.lines.values_list("pk", "unit_price"))
    with pytest.raises(ActionForbidden) as refused:
        order_line_add(
            order=order, line=OrderLineInput(item=ItemFactory(), quantity=D("1"), unit_price=D("0")), by=billing
        )
    assert refused.value.field == "unit_price"
    assert list(order.lines.values_list("pk", "unit_price")) == before


def test_the_agreement_of_the_order_date_and_currency_applies(clerk):
    customer = make_customer(currency="SEK")
    item = ItemFactory(unit_price=D("10"))
    today = timezone.localdate()
    make_agreement(item=item, currency="SEK", unit_price=D("115"), valid_to=today)
    make_agreement(item=item, currency="EUR", unit_price=D("9"))
    order = make_order(customer=customer, lines=[(item, "1")], by=clerk, order_date=today)
    assert order.lines.get().unit_price == D("115")
