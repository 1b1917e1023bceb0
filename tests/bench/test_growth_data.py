"""The grown data of bench/growth.py is written around the services: it must still keep every rule they keep,
whatever the models become. A small company is grown on the test database and checked."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from bench.growth_data import Spec, build, insert_rows, verify
from invoicing.models import Invoice, JournalEntry
from marketing.models import Lead, Party, Tag
from salesapp.choices import OrderState
from salesapp.models import Customer, Item, SalesOrder, SalesOrderLine

SMALL = Spec(orders=300, lines=1_500, customers=150, prospects=40, items=60, leads=80, opportunities=40, activities=100)


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return {
        "orders": SalesOrder.objects.count(),
        "lines": SalesOrderLine.objects.count(),
        "customers": Customer.objects.count(),
        "parties": Party.objects.count(),
        "items": Item.objects.count(),
        "leads": Lead.objects.count(),
    }


def test_a_grown_company_keeps_the_rules_of_the_services(demo):
    # when
    build(SMALL, log=lambda *_: None)

    # then: balanced entries, totals, states from quantities, payments, gapless series (see verify)
    assert verify() == []
    assert SalesOrder.objects.count() == demo["orders"] + 300
    assert SalesOrderLine.objects.count() == demo["lines"] + 1_500
    assert Customer.objects.count() == max(150, demo["customers"])
    new_customers = Customer.objects.count() - demo["customers"]
    assert Party.objects.count() == demo["parties"] + new_customers + 40
    assert Item.objects.count() == max(60, demo["items"])
    assert Lead.objects.count() == demo["leads"] + 80
    assert set(SalesOrder.objects.values_list("state", flat=True)) == set(OrderState.values)
    assert JournalEntry.objects.filter(invoice__isnull=False).count() == Invoice.objects.filter(state="posted").count()


def test_grown_posted_invoices_stay_guarded_by_the_database(demo):
    # given
    build(SMALL, log=lambda *_: None)
    invoice = Invoice.objects.filter(state="posted").order_by("-pk").first()

    # when / then: the immutability trigger refuses, as for an invoice the services posted
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE invoicing_invoice SET amount_total = amount_total + 1 WHERE id = %s", [invoice.pk])
    invoice.refresh_from_db()
    assert invoice.state == "posted"


def test_rows_get_the_defaults_of_their_model(db):
    # when: only the name is given
    (tag_id,) = insert_rows(Tag, [{"name": "grown"}])

    # then
    assert Tag.objects.get(pk=tag_id).name == "grown"


def test_a_required_column_without_default_is_named(db):
    with pytest.raises(ValueError, match=r"Item\.tax_code_id has no default"):
        insert_rows(Item, [{"number": "X-1", "name": "no tax code", "unit_price": 1}])
