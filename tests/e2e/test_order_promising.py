"""A clerk adds a line on an order and sees, as the quantity is typed, the date it is available to promise."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from salesapp.models import InboundSupplyLine
from tests.e2e.conftest import choose, login
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_order

pytestmark = pytest.mark.e2e

D = Decimal


def test_clerk_sees_the_atp_date_while_typing_the_quantity(page, live_server, clerk):
    # given: 4 lamps on hand, 6 more expected in ten days
    lamp = ItemFactory(number="LAMP", name="Lamp", unit_price=D("20"), stock=4)
    arrival = timezone.localdate() + datetime.timedelta(days=10)
    InboundSupplyLine.objects.create(
        number="IS-E1", vendor=PartyFactory(), item=lamp, quantity=D("6"), expected_date=arrival
    )
    order = make_order(by=clerk)
    login(page, clerk)
    page.goto(live_server.url + reverse("salesapp:order_detail", args=[order.pk]))

    # when: the lamp and a quantity on hand are typed
    choose(page, "#id_add-item", "lamp", "LAMP Lamp (20.00 / pcs)")
    page.locator("#id_add-quantity").fill("3")

    # then: promised today; more than on hand waits for the supply; more than that is short
    preview = page.locator("#order-line-preview .line-promise")
    expect(preview).to_have_text(f"Available to promise on {date_format(timezone.localdate(), 'j M Y')}.")
    page.locator("#id_add-quantity").fill("8")
    expect(preview).to_have_text(f"Available to promise on {date_format(arrival, 'j M Y')}.")
    page.locator("#id_add-quantity").fill("12")
    expect(preview).to_have_text("Not promisable: 2 short, and no inbound supply covers it.")
