"""The campaign admin: campaigns are saved and moved through the campaign services; targets are read-only."""

from django.contrib.messages import get_messages
from django.urls import reverse

from marketing.models import Campaign, Segment
from tests.factories.marketing import CampaignFactory, CampaignTargetFactory, SegmentFactory


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def campaign_form(**overrides) -> dict:
    data = {
        "name": "Autumn chairs",
        "campaign_type": "telemarketing",
        "owner": "",
        "start_date": "",
        "end_date": "",
        "budget": "500.00",
        "description": "",
        "email_subject": "",
        "email_body": "",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "django_fsm_log-statelog-content_type-object_id-TOTAL_FORMS": "0",
        "django_fsm_log-statelog-content_type-object_id-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_campaign_added_in_the_admin_goes_through_the_service(client, administrator):
    # given
    client.force_login(administrator)

    # when
    response = client.post(reverse("admin:marketing_campaign_add"), campaign_form())

    # then
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    campaign = Campaign.objects.get()
    assert (campaign.number, campaign.state, campaign.created_by) == ("CM-00001", "planned", administrator)


def test_campaign_actions_call_the_services_and_report_refusals(client, administrator):
    # given
    ready = CampaignFactory(number="CM-READY")
    CampaignTargetFactory(campaign=ready)
    empty = CampaignFactory(number="CM-EMPTY", name="Empty")
    client.force_login(administrator)
    changelist = reverse("admin:marketing_campaign_changelist")

    # when
    response = client.post(changelist, {"action": "activate_campaigns", "_selected_action": [ready.pk, empty.pk]})

    # then
    ready.refresh_from_db()
    empty.refresh_from_db()
    assert (ready.state, empty.state) == ("active", "planned")
    assert messages_of(response) == [
        ("error", "CM-EMPTY Empty: Campaign CM-EMPTY has no targets: add targets before activating it."),
        ("success", "1 campaign activated."),
    ]


def test_campaign_cancel_action_gives_a_reason(client, administrator):
    # given
    campaign = CampaignFactory()
    client.force_login(administrator)

    # when
    client.post(
        reverse("admin:marketing_campaign_changelist"),
        {"action": "cancel_campaigns", "_selected_action": [campaign.pk]},
    )

    # then
    campaign.refresh_from_db()
    assert (campaign.state, campaign.cancel_reason) == ("canceled", "Canceled in the admin.")


def test_campaign_change_page_shows_its_targets_read_only(client, administrator):
    # given
    campaign = CampaignFactory()
    for index in range(5):
        CampaignTargetFactory(campaign=campaign, name=f"Target {index}")
    client.force_login(administrator)

    # when
    response = client.get(reverse("admin:marketing_campaign_change", args=[campaign.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Target 4" in html
    assert 'name="state"' not in html


def test_target_admin_is_read_only_and_filters(client, administrator):
    # given
    target = CampaignTargetFactory(name="Anker Koffie")
    CampaignTargetFactory(name="Bakker", status="contacted")
    client.force_login(administrator)

    # when
    changelist = client.get(reverse("admin:marketing_campaigntarget_changelist"), {"status__exact": "pending"})
    change = client.get(reverse("admin:marketing_campaigntarget_change", args=[target.pk]))

    # then
    assert [row.name for row in changelist.context["cl"].result_list] == ["Anker Koffie"]
    assert change.status_code == 200
    assert 'name="name"' not in change.content.decode()


def test_segment_admin_saves_and_deletes_through_the_services(client, administrator):
    # given
    client.force_login(administrator)
    taken = SegmentFactory(name="Taken")

    # when
    added = client.post(
        reverse("admin:marketing_segment_add"),
        {"name": "Dutch", "description": "", "filters": '{"country": "nl", "roles": ["prospect"]}'},
    )
    refused = client.post(
        reverse("admin:marketing_segment_add"),
        {"name": "Bad", "description": "", "filters": '{"colour": "blue"}'},
    )
    client.post(reverse("admin:marketing_segment_delete", args=[taken.pk]), {"post": "yes"})

    # then
    assert added.status_code == 302
    assert Segment.objects.get(name="Dutch").filters == {"country": "NL", "roles": ["prospect"]}
    assert messages_of(refused)[-1] == ("error", "filters.colour: Unknown filter.")
    assert list(Segment.objects.values_list("name", flat=True)) == ["Dutch"]
