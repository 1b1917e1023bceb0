import pytest
from django.core import mail
from django.urls import reverse

from core.actors import system_actor
from core.errors import TransitionRefused, ValidationFailed
from marketing.choices import CampaignType
from marketing.models import CampaignTarget, Unsubscription
from marketing.services.campaign_mail import campaign_email_render, campaign_email_send
from marketing.services.campaign_targets import campaign_targets_add, target_unsubscribe
from marketing.services.campaigns import campaign_activate, campaign_create, campaign_update
from tests.factories.marketing import ContactFactory, PartyFactory

SUBJECT = "Autumn offer for {{ target.name }}"
BODY = (
    "Dear {{ target.contact_name|default:'customer' }},\n\nChairs for {{ target.city }} & more.\n\n{{ campaign.name }}"
)


def email_campaign(by, parties, *, active=True, **overrides):
    values = {"name": "Autumn chairs", "email_subject": SUBJECT, "email_body": BODY, **overrides}
    campaign = campaign_create(by=by, campaign_type=CampaignType.EMAIL, **values)
    campaign_targets_add(campaign=campaign, by=by, parties=parties)
    return campaign_activate(campaign=campaign, by=by) if active else campaign


def target_of(campaign, party) -> CampaignTarget:
    return CampaignTarget.objects.get(campaign=campaign, party=party)


def test_each_target_gets_its_own_email_after_the_commit(clerk, django_capture_on_commit_callbacks, settings):
    # given
    settings.SALESFLOW_BASE_URL = "https://crm.example.com"
    party = PartyFactory(name="Anker <Koffie>", city="Schiedam", language="nl")
    ContactFactory(party=party, name="Joost Anker", email="joost@anker.nl", is_primary=True)
    campaign = email_campaign(clerk, [party])
    target = target_of(campaign, party)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = campaign_email_send(campaign=campaign, by=clerk)
    assert (sent, len(mail.outbox)) == (1, 0)
    for callback in callbacks:
        callback()

    # then
    [message] = mail.outbox
    link = "https://crm.example.com" + reverse("marketing:unsubscribe", args=[target.unsubscribe_token])
    assert message.to == ["joost@anker.nl"]
    assert message.from_email == "sales@salesflow.example"
    assert message.subject == "Autumn offer for Anker <Koffie>"
    assert message.body.startswith("Dear Joost Anker,\n\nChairs for Schiedam & more.\n\nAutumn chairs\n\n-- \n")
    assert link in message.body
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<p>Dear Joost Anker,</p>" in html and "Chairs for Schiedam &amp; more." in html
    assert f'<a href="{link}">' in html
    # the footer speaks the target's language
    assert '<html lang="nl">' in html
    target.refresh_from_db()
    assert (target.status, target.email_sent_at is not None, target.contacted_at is not None) == (
        "contacted",
        True,
        True,
    )


def test_the_email_goes_once_and_skips_excluded_unsubscribed_and_addressless_targets(
    clerk, django_capture_on_commit_callbacks
):
    # given
    reachable = PartyFactory(name="Reachable", email="buyer@reachable.nl")
    without = PartyFactory(name="No address", email="")
    left = PartyFactory(name="Left", email="left@example.com")
    later = PartyFactory(name="Later", email="Later@Example.com")
    campaign = email_campaign(clerk, [reachable, without, left, later])
    target_unsubscribe(target=target_of(campaign, left), by=system_actor())
    # unsubscribed through another campaign after this one's targets were chosen
    Unsubscription.objects.create(email="later@example.com")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = campaign_email_send(campaign=campaign, by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        second = campaign_email_send(campaign=campaign, by=clerk)

    # then
    assert (first, second) == (1, 0)
    assert [message.to for message in mail.outbox] == [["buyer@reachable.nl"]]
    assert list(campaign.targets.order_by("name").values_list("name", "status", "excluded_reason")) == [
        ("Later", "excluded", "Unsubscribed before the email was sent."),
        ("Left", "responded", ""),
        ("No address", "excluded", "No email address."),
        ("Reachable", "contacted", ""),
    ]


def test_only_active_email_campaigns_send(clerk):
    # given
    party = PartyFactory()
    planned = email_campaign(clerk, [party], active=False)
    telemarketing = campaign_create(by=clerk, name="Calls", campaign_type=CampaignType.TELEMARKETING)

    # when / then
    with pytest.raises(TransitionRefused) as not_active:
        campaign_email_send(campaign=planned, by=clerk)
    with pytest.raises(TransitionRefused) as not_email:
        campaign_email_send(campaign=telemarketing, by=clerk)
    assert not_active.value.reason == f"Campaign {planned.number} is Planned: email is sent while it is active."
    assert not_email.value.reason == (
        f"Campaign {telemarketing.number} is a telemarketing campaign: only email campaigns send email."
    )
    assert mail.outbox == []
    assert target_of(planned, party).email_sent_at is None


def test_an_email_without_text_is_not_sent(clerk, django_capture_on_commit_callbacks):
    # given
    party = PartyFactory()
    campaign = email_campaign(clerk, [party])
    campaign_update(campaign=campaign, by=clerk, email_subject="", email_body=" ")

    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed) as refused:
        campaign_email_send(campaign=campaign, by=clerk)

    # then
    assert refused.value.field_errors == {
        "email_subject": "Write the subject of the email first.",
        "email_body": "Write the text of the email first.",
    }
    assert mail.outbox == []
    assert target_of(campaign, party).status == "pending"


def test_the_text_cannot_reach_beyond_the_target_data(clerk):
    # given: a text that tries to walk from the target to its campaign's creator
    party = PartyFactory(name="Anker")
    campaign = email_campaign(clerk, [party], email_body="{{ target.campaign.created_by.password }}|{{ target.name }}")

    # when
    email = campaign_email_render(campaign=campaign, target=target_of(campaign, party))

    # then
    assert email.text.startswith("|Anker\n")
