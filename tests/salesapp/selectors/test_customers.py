from salesapp.selectors.customers import customer_list
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer


def customers():
    """C00001 Acme BV (Amsterdam), C00002 Beta BV (Utrecht, blocked), C00003 Gamma (Rotterdam)."""
    return (
        make_customer(party=PartyFactory(name="Acme BV", city="Amsterdam")),
        make_customer(party=PartyFactory(name="Beta BV", city="Utrecht"), blocked=True, blocked_reason="Unpaid"),
        make_customer(party=PartyFactory(name="Gamma", city="Rotterdam")),
    )


def numbers(queryset) -> list[str]:
    return [customer.number for customer in queryset]


def test_customers_are_listed_by_number(db):
    # given
    acme, beta, gamma = customers()

    # when
    found = numbers(customer_list())

    # then
    assert (acme.number, beta.number, gamma.number) == ("C00001", "C00002", "C00003")
    assert found == ["C00001", "C00002", "C00003"]


def test_search_matches_number_name_and_city_ignoring_case(db):
    # given
    customers()

    # when / then
    assert numbers(customer_list(search="c00003")) == ["C00003"]
    assert numbers(customer_list(search="bv")) == ["C00001", "C00002"]
    assert numbers(customer_list(search="utrecht")) == ["C00002"]
    assert numbers(customer_list(search="nowhere")) == []


def test_blocked_filter(db):
    # given
    customers()

    # when / then: None means both
    assert numbers(customer_list(blocked=True)) == ["C00002"]
    assert numbers(customer_list(blocked=False)) == ["C00001", "C00003"]
    assert numbers(customer_list(blocked=None)) == ["C00001", "C00002", "C00003"]
    assert numbers(customer_list(search="BV", blocked=False)) == ["C00001"]


def test_the_list_and_its_party_names_take_one_query(db, django_assert_num_queries):
    # given
    customers()

    # when
    with django_assert_num_queries(1):
        names = [(customer.number, customer.party.name) for customer in customer_list()]

    # then
    assert names == [("C00001", "Acme BV"), ("C00002", "Beta BV"), ("C00003", "Gamma")]
