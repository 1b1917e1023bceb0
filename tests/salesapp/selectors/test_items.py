from decimal import Decimal

from salesapp.selectors.items import item_list
from tests.factories.salesapp import ItemFactory, tax_code


def items():
    """B-200 Desk (stocked), A-100 Desk lamp (stocked, inactive), S-900 Installation (service)."""
    ItemFactory(number="B-200", name="Desk", tax_code=tax_code("NL9"))
    ItemFactory(number="A-100", name="Desk lamp", active=False)
    ItemFactory(number="S-900", name="Installation", item_type="service", unit_price=Decimal("75.00"))


def numbers(queryset) -> list[str]:
    return [item.number for item in queryset]


def test_items_are_listed_by_number(db):
    # given
    items()

    # when / then
    assert numbers(item_list()) == ["A-100", "B-200", "S-900"]


def test_filters_search_type_and_active(db):
    # given
    items()

    # when / then
    assert numbers(item_list(search="desk")) == ["A-100", "B-200"]
    assert numbers(item_list(search="s-9")) == ["S-900"]
    assert numbers(item_list(item_type="service")) == ["S-900"]
    assert numbers(item_list(item_type="stocked")) == ["A-100", "B-200"]
    assert numbers(item_list(active=False)) == ["A-100"]
    assert numbers(item_list(active=True)) == ["B-200", "S-900"]
    assert numbers(item_list(search="desk", active=True)) == ["B-200"]


def test_the_list_and_its_tax_codes_take_one_query(db, django_assert_num_queries):
    # given
    items()

    # when
    with django_assert_num_queries(1):
        rows = [(item.number, item.tax_code.code) for item in item_list()]

    # then
    assert rows == [("A-100", "NL21"), ("B-200", "NL9"), ("S-900", "NL21")]
