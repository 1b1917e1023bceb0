import datetime
from decimal import Decimal

import pytest
from django_fsm_log.models import StateLog

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.models import NumberSeries
from marketing.choices import CampaignState, CampaignType
from marketing.models import Campaign
from marketing.services.campaigns import (
    campaign_activate,
    campaign_cancel,
    campaign_complete,
    campaign_create,
    campaign_update,
)
from tests.factories.marketing import CampaignTargetFactory

D = Decimal


def make_campaign(by, **overrides) -> Campaign:
    values = {"name": "Spring office chairs", "campaign_type": CampaignType.TELEMARKETING}
    return campaign_create(by=by, **{**values, **overrides})


def with_target(campaign: Campaign) -> Campaign:
    CampaignTargetFactory(campaign=campaign)
    return campaign


def state_of(campaign: Campaign) -> str:
    return Campaign.objects.values_list("state", flat=True).get(pk=campaign.pk)


# campaign_create


def test_campaign_create_numbers_the_campaign_and_keeps_its_plan(clerk):
    # when
    campaign = campaign_create(
        by=clerk,
        name="  Back to the office ",
        campaign_type=CampaignType.EMAIL,
        owner=clerk,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2025, 9, 30),
        budget="1250.5",
        description="Chairs and desks for returning teams",
        email_subject="Hello {{ target.name }}",
        email_body="Dear {{ target.contact_name }},\n\nOur autumn offer.",
    )

    # then
    campaign.refresh_from_db()
    assert campaign.number == "CM-00001"
    assert (campaign.name, campaign.campaign_type, campaign.state, campaign.owner, campaign.created_by) == (
        "Back to the office",
        "email",
        "planned",
        clerk,
        clerk,
    )
    assert (campaign.start_date, campaign.end_date, campaign.budget) == (
        datetime.date(2025, 9, 1),
        datetime.date(2025, 9, 30),
        D("1250.50"),
    )
    assert campaign.email_subject == "Hello {{ target.name }}"


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"name": "  "}, {"name": "A campaign needs a name."}),
        (
            {"campaign_type": "fax"},
            {"campaign_type": "Unknown campaign type 'fax'; use telemarketing, mailing or email."},
        ),
        (
            {"start_date": datetime.date(2025, 5, 10), "end_date": datetime.date(2025, 5, 9)},
            {"end_date": "The campaign cannot end before it starts (2025-05-10)."},
        ),
        ({"budget": D("-1")}, {"budget": "The budget cannot be negative."}),
        ({"budget": "lots"}, {"budget": "'lots' is not an amount."}),
        (
            {"email_body": "Dear {{ target.name|shout }}"},
            {"email_body": "The text cannot be read as a template: Invalid filter: 'shout'"},
        ),
    ],
)
def test_campaign_create_refuses_bad_input_by_field_and_saves_nothing(clerk, overrides, errors):
    # given
    next_number = NumberSeries.objects.get(code="campaign").next_value

    # when
    with pytest.raises(ValidationFailed) as refused:
        make_campaign(clerk, **overrides)

    # then
    assert refused.value.field_errors == errors
    assert Campaign.objects.count() == 0
    assert NumberSeries.objects.get(code="campaign").next_value == next_number


def test_campaign_create_template_error_names_the_problem(clerk):
    # when
    with pytest.raises(ValidationFailed) as refused:
        make_campaign(clerk, email_subject="Hi {% if %}")

    # then
    assert refused.value.field_errors["email_subject"].startswith("The text cannot be read as a template:")


# campaign_update


def test_campaign_update_changes_a_planned_campaign(clerk, manager):
    # given
    campaign = make_campaign(clerk)

    # when
    updated = campaign_update(
        campaign=campaign,
        by=clerk,
        name="Spring chairs, second wave",
        campaign_type=CampaignType.MAILING,
        owner=manager,
        budget=D("800"),
    )

    # then
    updated.refresh_from_db()
    assert (updated.name, updated.campaign_type, updated.owner, updated.budget) == (
        "Spring chairs, second wave",
        "mailing",
        manager,
        D("800.00"),
    )


def test_campaign_update_keeps_the_type_of_a_running_campaign(clerk):
    # given
    campaign = campaign_activate(campaign=with_target(make_campaign(clerk)), by=clerk)

    # when
    with pytest.raises(ValidationFailed) as refused:
        campaign_update(campaign=campaign, by=clerk, campaign_type=CampaignType.EMAIL, name="Other")

    # then
    assert refused.value.field_errors == {
        "campaign_type": f"Campaign {campaign.number} is already running: its type can no longer change."
    }
    campaign.refresh_from_db()
    assert (campaign.campaign_type, campaign.name) == ("telemarketing", "Spring office chairs")


def test_campaign_update_of_a_completed_campaign_is_refused(clerk):
    # given
    campaign = campaign_complete(
        campaign=campaign_activate(campaign=with_target(make_campaign(clerk)), by=clerk), by=clerk
    )

    # when
    with pytest.raises(TransitionRefused) as refused:
        campaign_update(campaign=campaign, by=clerk, name="Renamed")

    # then
    assert refused.value.reason == f"Campaign {campaign.number} is Completed: it can no longer change."
    campaign.refresh_from_db()
    assert campaign.name == "Spring office chairs"


def test_campaign_update_refuses_unknown_fields(clerk):
    # given
    campaign = make_campaign(clerk)

    # when
    with pytest.raises(ValidationFailed) as refused:
        campaign_update(campaign=campaign, by=clerk, state="active")

    # then
    assert refused.value.field_errors == {"state": "Unknown field."}
    assert state_of(campaign) == "planned"


# campaign_activate / complete / cancel


def test_campaign_activate_needs_targets(clerk):
    # given
    campaign = make_campaign(clerk)

    # when
    with pytest.raises(TransitionRefused) as refused:
        campaign_activate(campaign=campaign, by=clerk)

    # then
    assert refused.value.code == "campaign-not-activatable"
    assert refused.value.reason == f"Campaign {campaign.number} has no targets: add targets before activating it."
    assert state_of(campaign) == "planned"
    assert not StateLog.objects.filter(object_id=campaign.pk).exists()


def test_campaign_activate_then_complete_records_each_step(clerk):
    # given
    campaign = with_target(make_campaign(clerk))

    # when
    activated = campaign_activate(campaign=campaign, by=clerk)
    completed = campaign_complete(campaign=activated, by=clerk)

    # then
    completed.refresh_from_db()
    assert completed.state == CampaignState.COMPLETED
    assert completed.activated_at is not None and completed.completed_at is not None
    log = StateLog.objects.filter(object_id=campaign.pk, content_type__model="campaign").order_by("pk")
    assert [(entry.transition, entry.source_state, entry.state, entry.by) for entry in log] == [
        ("activate", "planned", "active", clerk),
        ("complete", "active", "completed", clerk),
    ]


def test_campaign_complete_of_a_planned_campaign_is_refused(clerk):
    # given
    campaign = with_target(make_campaign(clerk))

    # when
    with pytest.raises(TransitionRefused) as refused:
        campaign_complete(campaign=campaign, by=clerk)

    # then
    assert refused.value.reason == f"Campaign {campaign.number} is Planned: only active campaigns can be completed."
    assert state_of(campaign) == "planned"


def test_campaign_cancel_records_the_reason(clerk):
    # given
    campaign = campaign_activate(campaign=with_target(make_campaign(clerk)), by=clerk)

    # when
    canceled = campaign_cancel(campaign=campaign, by=clerk, reason="  Supplier cannot deliver the chairs ")

    # then
    canceled.refresh_from_db()
    assert (canceled.state, canceled.cancel_reason) == ("canceled", "Supplier cannot deliver the chairs")
    assert canceled.canceled_at is not None
    log = StateLog.objects.get(object_id=campaign.pk, content_type__model="campaign", transition="cancel")
    assert (log.description, log.by) == ("Supplier cannot deliver the chairs", clerk)


def test_campaign_cancel_needs_a_reason(clerk):
    # given
    campaign = make_campaign(clerk)

    # when
    with pytest.raises(ValidationFailed) as refused:
        campaign_cancel(campaign=campaign, by=clerk, reason=" ")

    # then
    assert refused.value.field_errors == {"reason": "Say why the campaign is canceled."}
    assert state_of(campaign) == "planned"


def test_campaign_cancel_of_a_completed_campaign_is_refused(clerk):
    # given
    campaign = campaign_complete(
        campaign=campaign_activate(campaign=with_target(make_campaign(clerk)), by=clerk), by=clerk
    )

    # when
    with pytest.raises(TransitionRefused) as refused:
        campaign_cancel(campaign=campaign, by=clerk, reason="Too late")

    # then
    assert refused.value.reason == f"Campaign {campaign.number} is Completed: it can no longer be canceled."
    campaign.refresh_from_db()
    assert (campaign.state, campaign.cancel_reason) == ("completed", "")


def test_campaign_transitions_need_the_change_permission(clerk, billing):
    # given: billing clerks may look at campaigns but not run them
    campaign = with_target(make_campaign(clerk))

    # when
    with pytest.raises(ActionForbidden):
        campaign_activate(campaign=campaign, by=billing)

    # then
    assert state_of(campaign) == "planned"
