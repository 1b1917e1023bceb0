from decimal import Decimal

from django.urls import reverse

from salesapp.models import PackingSlipLine
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import order_deliver_remainder
from tests.factories.salesapp import ItemFactory, make_order


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def shipped(clerk):
    order = order_confirm(order=make_order(lines=[(ItemFactory(stock=8), "5")], by=clerk), by=clerk)
    return order, order_deliver_remainder(order=order, by=clerk)


def test_the_page_offers_cancel_with_a_reason_and_cancels(client, clerk, manager):
    order, slip = shipped(clerk)
    client.force_login(manager)
    page = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk]))
    cancel_url = reverse("salesapp:packing_slip_cancel", args=[slip.pk])
    html = page.content.decode()
    assert f'action="{cancel_url}"' in html
    assert 'name="reason" id="id_cancel_reason" maxlength="300" required' in html

    response = client.post(cancel_url, {"reason": "Wrong goods picked"}, follow=True)

    slip.refresh_from_db()
    order.refresh_from_db()
    assert (slip.state, slip.cancel_reason, order.state) == ("canceled", "Wrong goods picked", "confirmed")
    assert messages_of(response) == [f"Packing slip {slip.number} canceled: its quantities are back on the order."]
    assert "Wrong goods picked" in response.content.decode()  # on the timeline


def test_an_invoiced_slip_says_why_it_cannot_be_canceled(client, clerk, manager):
    _, slip = shipped(clerk)
    PackingSlipLine.objects.filter(packing_slip=slip).update(qty_invoiced=Decimal("5"))
    client.force_login(manager)
    page = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk]))
    assert "5 of the 5 units on packing slip" in page.content.decode()
    response = client.post(reverse("salesapp:packing_slip_cancel", args=[slip.pk]), {"reason": "x"}, follow=True)
    slip.refresh_from_db()
    assert slip.state == "posted"
    assert messages_of(response)[0].startswith("5 of the 5 units on packing slip")


def test_cancel_without_a_reason_is_refused(client, clerk, manager):
    _, slip = shipped(clerk)
    client.force_login(manager)
    response = client.post(reverse("salesapp:packing_slip_cancel", args=[slip.pk]), {"reason": ""}, follow=True)
    slip.refresh_from_db()
    assert slip.state == "posted"
    assert messages_of(response) == ["reason: Say why the packing slip is canceled."]
