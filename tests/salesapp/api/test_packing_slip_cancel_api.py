from decimal import Decimal

from salesapp.models import Item
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import order_deliver_remainder
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_order

URL = "/api/v1/packing-slips/"


def shipped(clerk):
    item = ItemFactory(number="A-100", stock=8)
    order = order_confirm(order=make_order(lines=[(item, "5")], by=clerk), by=clerk)
    return item, order, order_deliver_remainder(order=order, by=clerk)


def test_cancel_reverses_the_delivery(clerk, manager):
    item, order, slip = shipped(clerk)

    response = api_client(manager).post(f"{URL}{slip.pk}/cancel/", {"reason": "Truck never left"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["cancel_reason"], body["canceled_at"] is not None) == (
        "canceled",
        "Truck never left",
        True,
    )
    item.refresh_from_db()
    order.refresh_from_db()
    assert (item.on_hand, order.state, order.lines.get().qty_delivered) == (Decimal("8"), "confirmed", Decimal("0"))


def test_cancel_needs_a_reason(clerk, manager):
    _, _, slip = shipped(clerk)
    body = problem(api_client(manager).post(f"{URL}{slip.pk}/cancel/", {}, format="json"), 400)
    assert [error["field"] for error in body["errors"]] == ["reason"]


def test_cancel_of_a_canceled_slip_is_a_409_and_a_clerk_gets_403(clerk, manager):
    _, _, slip = shipped(clerk)
    forbidden = api_client(clerk).post(f"{URL}{slip.pk}/cancel/", {"reason": "Try"}, format="json")
    assert problem(forbidden, 403)["code"] == "permission-denied"
    api = api_client(manager)
    assert api.post(f"{URL}{slip.pk}/cancel/", {"reason": "Once"}, format="json").status_code == 200
    again = problem(api.post(f"{URL}{slip.pk}/cancel/", {"reason": "Twice"}, format="json"), 409)
    assert again["code"] == "packing-slip-not-cancelable"
    assert Item.objects.get(number="A-100").on_hand == Decimal("8")
