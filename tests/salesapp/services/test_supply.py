import datetime
from decimal import Decimal

import pytest

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from salesapp.models import InboundSupplyLine, Item, SalesOrderLine, StockMove
from salesapp.services.orders import order_confirm
from salesapp.services.supply import (
    supply_line_cancel,
    supply_line_cancel_message,
    supply_line_create,
    supply_line_receive,
    supply_line_update,
)
from salesapp.services.supply_import import SupplyImportRefused, supply_lines_import
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_order
from tests.factories.supply import make_supply_line

D = Decimal
TODAY = datetime.date.today()
LATER = TODAY + datetime.timedelta(days=10)


def snapshot(line):
    line = InboundSupplyLine.objects.get(pk=line.pk)
    item = Item.objects.get(pk=line.item_id)
    return (
        line.quantity,
        line.qty_received,
        line.state,
        line.expected_date,
        item.on_hand,
        item.reserved,
        StockMove.objects.filter(item=item).count(),
    )


def test_create_numbers_the_line_from_the_supply_series(manager):
    # given
    vendor, item = PartyFactory(name="Acme Supplies"), ItemFactory(stock=0)
    # when
    line = supply_line_create(
        vendor=vendor, item=item, quantity="12.5", expected_date=LATER, reference=" PO-77 ", by=manager
    )
    second = make_supply_line(by=manager)
    # then
    line.refresh_from_db()
    assert line.number.startswith("IS-") and second.number > line.number
    assert (line.vendor, line.item, line.quantity, line.qty_received, line.state, line.reference) == (
        vendor,
        item,
        D("12.5"),
        D("0"),
        "open",
        "PO-77",
    )
    assert line.created_by == manager


def test_create_names_every_wrong_field(manager):
    service = ItemFactory(item_type="service")
    with pytest.raises(ValidationFailed) as refused:
        supply_line_create(
            vendor=None, item=service, quantity="1.2345", expected_date=datetime.date(1999, 1, 1), by=manager
        )
    assert set(refused.value.field_errors) == {"vendor", "item", "quantity", "expected_date"}
    assert "service" in refused.value.field_errors["item"]
    inactive = ItemFactory(active=False, stock=0)
    with pytest.raises(ValidationFailed) as refused:
        supply_line_create(vendor=PartyFactory(), item=inactive, quantity="0", expected_date=LATER, by=manager)
    assert set(refused.value.field_errors) == {"item", "quantity"}
    assert "inactive" in refused.value.field_errors["item"]
    assert not InboundSupplyLine.objects.exists()


def test_a_clerk_cannot_enter_or_receive_supply(clerk):
    with pytest.raises(ActionForbidden):
        supply_line_create(
            vendor=PartyFactory(), item=ItemFactory(stock=0), quantity="1", expected_date=LATER, by=clerk
        )
    line = make_supply_line()
    before = snapshot(line)
    with pytest.raises(ActionForbidden):
        supply_line_receive(supply_line=line, quantity="1", by=clerk)
    assert snapshot(line) == before


def test_update_changes_an_open_line_but_never_below_what_came_in(manager):
    # given
    line = make_supply_line(quantity="10", by=manager)
    supply_line_receive(supply_line=line, quantity="4", by=manager)
    # when
    line = supply_line_update(supply_line=line, quantity="6", expected_date=LATER, reference="PO-1", by=manager)
    # then
    line.refresh_from_db()
    assert (line.quantity, line.qty_received, line.expected_date, line.reference) == (D("6"), D("4"), LATER, "PO-1")
    before = snapshot(line)
    with pytest.raises(ValidationFailed) as refused:
        supply_line_update(supply_line=line, quantity="3", by=manager)
    assert "4 came in already" in refused.value.field_errors["quantity"]
    with pytest.raises(ValidationFailed) as refused:
        supply_line_update(supply_line=line, item=ItemFactory(stock=0), by=manager)
    assert "item" in refused.value.field_errors
    assert snapshot(line) == before


def test_a_received_or_canceled_line_cannot_change(manager):
    line = make_supply_line(quantity="2", by=manager)
    supply_line_cancel(supply_line=line, by=manager)
    before = snapshot(line)
    with pytest.raises(TransitionRefused) as refused:
        supply_line_update(supply_line=line, quantity="3", by=manager)
    assert refused.value.code == "supply-line-not-editable"
    with pytest.raises(TransitionRefused) as refused:
        supply_line_cancel(supply_line=line, by=manager)
    assert refused.value.code == "supply-line-not-cancelable"
    with pytest.raises(TransitionRefused) as refused:
        supply_line_receive(supply_line=line, quantity="1", by=manager)
    assert refused.value.code == "supply-line-not-receivable"
    assert snapshot(line) == before


def test_cancel_with_nothing_received_cancels(manager):
    line = make_supply_line(quantity="5", by=manager)
    line = supply_line_cancel(supply_line=line, by=manager)
    line.refresh_from_db()
    assert (line.state, line.quantity) == ("canceled", D("5"))
    assert supply_line_cancel_message(line, D("5")) == f"Supply line {line.number} is canceled."


def test_cancel_after_a_partial_receipt_short_closes_at_what_came_in(manager):
    line = make_supply_line(quantity="10", by=manager)
    supply_line_receive(supply_line=line, quantity="3", by=manager)
    line = supply_line_cancel(supply_line=line, by=manager)
    line.refresh_from_db()
    assert (line.state, line.quantity, line.qty_received) == ("received", D("3"), D("3"))
    assert "short-closed: 3 of 10 came in" in supply_line_cancel_message(line, D("10"))


def test_receive_books_a_supply_receipt_move_and_closes_the_line_when_all_came(manager):
    # given
    item = ItemFactory(stock=2)
    line = make_supply_line(item=item, quantity="10", by=manager)
    # when
    supply_line_receive(supply_line=line, quantity="4", received_on=TODAY - datetime.timedelta(days=1), by=manager)
    line.refresh_from_db()
    item.refresh_from_db()
    # then: 2 + 4 on hand, the line still open for 6
    assert (item.on_hand, line.qty_received, line.state) == (D("6"), D("4"), "open")
    move = StockMove.objects.get(supply_line=line)
    assert (move.kind, move.quantity, move.moved_on, move.created_by) == (
        "supply_receipt",
        D("4"),
        TODAY - datetime.timedelta(days=1),
        manager,
    )
    supply_line_receive(supply_line=line, quantity="6", by=manager)
    line.refresh_from_db()
    item.refresh_from_db()
    assert (item.on_hand, line.qty_received, line.state) == (D("12"), D("10"), "received")


def test_over_receipt_is_refused_naming_the_open_quantity_and_nothing_changes(manager):
    line = make_supply_line(quantity="10", by=manager)
    supply_line_receive(supply_line=line, quantity="7", by=manager)
    before = snapshot(line)
    with pytest.raises(TransitionRefused) as refused:
        supply_line_receive(supply_line=line, quantity="3.5", by=manager)
    assert refused.value.code == "supply-over-receipt"
    assert "Only 3 pcs" in refused.value.reason and "3.5 cannot be received" in refused.value.reason
    with pytest.raises(ValidationFailed) as refused:
        supply_line_receive(supply_line=line, quantity="-1", received_on=datetime.date(2100, 1, 1), by=manager)
    assert set(refused.value.field_errors) == {"quantity", "received_on"}
    assert snapshot(line) == before


def test_a_line_bought_for_an_order_line_is_not_received_into_stock(manager):
    item = ItemFactory(stock=0)
    order = make_order(lines=[(item, "2")], by=manager)
    line = make_supply_line(item=item, quantity="2", by=manager)
    InboundSupplyLine.objects.filter(pk=line.pk).update(order_line=order.lines.get())
    before = snapshot(line)
    with pytest.raises(TransitionRefused) as refused:
        supply_line_receive(supply_line=line, quantity="2", by=manager)
    assert refused.value.code == "supply-line-for-order"
    assert snapshot(line) == before


def test_a_receipt_fills_the_waiting_orders_by_priority(manager):
    # given: nothing on hand, two confirmed orders waiting; the later ship date waits behind the earlier
    item = ItemFactory(stock=0)
    late = order_confirm(order=make_order(lines=[(item, "5")], by=manager), by=manager)
    early = make_order(lines=[(item, "4")], by=manager)
    SalesOrderLine.objects.filter(order=early).update(confirmed_ship_date=TODAY)
    SalesOrderLine.objects.filter(order=late).update(confirmed_ship_date=TODAY + datetime.timedelta(days=20))
    early = order_confirm(order=early, by=manager)
    line = make_supply_line(item=item, quantity="6", by=manager)
    # when
    supply_line_receive(supply_line=line, quantity="6", by=manager)
    # then: the earlier ship date gets all 4, the later one the remaining 2
    assert early.lines.get().qty_reserved == D("4")
    assert late.lines.get().qty_reserved == D("2")
    item.refresh_from_db()
    assert (item.on_hand, item.reserved) == (D("6"), D("6"))


def csv_file(*rows):
    return ("\n".join(rows) + "\n").encode()


def test_import_creates_every_row(manager):
    # given
    acme = PartyFactory(name="Acme Supplies")
    other = PartyFactory(name="Other")
    ItemFactory(number="A-1", stock=0)
    ItemFactory(number="B-2", stock=0)
    # when
    lines = supply_lines_import(
        file=csv_file(
            "Vendor;Item;Quantity;Expected_Date;Reference",
            f"acme supplies;A-1;5,5;{LATER.isoformat()};PO-1",
            f"{other.pk};B-2;3;{LATER.isoformat()};",
        ),
        by=manager,
    )
    # then
    found = list(InboundSupplyLine.objects.order_by("number").values_list("vendor", "item__number", "quantity"))
    assert found == [(acme.pk, "A-1", D("5.5")), (other.pk, "B-2", D("3"))]
    assert [line.number for line in lines] == sorted(line.number for line in lines)


def test_import_is_all_or_nothing_and_names_each_wrong_row_and_column(manager):
    PartyFactory(name="Twin")
    PartyFactory(name="Twin")
    PartyFactory(name="Acme")
    ItemFactory(number="A-1", stock=0)
    ItemFactory(number="SRV", item_type="service")
    with pytest.raises(SupplyImportRefused) as refused:
        supply_lines_import(
            file=csv_file(
                "vendor,item,quantity,expected_date,reference",
                f"Acme,A-1,5,{LATER.isoformat()},ok",
                f"Twin,A-1,5,{LATER.isoformat()},",
                "Acme,NOPE,0,2030-02-30,",
                f"Acme,SRV,1,{LATER.isoformat()},",
            ),
            by=manager,
        )
    assert refused.value.code == "supply-import-refused"
    assert refused.value.rows == [
        "line 3: vendor: 2 parties are named 'Twin': give the party id.",
        "line 4: item: 'NOPE' does not exist. expected_date: '2030-02-30' is not a date like 2030-01-31. "
        "quantity: Enter a quantity greater than zero, with at most 3 decimals.",
        "line 5: item: SRV is a service: only stocked items come in as supply.",
    ]
    assert not InboundSupplyLine.objects.exists()


def test_import_refuses_a_file_with_an_unknown_or_missing_column(manager):
    with pytest.raises(SupplyImportRefused) as refused:
        supply_lines_import(file=csv_file("vendor,item,qty,expected_date", "1,A,1,2030-01-01"), by=manager)
    assert "Unknown column 'qty'" in refused.value.reason
    with pytest.raises(SupplyImportRefused) as refused:
        supply_lines_import(file=csv_file("vendor,item,expected_date", "1,A,2030-01-01"), by=manager)
    assert "quantity" in refused.value.reason


def test_a_clerk_cannot_import(clerk):
    with pytest.raises(ActionForbidden):
        supply_lines_import(file=csv_file("vendor,item,quantity,expected_date"), by=clerk)
