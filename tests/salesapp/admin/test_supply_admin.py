"""Inbound supply in the admin: saved through the services, receive and cancel as actions; stock moves
read-only."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from salesapp.models import InboundSupplyLine, Item, StockMove
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory
from tests.factories.supply import make_supply_line

D = Decimal


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_line_added_in_the_admin_is_numbered_by_the_service(client, administrator):
    vendor, item = PartyFactory(), ItemFactory(stock=0)
    client.force_login(administrator)
    assert client.get(url(InboundSupplyLine, "add")).status_code == 200
    response = client.post(
        url(InboundSupplyLine, "add"),
        {"vendor": vendor.pk, "item": item.pk, "quantity": "4", "expected_date": "2030-01-31", "reference": "PO"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line = InboundSupplyLine.objects.get()
    assert (line.number, line.quantity, line.state, line.created_by) == ("IS-000001", D("4"), "open", administrator)


def test_receive_and_cancel_actions_call_the_services_and_report_refusals(client, administrator):
    item = ItemFactory(stock=0)
    full = make_supply_line(item=item, quantity="5")
    part = make_supply_line(item=item, quantity="10")
    client.force_login(administrator)
    response = client.post(url(InboundSupplyLine), {"action": "receive", "_selected_action": [full.pk]}, follow=True)
    assert "1 supply line received." in messages_of(response)
    assert Item.objects.get(pk=item.pk).on_hand == D("5")
    response = client.post(
        url(InboundSupplyLine), {"action": "cancel", "_selected_action": [full.pk, part.pk]}, follow=True
    )
    texts = messages_of(response)
    assert f"{full.number}: Supply line {full.number} is received already: it cannot be canceled." in texts
    assert "1 supply line closed." in texts
    full.refresh_from_db()
    part.refresh_from_db()
    assert (full.state, part.state) == ("received", "canceled")
    assert client.get(url(InboundSupplyLine, "change", full.pk)).status_code == 200


def test_stock_moves_are_read_only_in_the_admin(client, administrator):
    item = ItemFactory(number="A-7", stock=3)
    move = StockMove.objects.get(item=item)
    client.force_login(administrator)
    listed = client.get(url(StockMove), {"q": "A-7", "kind": "adjustment"})
    assert listed.status_code == 200 and "Opening stock" in listed.content.decode()
    assert client.get(url(StockMove, "add")).status_code == 403
    assert client.post(url(StockMove, "delete", move.pk), {"post": "yes"}).status_code == 403
    assert client.get(url(StockMove, "change", move.pk)).status_code == 200  # the view page, no save
    assert StockMove.objects.filter(pk=move.pk).exists()
