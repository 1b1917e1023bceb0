import datetime

from django.urls import reverse
from django.utils import timezone

from marketing.choices import CampaignType
from marketing.models import Activity, CampaignTarget, Lead
from marketing.services.campaign_targets import campaign_targets_add
from marketing.services.campaigns import campaign_activate, campaign_create
from tests.factories.marketing import ActivityFactory, CampaignTargetFactory, PartyFactory


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def target_in(by, *, active=True, campaign_type=CampaignType.TELEMARKETING, **party_fields) -> CampaignTarget:
    party = PartyFactory(**{"name": "Anker Koffie", "phone": "+31 10 473 1299", **party_fields})
    campaign = campaign_create(by=by, name="Autumn chairs", campaign_type=campaign_type)
    campaign_targets_add(campaign=campaign, by=by, parties=[party])
    if active:
        campaign_activate(campaign=campaign, by=by)
    return CampaignTarget.objects.select_related("campaign").get(campaign=campaign)


def test_target_page_shows_data_forms_and_calls(client, clerk):
    # given
    target = target_in(clerk)
    ActivityFactory(owner=clerk, party=target.party, campaign_target=target, subject="Call: Autumn chairs")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:target_detail", args=[target.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["respond_form"] is not None and response.context["call_form"] is not None
    assert 'href="tel:+31104731299"' in html
    assert f'href="{reverse("marketing:party_detail", args=[target.party.pk])}"' in html
    assert "Call: Autumn chairs" in html
    assert f"{reverse('marketing:activity_create')}?campaign={target.campaign_id}&amp;target={target.pk}" in html


def test_target_of_a_planned_campaign_says_why_there_is_nothing_to_record(client, clerk):
    # given
    target = target_in(clerk, active=False)
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:target_detail", args=[target.pk]))

    # then
    assert (response.context["respond_form"], response.context["call_form"]) == (None, None)
    assert response.context["why_closed"] == (
        f"Campaign {target.campaign.number} is Planned: responses are recorded while it is active."
    )
    assert response.context["removable"] is True


def test_target_page_query_count_does_not_grow_with_calls(client, clerk, django_assert_max_num_queries):
    # given
    target = target_in(clerk)
    client.force_login(clerk)
    url = reverse("marketing:target_detail", args=[target.pk])

    def add(count):
        for _ in range(count):
            ActivityFactory(owner=clerk, party=target.party, campaign_target=target)

    add(3)
    with django_assert_max_num_queries(12) as few:
        client.get(url)

    # when
    add(27)
    with django_assert_max_num_queries(12) as many:
        response = client.get(url)

    # then
    assert len(response.context["calls"]) == 30
    assert len(many) == len(few)


def target_row(target: CampaignTarget) -> tuple:
    return CampaignTarget.objects.values_list(
        "status", "response", "response_date", "response_note", "responded_by", "contacted_at", "created_lead"
    ).get(pk=target.pk)


def test_the_response_form_preselects_no_response_and_explains_each(client, clerk):
    # given
    target = target_in(clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:target_detail", args=[target.pk]))

    # then
    field = response.context["respond_form"]["response"]
    assert field.value() is None
    assert field.field.choices[0] == ("", "Choose a response")
    assert field.help_text == (
        "Positive: interested; it can start a lead or an opportunity right away. Negative: not interested. "
        "No answer: no reaction came. Unsubscribed: wants no more campaign email; the address is left out of "
        "later email campaigns."
    )
    html = response.content.decode()
    assert '<option value="" selected>Choose a response</option>' in html
    assert 'value="positive" selected' not in html


def test_saving_a_response_without_choosing_one_is_a_field_error(client, clerk):
    # given
    target = target_in(clerk)
    client.force_login(clerk)
    before = target_row(target)

    # when
    response = client.post(
        reverse("marketing:target_respond", args=[target.pk]),
        {"response": "", "date": "", "note": "Maybe later", "start": "none", "opportunity_name": ""},
    )

    # then
    assert response.status_code == 400
    assert response.context["respond_form"].errors == {
        "response": ["Choose a response: positive, negative, no answer or unsubscribed."]
    }
    assert target_row(target) == before
    assert not Lead.objects.exists() and not Activity.objects.exists()


def test_a_positive_response_starts_a_lead_from_the_page(client, clerk):
    # given
    target = target_in(clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:target_respond", args=[target.pk]),
        {"response": "positive", "date": "", "note": "Wants a demo", "start": "lead", "opportunity_name": ""},
        follow=True,
    )

    # then
    lead = Lead.objects.get()
    assert messages_of(response) == [f"Lead {lead.number} created.", "Response of Anker Koffie recorded."]
    target.refresh_from_db()
    assert (target.response, target.created_lead, lead.campaign) == ("positive", lead, target.campaign)


def test_a_refused_response_is_shown_on_the_form(client, clerk):
    # given
    target = target_in(clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:target_respond", args=[target.pk]), {"response": "negative", "start": "opportunity"}
    )

    # then
    assert response.status_code == 400
    assert response.context["respond_form"].errors == {"start": ["Only a positive response starts the sales process."]}
    target.refresh_from_db()
    assert target.response == ""


def test_log_a_call_and_go_back_to_the_call_list(client, clerk):
    # given
    target = target_in(clerk)
    client.force_login(clerk)
    call_list = reverse("marketing:campaign_call_list", args=[target.campaign_id]) + "?assigned_to=me"
    call_back = timezone.localtime() + datetime.timedelta(days=1)

    # when
    response = client.post(
        reverse("marketing:target_call_log", args=[target.pk]),
        {
            "call-outcome": "call_back",
            "call-note": "Ring after lunch",
            "call-response": "",
            "call-follow_up_at": call_back.strftime("%Y-%m-%dT%H:%M"),
            "next": call_list,
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == call_list
    calls = list(Activity.objects.filter(campaign_target=target).order_by("id").values_list("outcome", "done"))
    assert calls == [("call_back", True), ("", False)]
    target.refresh_from_db()
    assert target.status == "contacted"


def test_a_call_logged_on_the_page_is_done_dated_now_and_shown_with_its_time(client, clerk, manager):
    # given: the manager's campaign, called by the clerk
    target = target_in(manager)
    client.force_login(clerk)
    before = timezone.now()

    # when
    response = client.post(
        reverse("marketing:target_call_log", args=[target.pk]),
        {"call-outcome": "reached", "call-note": "Spoke to Joost", "call-response": ""},
        follow=True,
    )

    # then
    after = timezone.now()
    call = Activity.objects.get(campaign_target=target)
    assert (call.done, call.outcome, call.notes, call.owner) == (True, "reached", "Spoke to Joost", clerk)
    assert call.due_at == call.done_at and before <= call.done_at <= after
    assert messages_of(response) == ["Call to Anker Koffie logged."]
    # the list of done activities shows it with its time, not undated
    listed = client.get(reverse("marketing:activity_list"), {"status": "done", "party": target.party_id})
    assert [activity.pk for activity in listed.context["page_obj"]] == [call.pk]
    assert f'<time datetime="{timezone.localtime(call.due_at).isoformat()}">' in listed.content.decode()


def test_a_call_log_never_sends_the_clerk_to_another_site(client, clerk):
    # given
    target = target_in(clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:target_call_log", args=[target.pk]),
        {"call-outcome": "reached", "next": "https://evil.example/"},
    )

    # then
    assert response["Location"] == reverse("marketing:target_detail", args=[target.pk])


def test_a_call_to_a_planned_campaign_is_a_message(client, clerk):
    # given
    target = target_in(clerk, active=False)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:target_call_log", args=[target.pk]), {"call-outcome": "reached"}, follow=True
    )

    # then
    assert messages_of(response) == [
        f"Campaign {target.campaign.number} is Planned: calls are logged while it is active."
    ]
    assert not Activity.objects.exists()


def test_remove_a_target_of_a_planned_campaign(client, clerk):
    # given
    target = target_in(clerk, active=False)
    client.force_login(clerk)

    # when
    response = client.post(reverse("marketing:target_remove", args=[target.pk]))

    # then
    assert response["Location"] == reverse("marketing:campaign_detail", args=[target.campaign_id])
    assert not CampaignTarget.objects.filter(pk=target.pk).exists()


def test_target_page_is_for_signed_in_users_only(client, db):
    # given
    target = CampaignTargetFactory()

    # when
    response = client.get(reverse("marketing:target_detail", args=[target.pk]))

    # then
    assert response.status_code == 302
