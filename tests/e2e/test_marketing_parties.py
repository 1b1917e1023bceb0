"""Parties in the browser: the duplicate warning while a party is entered, and merging two parties that turn out to
be one from the party page.

The two look-alike parties (same email, registered twice) are made with factories; what the clerk does is done on
the pages.
"""

import pytest
from playwright.sync_api import expect

from marketing.models import Party
from tests.e2e.conftest import login
from tests.factories.marketing import ContactFactory, PartyFactory

pytestmark = pytest.mark.e2e


def look_alike_parties() -> tuple[Party, Party]:
    kept = PartyFactory(name="Van Dijk Installaties", email="info@vandijk.example", postcode="3511 AB", city="Utrecht")
    ContactFactory(party=kept, name="Pieter van Dijk", job_title="Owner", is_primary=True)
    other = PartyFactory(
        name="Van Dijk Installatietechniek", email="info@vandijk.example", postcode="3511 AB", city="Utrecht"
    )
    ContactFactory(party=other, name="Anna Smit", job_title="Purchaser", is_primary=True)
    return kept, other


def test_a_party_with_a_known_email_is_not_created_without_confirmation(page, clerk):
    # given
    look_alike_parties()
    login(page, clerk)
    page.get_by_role("link", name="Parties").click()
    page.get_by_role("link", name="New party").click()
    expect(page.locator("h1")).to_have_text("New party")

    # when: the clerk types a party with the same email, in other letters
    expect(page.get_by_label("Name")).to_be_focused()
    page.keyboard.type("Van Dijk")
    page.get_by_label("Email").fill("Info@VanDijk.example")
    page.get_by_label("Email").press("Tab")

    # then: the warning shows while typing
    expect(page.locator("#party-duplicates .duplicate-title")).to_have_text("This party may exist already:")
    expect(page.locator("#party-duplicates ul.duplicates a")).to_have_text(
        ["Van Dijk Installaties", "Van Dijk Installatietechniek"]
    )

    # when
    page.get_by_role("button", name="Save").click()

    # then: nothing is created; the clerk is asked to confirm that it is a different party
    alert = page.get_by_role("alert")
    expect(alert.locator("ul.duplicates a")).to_have_text(["Van Dijk Installaties", "Van Dijk Installatietechniek"])
    expect(alert.locator("ul.duplicates li").first).to_contain_text("info@vandijk.example · 3511 AB Utrecht")
    confirm = page.get_by_label("Create anyway: this is a different party")
    expect(confirm).to_be_focused()
    expect(confirm).not_to_be_checked()
    expect(page.get_by_label("Name")).to_have_value("Van Dijk")
    assert Party.objects.count() == 2


def test_clerk_merges_two_look_alike_parties_from_the_party_page(page, clerk):
    # given
    kept, other = look_alike_parties()
    login(page, clerk)
    page.get_by_role("link", name="Parties").click()
    page.get_by_role("link", name="Van Dijk Installaties", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Van Dijk Installaties")

    # when: the clerk asks to merge; the look-alike is proposed
    page.get_by_role("link", name="Merge…").click()
    expect(page.locator("h1")).to_have_text("Merge another party into Van Dijk Installaties")
    expect(page.get_by_role("heading", name="Possible duplicates")).to_be_visible()
    page.get_by_role("link", name="Preview merge").click()

    # then: what goes, what stays and what moves
    expect(
        page.get_by_role("heading", name="Van Dijk Installatietechniek goes, Van Dijk Installaties stays")
    ).to_be_visible()
    expect(page.locator("table.merge-moves tr")).to_have_text(["Contact persons1"])
    merge = page.get_by_role("button", name="Merge and delete Van Dijk Installatietechniek")
    expect(merge).to_be_focused()

    # when
    merge.click()

    # then: back on the kept party, with the contacts of both; its own primary contact stays primary
    expect(page.locator("h1")).to_contain_text("Van Dijk Installaties")
    expect(page.locator(".messages")).to_have_text("Van Dijk Installatietechniek merged into Van Dijk Installaties.")
    contacts = page.locator("section[aria-labelledby=party-contacts-title] tbody tr td:first-child")
    expect(contacts).to_have_text(["Pieter van Dijk Primary", "Anna Smit"])

    # and the timeline starts with the merge, done by the clerk
    merged_entry = page.locator("ol.party-timeline li").first
    expect(merged_entry.locator(".badge")).to_have_text("Task")
    expect(merged_entry.get_by_role("link")).to_have_text("Merged Van Dijk Installatietechniek into this party")
    expect(merged_entry).to_contain_text("· Done")
    expect(merged_entry.locator("div.muted")).to_have_text(f"Done by {clerk.username}")
    assert list(Party.objects.values_list("pk", flat=True)) == [kept.pk]
    assert sorted(kept.contacts.values_list("name", flat=True)) == ["Anna Smit", "Pieter van Dijk"]
