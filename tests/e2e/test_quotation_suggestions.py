"""A clerk on a prospect's draft quotation takes an up-sell, undoes it, and inserts a standard line set."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesapp.models import SuggestionEvent
from tests.e2e.conftest import login
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_line_set, make_relation

pytestmark = pytest.mark.e2e
D = Decimal


def test_clerk_takes_an_up_sell_on_a_quotation_undoes_it_and_inserts_standard_lines(page, clerk):
    # given: a prospect's draft of 2 printers; the Pro is the printer's up-sell; a rule for a price group is not
    # offered to a prospect; a starter set for everyone
    printer = ItemFactory(number="P-100", name="Printer", unit_price=D("200.00"))
    pro = ItemFactory(number="P-200", name="Printer Pro", unit_price=D("260.00"))
    toner = ItemFactory(number="TONER", name="Toner", unit_price=D("60.00"))
    make_relation(item=printer, suggested_item=pro, kind="up_sell", pitch="Twice as fast.")
    make_relation(item=printer, suggested_item=toner, price_group=PriceGroupFactory())
    make_line_set(name="Starter kit", lines=[(toner, "1")])
    quotation = make_quotation(lines=[(printer, "2")], by=clerk)
    login(page, clerk)
    page.goto(f"/sales/quotations/{quotation.pk}/")
    lines = page.locator("#quotation-lines")
    expect(lines).to_contain_text("Twice as fast.")
    expect(lines.get_by_role("button", name="Add TONER Toner")).to_have_count(0)

    # when: the clerk takes the Pro
    lines.get_by_role("button", name="Replace with P-200 Printer Pro").click()

    # then: 2 × 260.00, the suggestion gone, an undo offered
    expect(page.locator("#quotation-amount-net")).to_have_text("EUR 520.00")
    expect(lines.locator("tbody tr").first).to_contain_text("P-200")
    expect(lines.get_by_role("button", name="Replace with P-200 Printer Pro")).to_have_count(0)

    # when: undone
    lines.get_by_role("button", name="Undo").click()

    # then: the printers again, and the Pro offered again
    expect(page.locator("#quotation-amount-net")).to_have_text("EUR 400.00")
    expect(lines.get_by_role("button", name="Replace with P-200 Printer Pro")).to_be_visible()

    # when: the starter kit is inserted
    lines.get_by_label("Standard line set").select_option(label="Starter kit")
    lines.get_by_role("button", name="Insert standard lines").click()

    # then: one toner at 60.00 added
    expect(page.locator("#quotation-amount-net")).to_have_text("EUR 460.00")
    assert list(quotation.lines.order_by("line_no").values_list("item__number", flat=True)) == ["P-100", "TONER"]
    assert SuggestionEvent.objects.get(kind="accepted").undone_by == clerk
