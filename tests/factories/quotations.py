from decimal import Decimal

from salesapp.services.quotations import QuotationLineInput, quotation_create
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory
from tests.factories.users import builder


def quotation_lines(specs) -> list[QuotationLineInput]:
    """``specs`` as (item, quantity[, unit_price[, discount]]) tuples."""
    inputs = []
    for spec in specs:
        item, quantity, *rest = spec
        inputs.append(
            QuotationLineInput(
                item=item,
                quantity=Decimal(quantity),
                unit_price=Decimal(rest[0]) if len(rest) > 0 and rest[0] is not None else None,
                discount_percent=Decimal(rest[1]) if len(rest) > 1 else None,
            )
        )
    return inputs


def make_quotation(*, customer=None, party=None, lines=None, by=None, **kwargs):
    """A draft quotation through the service, for a prospect party unless a customer is given."""
    if customer is None and party is None:
        party = PartyFactory()
    specs = lines if lines is not None else [(ItemFactory(), "1")]
    return quotation_create(customer=customer, party=party, lines=quotation_lines(specs), by=by or builder(), **kwargs)
