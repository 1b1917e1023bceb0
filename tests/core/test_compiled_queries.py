"""core.compiled: a queryset compiled once gives what the queryset itself gives, run after run."""

import pytest
from django.db import connection, transaction
from django.db.models import Value
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from core.compiled import CompiledQuery, prefetched
from salesapp.models import SalesOrder, SalesOrderLine
from tests.factories.salesapp import ItemFactory, make_order

ORDER_WITH_CUSTOMER = CompiledQuery(
    lambda order_id: SalesOrder.objects.select_related("customer__party").filter(pk=order_id)
)
LINES_OF_ORDER = CompiledQuery(
    lambda order_id: SalesOrderLine.objects.filter(order_id=order_id).select_related("item").order_by("-line_no")
)
LOCKED_ORDER = CompiledQuery(lambda order_id: SalesOrder.objects.select_for_update().filter(pk=order_id))
LINE_NUMBERS = CompiledQuery(
    lambda order_id, line_no: (
        SalesOrderLine.objects.filter(order_id=order_id, line_no__gte=line_no)
        .order_by("line_no")
        .values_list("line_no", "quantity")
    )
)


@pytest.mark.django_db
def test_each_run_uses_its_own_values_and_fills_related_rows_in_one_statement(clerk):
    first, second = make_order(by=clerk), make_order(by=clerk)

    with CaptureQueriesContext(connection) as captured:
        found = [ORDER_WITH_CUSTOMER.one(first.pk), ORDER_WITH_CUSTOMER.one(second.pk)]
        names = [order.customer.party.name for order in found]

    assert [order.pk for order in found] == [first.pk, second.pk]
    assert [order.number for order in found] == [first.number, second.number]
    assert names == [first.customer.party.name, second.customer.party.name]
    assert len(captured.captured_queries) == 2


@pytest.mark.django_db
def test_rows_come_as_the_queryset_orders_and_types_them(clerk):
    order = make_order(by=clerk)
    expected = list(SalesOrderLine.objects.filter(order=order).select_related("item").order_by("-line_no"))

    lines = LINES_OF_ORDER.all(order.pk)

    assert [(line.pk, line.quantity, line.unit_price, line.item.number) for line in lines] == [
        (line.pk, line.quantity, line.unit_price, line.item.number) for line in expected
    ]
    assert LINE_NUMBERS.rows(order.pk, 20) == [
        [line.line_no, line.quantity] for line in reversed(expected) if line.line_no >= 20
    ]


@pytest.mark.django_db
def test_a_missing_row_raises_does_not_exist():
    with pytest.raises(SalesOrder.DoesNotExist):
        ORDER_WITH_CUSTOMER.one(-1)


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_refuses_to_run_outside_a_transaction(clerk):
    order = make_order(by=clerk)
    with pytest.raises(TransactionManagementError):
        LOCKED_ORDER.one(order.pk)
    with transaction.atomic():
        assert LOCKED_ORDER.one(order.pk).pk == order.pk
    # compiled now: the check still holds on later runs
    with pytest.raises(TransactionManagementError):
        LOCKED_ORDER.one(order.pk)


@pytest.mark.django_db
def test_what_a_compiled_query_cannot_give_is_refused_not_half_done():
    annotated = CompiledQuery(lambda order_id: SalesOrder.objects.annotate(seven=Value(7)).filter(pk=order_id))
    prefetching = CompiledQuery(lambda order_id: SalesOrder.objects.prefetch_related("lines").filter(pk=order_id))
    flat = CompiledQuery(lambda order_id: SalesOrder.objects.filter(pk=order_id).values_list("pk", flat=True))
    for query in (annotated, prefetching, flat):
        with pytest.raises(ValueError, match="A compiled query cannot use"):
            query.rows(1)
    with pytest.raises(TypeError):
        LINE_NUMBERS.all(1, 10)


@pytest.mark.django_db
def test_an_id_beyond_any_column_finds_nothing_without_asking_the_database():
    ORDER_WITH_CUSTOMER.all(0)  # compiled
    with CaptureQueriesContext(connection) as captured:
        found = ORDER_WITH_CUSTOMER.all(2**70)
        with pytest.raises(SalesOrder.DoesNotExist):
            ORDER_WITH_CUSTOMER.one(-(2**64))

    assert found == []
    assert captured.captured_queries == []


@pytest.mark.django_db
def test_prefetched_rows_answer_the_relation_as_prefetch_related_does(clerk):
    order = make_order(by=clerk, lines=[(ItemFactory(), "1"), (ItemFactory(), "2")])
    expected = list(SalesOrder.objects.prefetch_related("lines").get(pk=order.pk).lines.all())

    # when: the order and its lines read by compiled queries, the lines handed over
    found = prefetched(ORDER_WITH_CUSTOMER.one(order.pk), "lines", LINES_OF_ORDER.all(order.pk))

    # then: the relation answers from them, each line knows its order, and a filter still asks the database
    with CaptureQueriesContext(connection) as captured:
        lines = list(found.lines.all())
        parents = {line.order for line in lines}
    assert captured.captured_queries == []
    assert sorted(line.pk for line in lines) == sorted(line.pk for line in expected)
    assert parents == {found}
    first = expected[0].line_no
    assert list(found.lines.filter(line_no=first).values_list("line_no", flat=True)) == [first]
