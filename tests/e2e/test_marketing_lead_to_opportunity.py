"""A lead from a trade show becomes an opportunity on a new prospect, and the clerk moves it on the pipeline.

The running example: the lead converts into an opportunity of 12,000.00 in Prospecting (10 %, weighted 1,200.00).
Qualification already holds one opportunity of 4,000.00 at 25 % (weighted 1,000.00). Moving the new one on to
Qualification takes its probability to 25 %: that column then expects 16,000.00, weighted 3,000.00 + 1,000.00.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from marketing.models import Opportunity, OpportunityStage, Party
from marketing.services.opportunities import opportunity_create
from tests.e2e.conftest import login
from tests.factories.marketing import PartyFactory

pytestmark = pytest.mark.e2e

D = Decimal


def pipeline_column(page: Page, stage_name: str):
    return page.locator("section.pipeline-column", has=page.get_by_role("heading", name=stage_name))


def test_clerk_turns_a_lead_into_an_opportunity_and_moves_it_on_the_pipeline(page, clerk):
    # given
    qualification = OpportunityStage.objects.get(name="Qualification")
    opportunity_create(
        by=clerk,
        party=PartyFactory(name="Bakker Logistics"),
        name="Warehouse racks",
        stage=qualification,
        expected_revenue=D("4000.00"),
    )
    login(page, clerk)

    # when: the clerk records the lead met at the trade show
    page.get_by_role("link", name="Leads", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Leads")
    page.get_by_role("link", name="New lead").click()
    expect(page.locator("h1")).to_have_text("New lead")
    expect(page.get_by_label("Company")).to_be_focused()
    page.keyboard.type("Noord Bikes")
    page.get_by_label("Contact name").fill("Eva de Vries")
    page.get_by_label("Email").fill("eva@noordbikes.example")
    page.get_by_label("City").fill("Groningen")
    page.get_by_label("Country").fill("nl")
    page.get_by_label("Source").select_option(label="Trade show")
    page.get_by_role("button", name="Save").click()

    # then
    expect(page.locator("h1")).to_contain_text("Lead LD-000001 Noord Bikes")
    expect(page.locator(".messages")).to_have_text("Lead LD-000001 created.")
    expect(page.locator("#lead-status .statusbar [aria-current=step]")).to_have_text("New")
    expect(page.locator("dl.facts dd").nth(5)).to_have_text("Trade show")

    # when
    page.get_by_role("button", name="Qualify", exact=True).click()

    # then
    expect(page.locator(".messages")).to_have_text("Lead LD-000001 qualified.")
    expect(page.locator("#lead-status .statusbar [aria-current=step]")).to_have_text("Qualified")
    expect(page.locator("h1 .badge")).to_have_text("Qualified")

    # when: it is converted; no party like it exists, so a new prospect is made from the lead
    page.get_by_role("link", name="Convert…").click()
    convert = page.locator("#lead-convert")
    expect(convert).to_contain_text("A new prospect Noord Bikes is recorded from the lead's data.")
    convert.get_by_label("Opportunity subject").fill("E-bike fleet")
    convert.get_by_label("Expected revenue").fill("12000")
    expect(convert.get_by_label("Stage")).to_have_value(str(OpportunityStage.objects.get(name="Prospecting").pk))
    convert.get_by_role("button", name="Convert", exact=True).click()

    # then: the clerk lands on the opportunity, for the new prospect
    expect(page.locator("h1")).to_contain_text("Opportunity OP-000002 E-bike fleet")
    expect(page.locator(".messages")).to_have_text("Lead LD-000001 converted into opportunity OP-000002.")
    facts = page.locator("dl.facts")
    expect(facts.get_by_role("link", name="Noord Bikes")).to_be_visible()
    expect(facts.get_by_role("link", name="LD-000001")).to_be_visible()
    expect(facts.locator("dd").nth(2)).to_have_text("Prospecting")
    expect(facts.locator("dd").nth(3)).to_have_text("12,000.00")
    expect(facts.locator("dd").nth(5)).to_have_text("1,200.00")
    prospect = Party.objects.get(name="Noord Bikes")
    assert (prospect.email, prospect.city, prospect.country) == ("eva@noordbikes.example", "Groningen", "NL")
    assert list(prospect.contacts.values_list("name", flat=True)) == ["Eva de Vries"]

    # when: on the pipeline
    page.get_by_role("link", name="Pipeline").click()
    expect(page.locator("h1")).to_contain_text("Pipeline")
    prospecting, qualifying = pipeline_column(page, "Prospecting"), pipeline_column(page, "Qualification")

    # then: one card in each of the two columns
    expect(page.locator(".pipeline-summary")).to_have_text(
        "2 open opportunities, 16,000.00 expected, 2,200.00 weighted"
    )
    expect(prospecting.locator(".pipeline-card strong")).to_have_text(["E-bike fleet"])
    expect(prospecting.locator(".pipeline-totals dd")).to_have_text(["12,000.00", "1,200.00"])
    expect(qualifying.locator(".pipeline-card strong")).to_have_text(["Warehouse racks"])
    expect(qualifying.locator(".pipeline-totals dd")).to_have_text(["4,000.00", "1,000.00"])

    # when: the card is moved on one stage
    page.get_by_role("button", name="Move E-bike fleet on to Qualification").click()

    # then: the board is redrawn in place with the new totals
    expect(page.locator("#pipeline-board .messages")).to_have_text("OP-000002 is now in Qualification.")
    expect(prospecting.locator(".pipeline-card")).to_have_count(0)
    expect(prospecting.locator("li.muted")).to_have_text("Nothing in this stage.")
    expect(prospecting.locator(".pipeline-totals dd")).to_have_text(["0.00", "0.00"])
    expect(qualifying.locator(".pipeline-card strong")).to_have_text(["Warehouse racks", "E-bike fleet"])
    expect(qualifying.locator("h2 .badge")).to_have_text("2")
    expect(qualifying.locator(".pipeline-totals dd")).to_have_text(["16,000.00", "4,000.00"])
    expect(page.locator(".pipeline-summary")).to_have_text(
        "2 open opportunities, 16,000.00 expected, 4,000.00 weighted"
    )
    moved = Opportunity.objects.get(number="OP-000002")
    assert (moved.stage, moved.probability) == (qualification, D("25.00"))
