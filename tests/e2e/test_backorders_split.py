"""The backorders by item: a manager opens the item's waiting orders, splits its on-hand between them (the total
follows what is typed, and goes red when it passes on hand) and saves it."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core import roles
from salesapp.models import SalesOrderLine
from tests.factories.backorders import confirmed
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

pytestmark = pytest.mark.e2e

D = Decimal
TODAY = datetime.date.today()


def test_the_manager_splits_the_on_hand_from_the_by_item_view(logged_in_page):
    page = logged_in_page(roles.SALES_MANAGER)
    item = ItemFactory(number="W-100", name="Widget", stock=5)
    first = confirmed(item, "4", by=page.user, customer=make_customer(party=PartyFactory(name="Anna BV")), ship=TODAY)
    second = confirmed(
        item,
        "4",
        by=page.user,
        customer=make_customer(party=PartyFactory(name="Bert BV")),
        ship=TODAY + datetime.timedelta(days=2),
    )
    line_a, line_b = first.lines.get(), second.lines.get()

    page.goto("/sales/backorders/")
    page.get_by_role("link", name="W-100").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Backorders of W-100")
    page.wait_for_load_state()
    anna = page.get_by_label(f"Reserved for {first.number}")
    bert = page.get_by_label(f"Reserved for {second.number}")
    expect(anna).to_have_value("4.000")
    expect(bert).to_have_value("1.000")

    # Typing more than is on hand shows it at once.
    bert.fill("3")
    total = page.locator("#split-total")
    expect(total).to_have_text("7")
    expect(total).to_have_class("error")
    anna.fill("2")
    expect(total).to_have_text("5")
    expect(total).not_to_have_class("error")

    page.get_by_role("button", name="Save the split").click()
    expect(page.get_by_text("The on-hand of W-100 is split as entered.")).to_be_visible()
    expect(anna).to_have_value("2.000")
    assert list(
        SalesOrderLine.objects.filter(pk__in=[line_a.pk, line_b.pk])
        .order_by("id")
        .values_list("qty_reserved", flat=True)
    ) == [D("2"), D("3")]
