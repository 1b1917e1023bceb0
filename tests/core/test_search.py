"""The lists' text search is answered by trigram indexes (core.search), also where it looks across a join.

Each test fills the searched tables with a few thousand rows, refreshes the planner's statistics and leaves the
planner only bitmap index scans for its transaction: a plan that still reads a whole table could not use an index,
because the index expression does not match what the query compares."""

import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q

from core.search import contains_any, search_filter
from invoicing.models import Invoice
from invoicing.selectors.invoices import invoice_list
from invoicing.selectors.payments import payment_list
from marketing.models import Contact, Lead, Party
from marketing.selectors.leads import lead_list
from marketing.selectors.parties import party_list
from salesapp.forms.customers import CUSTOMER_LOOKUP
from salesapp.forms.items import ITEM_LOOKUP
from salesapp.models import Customer, Item, SalesOrder
from salesapp.selectors.customers import customer_list
from salesapp.selectors.items import item_list
from salesapp.selectors.orders import order_list
from salesapp.selectors.packing_slips import packing_slip_list
from tests.factories.salesapp import tax_code

ROWS = 1000


def word(n: int, salt: str = "") -> str:
    """A name-like word of its own for every row (hex letters), so a few typed letters pick out a few rows."""
    return hashlib.md5(f"{salt}{n}".encode()).hexdigest()[:12]


@pytest.fixture
def grown(db):
    """ROWS parties, each a customer with an order and a draft invoice; ROWS leads, items and contacts."""
    parties = Party.objects.bulk_create(
        Party(name=f"{word(n)} Drukwerk", email=f"{word(n, 'e')}@example.com", city=word(n % 300, "c"))
        for n in range(ROWS)
    )
    Contact.objects.bulk_create(Contact(party=party, name=word(party.pk, "p")) for party in parties)
    customers = Customer.objects.bulk_create(
        Customer(party=party, number=f"C-{n:06d}") for n, party in enumerate(parties)
    )
    orders = SalesOrder.objects.bulk_create(
        SalesOrder(customer=customer, number=f"SO-{n:06d}", customer_reference=word(n, "r"))
        for n, customer in enumerate(customers)
    )
    Invoice.objects.bulk_create(Invoice(customer=order.customer, order=order) for order in orders)
    Lead.objects.bulk_create(
        Lead(number=f"L-{n:06d}", company_name=word(n, "l"), contact_name=word(n, "k"), email=f"{word(n, 'm')}@x.nl")
        for n in range(ROWS)
    )
    code = tax_code()
    Item.objects.bulk_create(
        Item(number=f"I-{n:06d}", name=word(n, "i"), unit_price=Decimal("1"), tax_code=code) for n in range(ROWS)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plan(queryset) -> str:
    # Without sequential or plain index scans the planner can only reach a table through a bitmap of an index
    # condition: where an index does not match the query's expression, a (disabled) sequential scan remains.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
    return queryset.explain()


def uses(text: str, *indexes: str) -> bool:
    return all(f"Bitmap Index Scan on {index}" in text for index in indexes) and "Seq Scan" not in text


# What a clerk types: a few letters from the middle of the name of row 42.
TYPED = word(42)[3:9]


def test_parties_are_searched_by_name_email_city_and_contact_person_through_their_indexes(grown):
    found = plan(party_list(search=TYPED))

    assert uses(found, "party_name_trgm", "party_email_trgm", "party_city_trgm", "contact_name_trgm"), found


def test_leads_are_searched_through_their_indexes(grown):
    found = plan(lead_list(search=word(17, "l")[2:8]))

    assert uses(found, "lead_number_trgm", "lead_company_name_trgm", "lead_contact_name_trgm", "lead_email_trgm"), found


def test_customers_are_searched_by_number_and_by_their_party_through_each_table_index(grown):
    found = plan(customer_list(search=TYPED))

    assert uses(found, "customer_number_trgm", "party_name_trgm", "party_city_trgm"), found


def test_items_are_searched_through_their_indexes(grown):
    found = plan(item_list(search=word(42, "i")[2:8]))

    assert uses(found, "item_number_trgm", "item_name_trgm"), found


def test_orders_are_searched_by_customer_name_without_reading_every_order(grown):
    # the customer's name is asked of the party index, the orders of those customers of the order's own index
    found = plan(order_list(search=TYPED))

    assert uses(
        found,
        "salesorder_number_trgm",
        "salesorder_reference_trgm",
        "customer_number_trgm",
        "party_name_trgm",
        "salesapp_salesorder_customer_id",
    ), found


def test_invoices_payments_and_packing_slips_are_searched_through_indexes(grown):
    invoices = plan(invoice_list(search=TYPED))
    payments = plan(payment_list(search=TYPED))
    slips = plan(packing_slip_list(search=TYPED))

    assert uses(invoices, "invoice_number_trgm", "salesorder_number_trgm", "party_name_trgm"), invoices
    assert uses(payments, "payment_number_trgm", "payment_reference_trgm", "party_name_trgm"), payments
    assert uses(slips, "packingslip_number_trgm", "salesorder_number_trgm", "party_name_trgm"), slips


def test_suggestions_match_numbers_by_prefix_and_names_by_contains_through_indexes(grown):
    customers = plan(CUSTOMER_LOOKUP.search(customer_list(blocked=False), "C-00004"))
    items = plan(ITEM_LOOKUP.search(item_list(active=True), word(42, "i")[2:8]))

    assert uses(customers, "customer_number_trgm", "party_name_trgm"), customers
    assert uses(items, "item_number_trgm", "item_name_trgm"), items


def test_search_results_are_the_same_as_a_plain_join_would_give(grown):
    # given: the restructured search (each table through its own index) against the join it replaces
    parties = Party.objects.filter(name__icontains=TYPED)
    customers = search_filter(Customer.objects.all(), contains_any(TYPED, "number"), Q(party_id__in=parties))
    joined = Customer.objects.filter(contains_any(TYPED, "number", "party__name"))

    # then
    assert sorted(customers.values_list("number", flat=True)) == sorted(joined.values_list("number", flat=True))
    assert "C-000042" in customers.values_list("number", flat=True)
    assert "SO-000042" in [order.number for order in order_list(search=TYPED)]
