"""Campaigns in the browser: a telemarketing campaign from its creation to the lead a call brought in, and the
unsubscribe link of an email campaign, used by a recipient who never logs in, honoured by the next campaign, and
the progress bar that follows an email campaign while its messages go out.

Parties, customers and the email campaign that was sent are prepared through factories and services; what the
manager and the recipient do is done on the pages and read back from them.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from core.jobs import jobs_run_due
from marketing.choices import CampaignType, LeadSource, TargetStatus
from marketing.models import Campaign, Lead, Unsubscription
from marketing.services.campaign_mail import campaign_email_send
from marketing.services.campaign_targets import campaign_targets_add
from marketing.services.campaigns import campaign_activate, campaign_create
from tests.e2e.conftest import login
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

pytestmark = pytest.mark.e2e


def results(page: Page, label: str):
    """The figure next to ``label`` in the campaign's Results card."""
    return page.locator("dl.campaign-results dt", has_text=re.compile(f"^{re.escape(label)}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def target_row(page: Page, name: str):
    return page.locator("table.campaign-targets tbody tr", has=page.get_by_role("link", name=name, exact=True))


def test_manager_runs_a_telemarketing_campaign_until_a_call_brings_a_lead(page, manager):
    # given: two prospects in the Netherlands, one in Belgium and a Dutch customer
    PartyFactory(name="Hollands Glas", city="Haarlem", phone="+31 23 555 0101", email="inkoop@hollandsglas.example")
    PartyFactory(name="Zeeuwse Zaden", city="Middelburg", phone="+31 118 555 0102")
    PartyFactory(name="Brussels Bureau", city="Brussel", country="BE", phone="+32 2 555 0103")
    make_customer(party=PartyFactory(name="Amstel Trading"))
    login(page, manager)

    # when: the manager creates the campaign
    page.get_by_role("navigation").get_by_role("link", name="Campaigns", exact=True).click()
    page.get_by_role("link", name="New campaign").click()
    expect(page.locator("h1")).to_have_text("New campaign")
    expect(page.get_by_label("Name")).to_be_focused()
    page.keyboard.type("Spring calls")
    page.get_by_label("Type").select_option(label="Telemarketing")
    page.get_by_label("Budget").fill("900")
    page.get_by_role("button", name="Save").click()

    # then: a planned campaign that cannot be activated before it has targets
    expect(page.locator("h1")).to_contain_text("Campaign CM-00001 · Spring calls")
    expect(page.locator(".messages")).to_have_text("Campaign CM-00001 created.")
    expect(page.locator("#campaign-status .statusbar [aria-current=step]")).to_have_text("Planned")
    expect(page.locator("#campaign-status .refusals")).to_contain_text(
        "Activate: Campaign CM-00001 has no targets: add targets before activating it."
    )
    expect(page.get_by_role("button", name="Activate")).to_have_count(0)

    # when: Dutch prospects are chosen with the filters; the form says who that is before adding them
    add_targets = page.locator("#add-targets")
    add_targets.get_by_label("Prospect").check()
    add_targets.get_by_label("Country").fill("NL")
    add_targets.get_by_label("Country").press("Tab")

    # then
    expect(page.locator("#targets-preview")).to_contain_text("2 selected")
    expect(page.locator("#targets-preview")).to_contain_text("Hollands Glas, Zeeuwse Zaden")

    # when
    add_targets.get_by_role("button", name="Add targets").click()

    # then
    expect(page.locator(".messages")).to_have_text("2 targets added.")
    expect(results(page, "Targets")).to_have_text("2")
    expect(page.locator("table.campaign-targets tbody tr td:first-child")).to_have_text(
        ["Hollands Glas", "Zeeuwse Zaden"]
    )

    # when: activated, and the calls are put on the manager's own list
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".messages")).to_have_text("Campaign CM-00001 is active.")
    expect(page.locator("#campaign-status .statusbar [aria-current=step]")).to_have_text("Active")
    page.locator(".campaign-tools").get_by_label(manager.username).check()
    page.get_by_role("button", name="Assign calls").click()
    # The page says "1 callers" (its plural follows the targets): the check holds once that is corrected.
    expect(page.locator(".messages li")).to_contain_text(["Call lists updated.", "2 targets assigned to 1 caller"])
    page.get_by_role("link", name="My call list").click()

    # then: the call list, still to call
    expect(page.locator("h1")).to_contain_text("Call list · CM-00001 Spring calls")
    expect(page.locator("table.campaign-targets tbody tr td:first-child")).to_have_text(
        ["Hollands Glas", "Zeeuwse Zaden"]
    )
    expect(target_row(page, "Hollands Glas").locator("td.phone")).to_have_text("+31 23 555 0101")

    # when: the first target is opened and the call logged; the keyboard starts on the outcome
    page.get_by_role("link", name="Hollands Glas", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Hollands Glas")
    log_call = page.locator("#log-call")
    expect(log_call.get_by_label("Outcome")).to_be_focused()
    log_call.get_by_label("Outcome").select_option(label="Reached")
    log_call.get_by_label("Note").fill("Wants a quote for double glazing units.")
    log_call.get_by_role("button", name="Log call").click()

    # then
    expect(page.locator(".messages")).to_have_text("Call to Hollands Glas logged.")
    expect(page.locator("h1 .badge")).to_have_text("Contacted")
    expect(page.locator("ul.timeline li")).to_have_count(1)
    expect(page.locator("ul.timeline li")).to_contain_text("Call: Spring calls")
    expect(page.locator("ul.timeline li .badge")).to_have_text("Reached")

    # when: the positive response starts a lead in the same action
    respond = page.locator("#respond")
    respond.get_by_label("Response").select_option(label="Positive")
    respond.get_by_label("Create a lead").check()
    respond.get_by_role("button", name="Save response").click()

    # then
    expect(page.locator(".messages li")).to_have_text(
        ["Lead LD-000001 created.", "Response of Hollands Glas recorded."]
    )
    expect(page.locator("h1 .badge")).to_have_text(["Responded", "Positive"])
    expect(page.get_by_role("link", name="LD-000001")).to_be_visible()

    # when
    page.get_by_role("link", name="CM-00001 Spring calls").click()

    # then: the campaign counts the response and the lead
    expect(results(page, "Contacted")).to_have_text("1")
    expect(results(page, "Responded")).to_have_text("1 (100.0 % of contacted)")
    expect(results(page, "Positive")).to_have_text("1 (100.0 % of responses)")
    expect(results(page, "Cost per positive response")).to_have_text("900.00")
    expect(results(page, "Leads created")).to_have_text("1")
    expect(page.locator("ul.campaign-related li").first).to_contain_text("LD-000001 Hollands Glas")
    expect(target_row(page, "Hollands Glas").get_by_role("link", name="LD-000001")).to_be_visible()
    lead = Lead.objects.get(number="LD-000001")
    assert (lead.source, lead.campaign.number, lead.party.name) == (LeadSource.CAMPAIGN, "CM-00001", "Hollands Glas")


def sent_email_campaign(manager, name: str) -> Campaign:
    campaign = campaign_create(
        by=manager,
        name=name,
        campaign_type=CampaignType.EMAIL,
        email_subject="News for {{ target.name }}",
        email_body="Dear {{ target.name }},\n\nOur spring range is in.",
    )
    campaign_targets_add(campaign=campaign, by=manager, filters={"roles": ["prospect"]})
    campaign_activate(campaign=campaign, by=manager)
    campaign_email_send(campaign=campaign, by=manager)
    jobs_run_due()
    return campaign


def unsubscribe_link(message) -> str:
    return re.search(r"No more of these emails: (\S+)", message.body)[1]


def test_recipient_unsubscribes_without_logging_in_and_the_next_campaign_leaves_them_out(
    page, other_page, manager, live_server, settings
):
    # given: an email campaign went out to two prospects, its links pointing at this server
    settings.SALESFLOW_BASE_URL = live_server.url
    PartyFactory(name="Fietsen Jansen", email="info@fietsenjansen.example")
    PartyFactory(name="Bloemen Bos", email="bos@bloemenbos.example")
    sent_email_campaign(manager, "Spring news")
    message = next(message for message in mail.outbox if message.to == ["info@fietsenjansen.example"])
    assert len(mail.outbox) == 2

    # when: the recipient follows the link, in a browser where nobody is logged in
    recipient = other_page()
    recipient.goto(unsubscribe_link(message))

    # then: no login is asked for
    expect(recipient.locator("h1")).to_have_text("Unsubscribe")
    expect(recipient.locator(".unsubscribe-box")).to_contain_text(
        "Stop sending campaign email to info@fietsenjansen.example?"
    )
    expect(recipient.locator("nav.apps")).to_have_count(0)

    # when
    recipient.get_by_role("button", name="Unsubscribe").click()

    # then
    expect(recipient.locator("h1")).to_have_text("You are unsubscribed")
    expect(recipient.locator(".unsubscribe-box")).to_contain_text(
        "We will send no more campaign email to info@fietsenjansen.example."
    )
    assert list(Unsubscription.objects.values_list("email", flat=True)) == ["info@fietsenjansen.example"]

    # when: a later email campaign selects the same prospects
    later = campaign_create(
        by=manager,
        name="Summer news",
        campaign_type=CampaignType.EMAIL,
        email_subject="Summer",
        email_body="Dear {{ target.name }}",
    )
    login(page, manager)
    page.goto(f"/marketing/campaigns/{later.pk}/")
    page.locator("#add-targets").get_by_label("Prospect").check()
    page.locator("#add-targets").get_by_role("button", name="Add targets").click()

    # then: the address that unsubscribed is on the list, excluded, and the email would not reach it
    expect(page.locator(".messages")).to_have_text("2 targets added. 1 is excluded (no email address or unsubscribed).")
    jansen = target_row(page, "Fietsen Jansen")
    expect(jansen.locator("td").nth(6)).to_have_text(re.compile(r"^Excluded Unsubscribed on \d{4}-\d{2}-\d{2}\.$"))
    expect(target_row(page, "Bloemen Bos").locator("td").nth(6)).to_have_text("Not contacted")
    expect(page.locator(".campaign-email-preview")).to_contain_text("Preview for Bloemen Bos <bos@bloemenbos.example>")
    assert later.targets.get(name="Fietsen Jansen").status == TargetStatus.EXCLUDED


def test_the_campaign_page_follows_the_email_while_it_goes_out(page, manager):
    # given: an active email campaign with two prospects
    PartyFactory(name="Fietsen Jansen", email="info@fietsenjansen.example")
    PartyFactory(name="Bloemen Bos", email="bos@bloemenbos.example")
    campaign = campaign_create(
        by=manager,
        name="Autumn news",
        campaign_type=CampaignType.EMAIL,
        email_subject="Autumn",
        email_body="Dear {{ target.name }}",
    )
    campaign_targets_add(campaign=campaign, by=manager, filters={"roles": ["prospect"]})
    campaign_activate(campaign=campaign, by=manager)
    login(page, manager)
    page.goto(f"/marketing/campaigns/{campaign.pk}/")

    # when: the manager sends it
    page.get_by_role("button", name="Send email").click()

    # then: queued, nothing out yet
    expect(page.locator(".messages")).to_have_text("2 emails are being sent.")
    progress = page.locator("#campaign-email-progress")
    expect(progress).to_contain_text("0 sent · 0 failed · 2 remaining")
    assert mail.outbox == []

    # when: a worker sends them (the page is left as it is)
    jobs_run_due()

    # then: the bar catches up by itself, and stops asking
    expect(progress).to_contain_text("2 sent · 0 failed · 0 remaining")
    expect(progress).not_to_have_attribute("hx-get", re.compile("."))
    assert sorted(message.to[0] for message in mail.outbox) == ["bos@bloemenbos.example", "info@fietsenjansen.example"]
