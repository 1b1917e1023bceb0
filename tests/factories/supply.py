import datetime
from decimal import Decimal

from salesapp.services.supply import supply_line_create
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory
from tests.factories.users import builder


def make_supply_line(*, vendor=None, item=None, quantity="10", expected_date=None, reference="", by=None):
    """An inbound supply line through the service (numbered from the series)."""
    return supply_line_create(
        vendor=vendor or PartyFactory(),
        item=item or ItemFactory(stock=0),
        quantity=Decimal(quantity),
        expected_date=expected_date or datetime.date.today() + datetime.timedelta(days=7),
        reference=reference,
        by=by or builder(),
    )
