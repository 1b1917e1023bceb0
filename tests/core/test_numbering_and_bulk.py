from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import column_update, rows_insert
from core.errors import DomainError
from core.models import NumberSeries
from core.numbering import number_take, numbers_take
from salesapp.models import PackingSlip, SalesOrderLine
from tests.factories.salesapp import ItemFactory, make_order


@pytest.mark.django_db
def test_a_number_is_taken_in_one_statement_and_the_series_moves_on():
    series = NumberSeries.objects.get(code="invoice")
    expected = series.format(series.next_value)

    with CaptureQueriesContext(connection) as captured:
        taken = number_take(code="invoice")

    assert taken == expected
    assert len(captured.captured_queries) == 1
    series.refresh_from_db()
    assert series.format(series.next_value - 1) == taken


@pytest.mark.django_db
def test_several_numbers_are_taken_in_one_statement():
    before = {s.code: s.format(s.next_value) for s in NumberSeries.objects.filter(code__in=["invoice", "journal"])}

    with CaptureQueriesContext(connection) as captured:
        taken = numbers_take("journal", "invoice")

    assert taken == before
    assert len(captured.captured_queries) == 1
    with pytest.raises(DomainError) as refused:
        numbers_take("invoice", "no_such_series")
    assert refused.value.reason == "Number series 'no_such_series' is not set up."


@pytest.mark.django_db
def test_an_unknown_series_is_refused_by_name():
    with pytest.raises(DomainError) as refused:
        number_take(code="no_such_series")
    assert refused.value.reason == "Number series 'no_such_series' is not set up."


@pytest.mark.django_db(transaction=True)
def test_a_number_is_never_taken_outside_a_transaction():
    before = NumberSeries.objects.get(code="invoice").next_value

    with pytest.raises(RuntimeError, match="inside the transaction"):
        number_take(code="invoice")

    assert NumberSeries.objects.get(code="invoice").next_value == before


@pytest.mark.django_db
def test_column_update_sets_each_row_to_its_own_value_in_one_statement(clerk):
    order = make_order(lines=[(ItemFactory(), "5"), (ItemFactory(), "7")], by=clerk)
    first, second = order.lines.order_by("line_no")

    with CaptureQueriesContext(connection) as captured:
        updated = column_update(SalesOrderLine, "qty_closed_short", {first.pk: Decimal("1.5"), second.pk: Decimal(2)})

    assert updated == 2
    assert len(captured.captured_queries) == 1
    assert list(order.lines.order_by("line_no").values_list("qty_closed_short", flat=True)) == [
        Decimal("1.500"),
        Decimal("2.000"),
    ]
    assert column_update(SalesOrderLine, "qty_closed_short", {}) == 0


@pytest.mark.django_db
def test_rows_are_inserted_in_one_statement_with_their_ids_and_time_stamps(clerk):
    order = make_order(by=clerk)
    item = ItemFactory()
    new = [
        SalesOrderLine(
            order=order,
            line_no=100 + k,
            item=item,
            description=f"extra {k}",
            quantity=Decimal("1.5"),
            unit_price=Decimal("2.0000"),
            tax_code=item.tax_code,
            net_amount=Decimal("3.00"),
        )
        for k in range(3)
    ]

    with CaptureQueriesContext(connection) as captured:
        rows_insert(new)

    assert len(captured.captured_queries) == 1
    assert all(line.pk and not line._state.adding for line in new)
    stored = SalesOrderLine.objects.filter(pk__in=[line.pk for line in new]).order_by("line_no")
    assert [(s.pk, s.line_no, s.description, s.quantity, s.net_amount) for s in stored] == [
        (line.pk, line.line_no, line.description, Decimal("1.500"), Decimal("3.00")) for line in new
    ]
    (slip,) = rows_insert([PackingSlip(order=order, created_by=clerk, ship_date=order.order_date)])
    assert PackingSlip.objects.get(pk=slip.pk).created_at == slip.created_at is not None
