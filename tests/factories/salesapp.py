from decimal import Decimal

import factory

from marketing.models import Party
from salesapp.models import Customer, CustomerPriceGroup, Item, ItemGroup, TaxCode, TradeAgreementLine
from salesapp.services.customers import customer_create
from salesapp.services.orders import OrderLineInput, order_create
from salesapp.services.pricing import trade_agreement_line_create
from salesapp.services.stock import stock_adjust
from tests.factories.marketing import PartyFactory
from tests.factories.users import builder


def tax_code(code: str = "NL21") -> TaxCode:
    return TaxCode.objects.get(code=code)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"ITEM-{n:04d}")
    name = factory.Sequence(lambda n: f"Item {n}")
    item_type = "stocked"
    unit = "pcs"
    unit_price = Decimal("10.0000")
    tax_code = factory.LazyFunction(tax_code)

    @factory.post_generation
    def stock(item, create, extracted, **kwargs):
        """A stocked item starts with plenty on hand (``stock=`` to say how much; 0 for none), booked as the
        opening adjustment a manager would enter, so deliveries in tests ship real stock."""
        quantity = Decimal("10000") if extracted is None else Decimal(extracted)
        if create and quantity and item.item_type == "stocked":
            stock_adjust(item=item, quantity=quantity, reason="Opening stock", by=builder())
            item.refresh_from_db(fields=["on_hand", "reserved"])


def make_write_in_item() -> Item:
    """The item write-in lines are carried by (settings.SALESFLOW_WRITE_IN_ITEM), as the demo company has it."""
    return ItemFactory(number="WRITE-IN", name="Write-in product", unit_price=Decimal("0"), tax_code=tax_code("NL21"))


def make_customer(*, party: Party | None = None, by=None, **kwargs) -> Customer:
    """Customers are numbered by a service, so tests create them through it."""
    return customer_create(party=party or PartyFactory(), by=by or builder(), **kwargs)


def make_order(*, customer: Customer | None = None, lines=None, by=None, **kwargs):
    """An order through the service; ``lines`` as (item, quantity[, unit_price[, discount]]) tuples."""
    customer = customer or make_customer()
    lines = lines or [(ItemFactory(), Decimal("1"))]
    inputs = []
    for spec in lines:
        item, quantity, *rest = spec
        inputs.append(
            OrderLineInput(
                item=item,
                quantity=Decimal(quantity),
                unit_price=Decimal(rest[0]) if len(rest) > 0 else None,
                discount_percent=Decimal(rest[1]) if len(rest) > 1 else None,
            )
        )
    return order_create(customer=customer, lines=inputs, by=by or builder(), **kwargs)


class PriceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerPriceGroup

    code = factory.Sequence(lambda n: f"PG{n:02d}")
    name = factory.Sequence(lambda n: f"Price group {n}")


class ItemGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemGroup

    code = factory.Sequence(lambda n: f"IG{n:02d}")
    name = factory.Sequence(lambda n: f"Item group {n}")


def make_agreement(*, by=None, **fields) -> TradeAgreementLine:
    """A trade agreement line through the service: a price for all customers in EUR unless told otherwise."""
    fields.setdefault("kind", "price")
    fields.setdefault("applies_to", "all")
    fields.setdefault("currency", "EUR")
    return trade_agreement_line_create(by=by or builder(), **fields)


def make_relation(*, item=None, suggested_item=None, kind="cross_sell", by=None, **fields):
    """A product relation through the service."""
    from salesapp.services.suggestions import product_relation_create

    return product_relation_create(
        item=item or ItemFactory(),
        suggested_item=suggested_item or ItemFactory(),
        kind=kind,
        by=by or builder(),
        **fields,
    )


def make_line_set(*, name="Monthly replenishment", lines=None, customer=None, by=None, **fields):
    """A standard line set through the service; ``lines`` as (item, quantity) tuples."""
    from salesapp.services.standard_lines import StandardLineInput, standard_line_set_create

    lines = lines or [(ItemFactory(), "1")]
    return standard_line_set_create(
        name=name,
        customer=customer,
        lines=[StandardLineInput(item=item, quantity=Decimal(quantity)) for item, quantity in lines],
        by=by or builder(),
        **fields,
    )
