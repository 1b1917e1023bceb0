"""A reason typed on an order page reaches the service as typed: too long is refused with the limit, never
dropped silently."""

from decimal import Decimal

from django.urls import reverse

from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_hold_reason_too_long_is_refused_and_the_order_is_not_held(client, manager):
    order = order_confirm(order=make_order(lines=[(ItemFactory(), "1")], by=manager), by=manager)
    client.force_login(manager)

    response = client.post(reverse("salesapp:order_hold", args=[order.pk]), {"reason": "x" * 301}, follow=True)

    assert messages_of(response) == ["reason: Enter at most 300 characters."]
    assert not SalesOrder.objects.get(pk=order.pk).on_hold


def test_a_cancel_reason_is_kept_or_refused_when_too_long(client, manager):
    order = make_order(lines=[(ItemFactory(), "1")], by=manager)
    client.force_login(manager)

    refused = client.post(reverse("salesapp:order_cancel", args=[order.pk]), {"reason": "y" * 301}, follow=True)
    assert messages_of(refused) == ["reason: Enter at most 300 characters."]
    assert SalesOrder.objects.get(pk=order.pk).state == "open"

    client.post(reverse("salesapp:order_cancel", args=[order.pk]), {"reason": "  Ordered twice  "})
    assert SalesOrder.objects.values_list("state", "cancel_reason").get(pk=order.pk) == ("canceled", "Ordered twice")
