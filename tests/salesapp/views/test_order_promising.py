import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from salesapp.models import InboundSupplyLine
from salesapp.services.orders import order_confirm
from tests.factories.marketing import PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal
TODAY = timezone.localdate()


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def shown(date: datetime.date) -> str:
    return date_format(date, "j M Y")


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def supply(item, quantity, expected):
    InboundSupplyLine.objects.create(
        number=f"IS-V{InboundSupplyLine.objects.count() + 1}",
        vendor=PartyFactory(),
        item=item,
        quantity=D(quantity),
        expected_date=expected,
    )


def test_the_line_being_added_shows_when_it_is_available_to_promise(client, clerk):
    lamp, fitting = ItemFactory(number="LAMP", stock=3), ItemFactory(number="FIT", item_type="service")
    supply(lamp, "5", day(9))
    order = make_order(by=clerk)
    client.force_login(clerk)
    url = reverse("salesapp:order_line_preview", args=[order.pk])

    covered = text_of(client.get(url, {"add-item": lamp.pk, "add-quantity": "3"}))
    later = text_of(client.get(url, {"add-item": lamp.pk, "add-quantity": "6"}))
    short = text_of(client.get(url, {"add-item": lamp.pk, "add-quantity": "10"}))
    service = text_of(client.get(url, {"add-item": fitting.pk, "add-quantity": "10"}))

    assert f"Available to promise on {shown(TODAY)}." in covered
    assert f"Available to promise on {shown(day(9))}." in later
    assert "Not promisable: 2 short, and no inbound supply covers it." in short
    assert "line-promise" not in service and "promise" not in service.lower()


def test_the_quotation_line_promise_starts_at_its_requested_ship_date(client, clerk):
    lamp = ItemFactory(number="LAMP", stock=3)
    quotation = make_quotation(party=PartyFactory(), lines=[], by=clerk, requested_ship_date=day(4))
    client.force_login(clerk)
    text = text_of(
        client.get(
            reverse("salesapp:quotation_line_preview", args=[quotation.pk]), {"add-item": lamp.pk, "add-quantity": "1"}
        )
    )
    assert f"Available to promise on {shown(day(4))}." in text


def test_the_order_page_shows_reservations_promises_and_uses_the_atp_date(client, clerk):
    lamp = ItemFactory(number="LAMP", stock=2)
    chair = ItemFactory(number="CHAIR", stock=0)
    order = order_confirm(order=make_order(lines=[(lamp, "5"), (chair, "1")], by=clerk), by=clerk)
    first, second = order.lines.order_by("line_no")
    assert (first.confirmed_ship_date, second.confirmed_ship_date) == (None, None)
    supply(lamp, "3", day(6))
    client.force_login(clerk)
    url = reverse("salesapp:order_detail", args=[order.pk])

    text = text_of(client.get(url))
    assert "Reserved 2" in text and "Reserved 0" in text
    assert f"Available to promise on {shown(day(6))}." in text
    assert "Not promisable: 1 short, and no inbound supply covers it." in text
    assert text.count("Use ATP date") == 1

    response = client.post(reverse("salesapp:order_line_ship_date_promise", args=[order.pk, first.pk]), follow=True)
    first.refresh_from_db()
    assert first.confirmed_ship_date == day(6)
    assert "Ship date of line 10 saved." in text_of(response)

    refused = client.post(reverse("salesapp:order_line_ship_date_promise", args=[order.pk, second.pk]), follow=True)
    second.refresh_from_db()
    assert second.confirmed_ship_date is None
    assert "Not promisable: 1 short, and no inbound supply covers it." in text_of(refused)
