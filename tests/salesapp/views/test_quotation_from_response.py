from django.urls import reverse

from marketing.choices import CampaignType
from marketing.models import CampaignTarget
from marketing.services.campaign_targets import campaign_targets_add, target_respond
from marketing.services.campaigns import campaign_activate, campaign_create
from salesapp.models import Quotation
from tests.factories.marketing import PartyFactory


def target_with(clerk, response: str):
    party = PartyFactory(name="Anker Koffie")
    campaign = campaign_create(by=clerk, campaign_type=CampaignType.TELEMARKETING, name="Autumn calls")
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])
    campaign = campaign_activate(campaign=campaign, by=clerk)
    target = CampaignTarget.objects.get(campaign=campaign)
    return target_respond(target=target, by=clerk, response=response)


def test_a_positive_response_offers_a_quotation_that_keeps_the_campaign(client, clerk):
    # given
    target = target_with(clerk, "positive")
    client.force_login(clerk)
    page = client.get(reverse("marketing:target_detail", args=[target.pk])).content.decode()
    url = reverse("salesapp:quotation_create_for_response", args=[target.pk])
    assert f'action="{url}"' in page and "Create quotation" in page

    # when
    response = client.post(url, follow=True)

    # then
    quotation = Quotation.objects.get()
    assert response.redirect_chain[-1][0] == reverse("salesapp:quotation_detail", args=[quotation.pk])
    assert (quotation.party_id, quotation.campaign_id, quotation.state) == (
        target.party_id,
        target.campaign_id,
        "draft",
    )


def test_a_negative_response_offers_none_and_a_post_is_refused(client, clerk):
    target = target_with(clerk, "negative")
    client.force_login(clerk)
    page = client.get(reverse("marketing:target_detail", args=[target.pk])).content.decode()
    assert "Create quotation" not in page

    response = client.post(reverse("salesapp:quotation_create_for_response", args=[target.pk]), follow=True)

    assert "target: Only a positive response starts the sales process." in [
        str(message) for message in response.context["messages"]
    ]
    assert Quotation.objects.count() == 0


def test_billing_is_not_offered_it(client, clerk, billing):
    target = target_with(clerk, "positive")
    client.force_login(billing)
    response = client.post(reverse("salesapp:quotation_create_for_response", args=[target.pk]))
    assert response.status_code == 403
    assert Quotation.objects.count() == 0
