from decimal import Decimal

from invoicing.selectors.payments import payment_list
from invoicing.services.payments import payment_register
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal


def payments(billing):
    """PAY-000001 Acme 10.00 "Bank 7781", PAY-000002 Beta 20.00 "Cash desk", PAY-000003 Acme 30.00 "Bank 7790"."""
    acme = make_customer(party=PartyFactory(name="Acme BV"))
    beta = make_customer(party=PartyFactory(name="Beta BV"))
    payment_register(customer=acme, amount=D("10.00"), reference="Bank 7781", by=billing)
    payment_register(customer=beta, amount=D("20.00"), reference="Cash desk", method="cash", by=billing)
    payment_register(customer=acme, amount=D("30.00"), reference="Bank 7790", by=billing)
    return acme, beta


def numbers(queryset) -> list[str]:
    return [payment.number for payment in queryset]


def test_payments_are_listed_newest_first(billing):
    # given
    payments(billing)

    # when
    found = [(p.number, p.amount, p.reference) for p in payment_list()]

    # then
    assert found == [
        ("PAY-000003", D("30.00"), "Bank 7790"),
        ("PAY-000002", D("20.00"), "Cash desk"),
        ("PAY-000001", D("10.00"), "Bank 7781"),
    ]


def test_filters_search_and_customer(billing):
    # given
    acme, beta = payments(billing)

    # when / then: search matches number, reference and customer name
    assert numbers(payment_list(search="pay-000002")) == ["PAY-000002"]
    assert numbers(payment_list(search="bank")) == ["PAY-000003", "PAY-000001"]
    assert numbers(payment_list(search="beta")) == ["PAY-000002"]
    assert numbers(payment_list(customer_id=acme.pk)) == ["PAY-000003", "PAY-000001"]
    assert numbers(payment_list(search="7790", customer_id=acme.pk)) == ["PAY-000003"]
    assert numbers(payment_list(search="7790", customer_id=beta.pk)) == []


def test_the_list_and_its_customer_names_take_one_query(billing, django_assert_num_queries):
    # given
    payments(billing)

    # when
    with django_assert_num_queries(1):
        rows = [(p.number, p.customer.party.name) for p in payment_list()]

    # then
    assert rows == [("PAY-000003", "Acme BV"), ("PAY-000002", "Beta BV"), ("PAY-000001", "Acme BV")]
