import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.jobs import jobs_run_due
from marketing.choices import CampaignType, Response, TargetStatus
from marketing.models import Campaign, CampaignTarget, Segment
from marketing.services import campaign_mail
from marketing.services.campaign_targets import campaign_targets_add
from marketing.services.campaigns import campaign_activate, campaign_create
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from tests.factories.marketing import (
    CampaignFactory,
    CampaignTargetFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
    SegmentFactory,
)
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def make_campaign(by, campaign_type=CampaignType.TELEMARKETING, **fields) -> Campaign:
    return campaign_create(by=by, name="Autumn chairs", campaign_type=campaign_type, **fields)


def active_campaign(by, campaign_type=CampaignType.TELEMARKETING, parties=None, **fields) -> Campaign:
    campaign = make_campaign(by, campaign_type, **fields)
    campaign_targets_add(campaign=campaign, by=by, parties=parties or [PartyFactory(name="First target")])
    return campaign_activate(campaign=campaign, by=by)


def form_data(**overrides) -> dict:
    return {
        "name": "Spring mailing",
        "campaign_type": "mailing",
        "owner": "",
        "start_date": "2025-03-01",
        "end_date": "2025-04-30",
        "budget": "750.00",
        "description": "",
        "email_subject": "",
        "email_body": "",
        **overrides,
    }


# --- list ----------------------------------------------------------------------------------------------------------


def test_campaign_list_filters_and_shows_figures(client, clerk):
    # given
    spring = CampaignFactory(name="Spring mailing", campaign_type=CampaignType.MAILING)
    CampaignTargetFactory(campaign=spring, status=TargetStatus.RESPONDED, response=Response.POSITIVE)
    LeadFactory(campaign=spring)
    CampaignFactory(name="Autumn calls", campaign_type=CampaignType.TELEMARKETING)
    client.force_login(clerk)
    url = reverse("marketing:campaign_list")

    # when
    everything = client.get(url)
    mailings = client.get(url, {"campaign_type": "mailing"})
    searched = client.get(url, {"q": "autumn"})

    # then
    assert [c.name for c in everything.context["page_obj"]] == ["Autumn calls", "Spring mailing"]
    assert [c.name for c in mailings.context["page_obj"]] == ["Spring mailing"]
    assert [c.name for c in searched.context["page_obj"]] == ["Autumn calls"]
    row = mailings.context["page_obj"][0]
    assert (row.targets_count, row.responded_count, row.positive_count, row.leads_count) == (1, 1, 1, 1)


def test_campaign_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    def add(count):
        for _ in range(count):
            campaign = CampaignFactory(owner=clerk)
            CampaignTargetFactory(campaign=campaign)
            LeadFactory(campaign=campaign)

    add(3)
    client.force_login(clerk)
    url = reverse("marketing:campaign_list")
    with django_assert_max_num_queries(9) as few:
        assert client.get(url).status_code == 200

    # when
    add(27)
    with django_assert_max_num_queries(9) as many:
        response = client.get(url)

    # then
    assert len(response.context["page_obj"]) == 25
    assert len(many) == len(few)


# --- create / update -----------------------------------------------------------------------------------------------


def test_campaign_create_through_the_form(client, clerk):
    # given
    client.force_login(clerk)
    url = reverse("marketing:campaign_create")
    assert "autofocus" in client.get(url).content.decode()

    # when
    response = client.post(url, form_data(owner=clerk.pk))

    # then
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("marketing:campaign_detail", args=[campaign.pk])
    assert (campaign.name, campaign.campaign_type, campaign.owner, campaign.budget, campaign.created_by) == (
        "Spring mailing",
        "mailing",
        clerk,
        D("750.00"),
        clerk,
    )


def test_campaign_form_shows_the_service_refusal_on_the_field(client, clerk):
    # given
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:campaign_create"), form_data(start_date="2025-05-10", end_date="2025-05-01")
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"end_date": ["The campaign cannot end before it starts (2025-05-10)."]}
    assert Campaign.objects.count() == 0


def test_campaign_update_of_a_running_campaign_keeps_its_type(client, clerk):
    # given
    campaign = active_campaign(clerk)
    client.force_login(clerk)

    # when: a tampered form tries to change the type anyway
    response = client.post(
        reverse("marketing:campaign_update", args=[campaign.pk]),
        form_data(name="Autumn chairs, wave 2", campaign_type="email"),
    )

    # then
    campaign.refresh_from_db()
    assert response.status_code == 302
    assert (campaign.name, campaign.campaign_type) == ("Autumn chairs, wave 2", "telemarketing")


# --- detail --------------------------------------------------------------------------------------------------------


def test_campaign_page_shows_what_can_be_done_and_why_not(client, clerk):
    # given
    campaign = make_campaign(clerk, budget=D("1000"))
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_detail", args=[campaign.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    # completing is not offered before the campaign is active
    assert response.context["actions"] == {"edit": True, "activate": False, "cancel": True, "add_targets": True}
    assert (
        f"<strong>Activate</strong>: Campaign {campaign.number} has no targets: add targets before activating it."
        in html
    )
    assert 'class="current" aria-current="step">Planned</span>' in html
    assert reverse("marketing:campaign_targets_add", args=[campaign.pk]) in html


def test_campaign_page_shows_results_and_what_the_campaign_started(client, clerk):
    # given
    campaign = active_campaign(clerk, budget=D("900"))
    target = campaign.targets.get()
    CampaignTarget.objects.filter(pk=target.pk).update(status=TargetStatus.RESPONDED, response=Response.POSITIVE)
    lead = LeadFactory(campaign=campaign, company_name="Lead from campaign")
    opportunity = OpportunityFactory(campaign=campaign, name="Deal from campaign")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_detail", args=[campaign.pk]))

    # then
    html = response.content.decode()
    stats = response.context["stats"]
    assert (stats.response_rate, stats.positive_rate, stats.cost_per_positive) == (D("100.0"), D("100.0"), D("900.00"))
    assert f'href="{reverse("marketing:lead_detail", args=[lead.pk])}"' in html
    assert f'href="{reverse("marketing:opportunity_detail", args=[opportunity.pk])}"' in html
    assert "Ordered revenue (net)" in html and "Invoiced revenue (net)" in html
    assert "<strong>Activate</strong>: Campaign" not in html  # already active: a step done, no reason for it


def test_campaign_page_shows_confirmed_orders_as_a_count(client, clerk):
    # given: two confirmed orders of the campaign, 3 × 400.00 and 1 × 250.00
    campaign = CampaignFactory()
    for price, quantity in (("400", "3"), ("250", "1")):
        order = make_order(lines=[(ItemFactory(unit_price=D(price)), quantity)], by=clerk)
        SalesOrder.objects.filter(pk=order.pk).update(campaign=campaign)
        order_confirm(order=order, by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_detail", args=[campaign.pk]))

    # then
    html = response.content.decode()
    assert "<dt>Confirmed orders</dt><dd>2</dd>" in html
    assert "<dt>Ordered revenue (net)</dt><dd>1,450.00</dd>" in html


def test_campaign_page_filters_its_targets(client, clerk):
    # given
    campaign = CampaignFactory()
    CampaignTargetFactory(campaign=campaign, name="Anker", email="info@anker.nl")
    CampaignTargetFactory(campaign=campaign, name="Bakker", status=TargetStatus.RESPONDED, response=Response.NEGATIVE)
    client.force_login(clerk)
    url = reverse("marketing:campaign_detail", args=[campaign.pk])

    # when / then
    assert [t.name for t in client.get(url).context["page_obj"]] == ["Anker", "Bakker"]
    assert [t.name for t in client.get(url, {"q": "anker.nl"}).context["page_obj"]] == ["Anker"]
    assert [t.name for t in client.get(url, {"response": "negative"}).context["page_obj"]] == ["Bakker"]
    assert [t.name for t in client.get(url, {"status": "pending"}).context["page_obj"]] == ["Anker"]


@pytest.mark.parametrize("campaign_type", ["telemarketing", "mailing", "email"])
def test_campaign_page_query_count_does_not_grow_with_targets(
    client, clerk, campaign_type, django_assert_max_num_queries
):
    # given
    campaign = CampaignFactory(
        campaign_type=campaign_type, email_subject="Hi {{ target.name }}", email_body="Dear {{ target.contact_name }}"
    )

    def add(count):
        for _ in range(count):
            CampaignTargetFactory(campaign=campaign, assigned_to=clerk)
            CampaignTargetFactory(
                campaign=campaign,
                status=TargetStatus.RESPONDED,
                response=Response.POSITIVE,
                created_lead=LeadFactory(campaign=campaign),
                created_opportunity=OpportunityFactory(campaign=campaign),
            )

    add(2)
    client.force_login(clerk)
    url = reverse("marketing:campaign_detail", args=[campaign.pk])
    client.get(url)  # Django's content type cache (the history) warms up on the first page
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200

    # when
    add(13)
    with django_assert_max_num_queries(30) as many:
        response = client.get(url)

    # then
    assert len(response.context["page_obj"]) == 25
    assert len(many) == len(few)


# --- transitions ---------------------------------------------------------------------------------------------------


def test_activate_complete_and_cancel_from_the_page(client, clerk):
    # given
    campaign = make_campaign(clerk)
    CampaignTargetFactory(campaign=campaign)
    other = make_campaign(clerk)
    client.force_login(clerk)

    # when
    activated = client.post(reverse("marketing:campaign_activate", args=[campaign.pk]), follow=True)
    completed = client.post(reverse("marketing:campaign_complete", args=[campaign.pk]), follow=True)
    canceled = client.post(reverse("marketing:campaign_cancel", args=[other.pk]), {"reason": "Budget cut"}, follow=True)

    # then
    assert messages_of(activated) == [f"Campaign {campaign.number} is active."]
    assert messages_of(completed) == [f"Campaign {campaign.number} completed."]
    assert messages_of(canceled) == [f"Campaign {other.number} canceled."]
    campaign.refresh_from_db()
    other.refresh_from_db()
    assert (campaign.state, other.state, other.cancel_reason) == ("completed", "canceled", "Budget cut")


def test_a_refused_transition_is_a_message_and_changes_nothing(client, clerk):
    # given
    campaign = make_campaign(clerk)
    client.force_login(clerk)

    # when
    response = client.post(reverse("marketing:campaign_activate", args=[campaign.pk]), follow=True)

    # then
    assert messages_of(response) == [f"Campaign {campaign.number} has no targets: add targets before activating it."]
    campaign.refresh_from_db()
    assert campaign.state == "planned"


def test_transitions_are_post_only_and_need_the_change_permission(client, clerk, billing):
    # given
    campaign = make_campaign(clerk)
    CampaignTargetFactory(campaign=campaign)
    url = reverse("marketing:campaign_activate", args=[campaign.pk])

    # when
    client.force_login(clerk)
    by_get = client.get(url)
    client.force_login(billing)
    by_billing = client.post(url)

    # then
    assert (by_get.status_code, by_billing.status_code) == (405, 403)
    campaign.refresh_from_db()
    assert campaign.state == "planned"


# --- targets -------------------------------------------------------------------------------------------------------


def test_add_targets_with_filters_and_save_them_as_a_segment(client, clerk):
    # given
    PartyFactory(name="Lindqvist AB", country="SE")
    PartyFactory(name="Van Dijk BV", country="NL")
    campaign = make_campaign(clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:campaign_targets_add", args=[campaign.pk]),
        {"roles": ["prospect"], "country": "se", "save_as": "Swedish prospects"},
        follow=True,
    )

    # then
    assert messages_of(response) == ["Segment 'Swedish prospects' saved.", "1 target added."]
    assert list(campaign.targets.values_list("name", flat=True)) == ["Lindqvist AB"]
    assert Segment.objects.get().filters == {"roles": ["prospect"], "country": "SE"}


def test_add_targets_from_a_saved_segment_reports_those_skipped(client, clerk):
    # given
    segment = SegmentFactory(filters={"roles": ["prospect"]})
    first = PartyFactory(name="First")
    PartyFactory(name="Second")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[first])
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:campaign_targets_add", args=[campaign.pk]), {"segment": segment.pk}, follow=True
    )

    # then
    assert messages_of(response) == ["1 target added. 1 was a target already and was skipped."]


def test_a_refused_add_saves_no_segment_either(client, clerk):
    # given
    campaign = make_campaign(clerk)
    client.force_login(clerk)

    # when: the filters are fine for the form but not for the service
    response = client.post(
        reverse("marketing:campaign_targets_add", args=[campaign.pk]),
        {
            "roles": ["prospect"],
            "last_activity_after": "2025-06-01",
            "last_activity_before": "2025-01-01",
            "save_as": "X",
        },
        follow=True,
    )

    # then
    assert messages_of(response) == [
        "filters.last_activity_before: Nothing can be both before 2025-01-01 and after 2025-06-01: swap the dates."
    ]
    assert (Segment.objects.count(), campaign.targets.count()) == (0, 0)


def test_targets_preview_counts_whom_the_filters_select(client, clerk):
    # given
    PartyFactory(name="Anker", city="Schiedam")
    PartyFactory(name="Bakker", city="Schiedam")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, filters={"search": "Anker"})
    client.force_login(clerk)

    # when
    response = client.get(
        reverse("marketing:campaign_targets_preview", args=[campaign.pk]), {"city": "Schiedam"}, HTTP_HX_REQUEST="true"
    )

    # then
    assert (response.context["count"], response.context["already"], response.context["names"]) == (
        2,
        1,
        ["Anker", "Bakker"],
    )
    assert "<strong>2 selected</strong> · 1 already a target" in response.content.decode()


def test_targets_preview_does_not_mistake_a_lead_for_a_party_with_the_same_id(client, clerk):
    # given: party 9001 is a target; lead 9001 (another record, no party) is not
    party = PartyFactory(pk=9001, name="Anker", city="Delft")
    LeadFactory(pk=9001, company_name="Bakker", city="Delft")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])
    client.force_login(clerk)

    # when
    response = client.get(
        reverse("marketing:campaign_targets_preview", args=[campaign.pk]),
        {"roles": ["lead"], "city": "Delft"},
        HTTP_HX_REQUEST="true",
    )

    # then
    assert (response.context["count"], response.context["already"]) == (1, 0)
    added = campaign_targets_add(campaign=campaign, by=clerk, filters={"roles": ["lead"], "city": "Delft"})
    assert (added.added, added.skipped) == (1, 0)


# --- per type ------------------------------------------------------------------------------------------------------


def test_assign_calls_and_open_my_call_list(client, clerk, manager):
    # given
    parties = [PartyFactory(name=name, phone="+31 20 555 0100") for name in ("Alpha", "Bravo", "Charlie")]
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=parties)
    client.force_login(clerk)

    # when
    assigned = client.post(
        reverse("marketing:campaign_calls_assign", args=[campaign.pk]), {"users": [clerk.pk, manager.pk]}, follow=True
    )
    mine = client.get(reverse("marketing:campaign_call_list", args=[campaign.pk]))
    theirs = client.get(reverse("marketing:campaign_call_list", args=[campaign.pk]), {"assigned_to": manager.pk})

    # then
    assert messages_of(assigned) == ["Call lists updated.", "3 targets assigned to 2 callers."]
    assert [t.name for t in mine.context["page_obj"]] == ["Alpha", "Charlie"]
    assert [t.name for t in theirs.context["page_obj"]] == ["Bravo"]
    assert sorted(pk for pk, _name in mine.context["callers"]) == sorted([clerk.pk, manager.pk])
    assert 'href="tel:+31205550100"' in mine.content.decode()


def test_call_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    campaign = CampaignFactory()

    def add(count):
        for _ in range(count):
            CampaignTargetFactory(campaign=campaign, assigned_to=clerk)

    add(3)
    client.force_login(clerk)
    url = reverse("marketing:campaign_call_list", args=[campaign.pk])
    with django_assert_max_num_queries(10) as few:
        client.get(url)

    # when
    add(27)
    with django_assert_max_num_queries(10) as many:
        response = client.get(url)

    # then
    assert len(response.context["page_obj"]) == 25
    assert len(many) == len(few)


def test_mark_a_mailing_as_mailed(client, clerk):
    # given
    campaign = active_campaign(clerk, CampaignType.MAILING)
    client.force_login(clerk)

    # when
    response = client.post(reverse("marketing:campaign_mark_mailed", args=[campaign.pk]), follow=True)

    # then
    assert messages_of(response) == [
        f"Mailing of campaign {campaign.number} marked as sent.",
        "1 target is now contacted.",
    ]
    assert campaign.targets.get().status == "contacted"


def test_send_the_email_from_the_page_after_a_preview(client, clerk):
    # given
    party = PartyFactory(name="Anker Koffie", email="info@anker.nl")
    campaign = active_campaign(
        clerk,
        CampaignType.EMAIL,
        parties=[party],
        email_subject="Offer for {{ target.name }}",
        email_body="Hello {{ target.name }}",
    )
    client.force_login(clerk)
    page = client.get(reverse("marketing:campaign_detail", args=[campaign.pk]))
    assert page.context["preview"]["email"].subject == "Offer for Anker Koffie"
    assert "Preview for Anker Koffie &lt;info@anker.nl&gt;" in page.content.decode()

    # when
    response = client.post(reverse("marketing:campaign_email_send", args=[campaign.pk]), follow=True)

    # then: queued, the page follows it with a progress bar that asks for itself again
    assert messages_of(response) == ["1 email is being sent."]
    progress = response.content.decode()
    assert "0 sent · 0 failed · 1 remaining" in progress
    assert f'hx-get="{reverse("marketing:campaign_email_progress", args=[campaign.pk])}"' in progress

    # when: the job has run
    jobs_run_due()

    # then
    assert [message.subject for message in mail.outbox] == ["Offer for Anker Koffie"]


def test_the_progress_bar_refreshes_itself_until_the_email_is_out(client, clerk, django_assert_max_num_queries):
    # given: three targets queued, one sent, one refused by the server
    campaign = active_campaign(
        clerk,
        CampaignType.EMAIL,
        parties=[PartyFactory(email=f"p{n}@example.com") for n in range(3)],
        email_subject="Offer",
        email_body="Hello",
    )
    campaign_mail.campaign_email_send(campaign=campaign, by=clerk)
    sent, refused, _waiting = campaign.targets.order_by("pk")
    now = timezone.now()
    CampaignTarget.objects.filter(pk=sent.pk).update(email_sent_at=now)
    CampaignTarget.objects.filter(pk=refused.pk).update(email_failed_at=now, email_error="550 No such user")
    client.force_login(clerk)
    url = reverse("marketing:campaign_email_progress", args=[campaign.pk])

    # when: the page's htmx asks for the bar
    with django_assert_max_num_queries(6):
        sending = client.get(url, headers={"HX-Request": "true"})
    jobs_run_due()
    done = client.get(url, headers={"HX-Request": "true"})

    # then: while sending it asks again in 2 s; when all is out, it stops asking
    assert sending.status_code == 200
    html = sending.content.decode()
    assert "<html" not in html
    assert "1 sent · 1 failed · 1 remaining" in html
    assert f'hx-get="{url}" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert 'data-width="33"' in html  # static/js/page.js sets the width (no inline style under the CSP)
    final = done.content.decode()
    assert "2 sent · 1 failed · 0 remaining" in final
    assert "hx-get" not in final


def test_an_email_text_that_cannot_render_is_shown_instead_of_a_preview(client, clerk):
    # given
    campaign = active_campaign(clerk, CampaignType.EMAIL, parties=[PartyFactory(email="a@b.nl")])
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_detail", args=[campaign.pk]))

    # then
    assert response.context["preview"]["error"] == (
        "email_subject: Write the subject of the email first.; email_body: Write the text of the email first."
    )


def test_campaign_pages_need_a_signed_in_user(client, db):
    # given
    campaign = CampaignFactory()

    # when
    response = client.get(reverse("marketing:campaign_detail", args=[campaign.pk]))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_campaign_is_404(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("marketing:campaign_detail", args=[999999])).status_code == 404


def test_campaign_form_dates_round_trip(client, clerk):
    # given
    campaign = make_campaign(clerk, start_date=datetime.date(2025, 3, 1))
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_update", args=[campaign.pk]))

    # then
    assert 'value="2025-03-01"' in response.content.decode()
