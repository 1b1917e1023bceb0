"""The unsubscribe link of campaign email works without login, and later campaigns honour it."""

import uuid

from django.core import mail
from django.test import Client
from django.urls import reverse

from core.jobs import jobs_run_due
from marketing.choices import CampaignType
from marketing.models import CampaignTarget, Unsubscription
from marketing.services.campaign_mail import campaign_email_send
from marketing.services.campaign_targets import campaign_targets_add
from marketing.services.campaigns import campaign_activate, campaign_create
from tests.factories.marketing import PartyFactory


def email_campaign(by, parties, name="Autumn chairs"):
    campaign = campaign_create(
        by=by, name=name, campaign_type=CampaignType.EMAIL, email_subject="Offer", email_body="Hello {{ target.name }}"
    )
    campaign_targets_add(campaign=campaign, by=by, filters=None, parties=parties)
    return campaign_activate(campaign=campaign, by=by)


def test_the_link_asks_before_it_unsubscribes(client, clerk):
    # given
    party = PartyFactory(email="buyer@anker.nl")
    target = email_campaign(clerk, [party]).targets.get()

    # when: an anonymous visitor opens the link
    response = client.get(reverse("marketing:unsubscribe", args=[target.unsubscribe_token]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop sending campaign email to buyer@anker.nl?" in html
    assert '<button type="submit" autofocus>Unsubscribe</button>' in html
    assert not Unsubscription.objects.exists()


def test_confirming_unsubscribes_and_is_idempotent(clerk):
    # given
    party = PartyFactory(email="Buyer@Anker.nl")
    target = email_campaign(clerk, [party]).targets.get()
    url = reverse("marketing:unsubscribe", args=[target.unsubscribe_token])
    browser = Client(enforce_csrf_checks=True)

    # when
    first = browser.post(url)
    again = browser.post(url)
    page = browser.get(url)

    # then
    assert (first.status_code, again.status_code) == (200, 200)
    assert "You are unsubscribed" in first.content.decode()
    assert "buyer@anker.nl is unsubscribed already" in page.content.decode().lower()
    target.refresh_from_db()
    assert (target.response, target.status) == ("unsubscribed", "responded")
    assert list(Unsubscription.objects.values_list("email", "party", "campaign")) == [
        ("buyer@anker.nl", party.pk, target.campaign_id)
    ]


def test_one_click_unsubscribe_from_the_mail_program(clerk):
    # given: the List-Unsubscribe address of a sent email
    party = PartyFactory(email="buyer@anker.nl")
    campaign = email_campaign(clerk, [party])
    campaign_email_send(campaign=campaign, by=clerk)
    jobs_run_due()
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = header.strip("<>").removeprefix("http://127.0.0.1:8000")

    # when: the mail program posts without a CSRF token (RFC 8058)
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    # then
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert list(Unsubscription.objects.values_list("email", "campaign")) == [("buyer@anker.nl", campaign.pk)]
    assert campaign.targets.get().response == "unsubscribed"


def test_an_unknown_link_is_a_404_page(client, db):
    # when
    response = client.get(reverse("marketing:unsubscribe", args=[uuid.uuid4()]))

    # then
    assert response.status_code == 404
    assert "This unsubscribe link is not known" in response.content.decode()


def test_an_unsubscribed_address_is_excluded_from_a_later_email_campaign(client, clerk):
    # given: the recipient unsubscribed from the first campaign
    party = PartyFactory(email="buyer@anker.nl")
    other = PartyFactory(email="info@bakker.nl")
    first = email_campaign(clerk, [party])
    client.post(reverse("marketing:unsubscribe", args=[first.targets.get().unsubscribe_token]))

    # when: a later email campaign selects both parties and sends
    later = email_campaign(clerk, [party, other], name="Winter desks")
    sent = campaign_email_send(campaign=later, by=clerk)
    jobs_run_due()

    # then
    excluded = CampaignTarget.objects.get(campaign=later, party=party)
    assert (excluded.status, excluded.excluded_reason.startswith("Unsubscribed on ")) == ("excluded", True)
    assert sent == 1
    assert [message.to for message in mail.outbox] == [["info@bakker.nl"]]


def test_the_page_speaks_the_recipients_language_unless_they_chose_one(clerk):
    # given: a Swedish party
    party = PartyFactory(email="inkop@kontor.se", language="sv", country="SE")
    target = email_campaign(clerk, [party]).targets.get()
    url = reverse("marketing:unsubscribe", args=[target.unsubscribe_token])

    # when: opened without a language choice, then after choosing English
    swedish = Client().get(url)
    chose_english = Client()
    chose_english.cookies["django_language"] = "en"
    english = chose_english.get(url)

    # then
    assert '<html lang="sv" ' in swedish.content.decode()
    assert '<html lang="en" ' in english.content.decode()
