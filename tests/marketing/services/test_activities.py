import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.errors import TransitionRefused, ValidationFailed
from marketing.models import Activity
from marketing.services.activities import (
    activity_complete,
    activity_create,
    activity_delete,
    activity_refusal_reason,
    activity_reopen,
    activity_update,
)
from tests.factories.marketing import (
    ActivityFactory,
    CampaignFactory,
    CampaignTargetFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
)
from tests.factories.salesapp import make_order

DUE = datetime.datetime(2031, 3, 4, 9, 30, tzinfo=datetime.UTC)


def snapshot(activity: Activity) -> tuple:
    activity.refresh_from_db()
    return (activity.subject, activity.activity_type, activity.done, activity.done_at, activity.outcome, activity.notes)


# activity_create


def test_create_plans_an_activity_owned_by_its_creator(clerk):
    # given
    party = PartyFactory(name="Acme BV")

    # when
    activity = activity_create(
        by=clerk,
        activity_type="meeting",
        subject="  Demo of the new range ",
        due_at=DUE,
        notes="Bring samples",
        party=party,
    )

    # then
    activity.refresh_from_db()
    assert (activity.activity_type, activity.subject, activity.due_at, activity.notes) == (
        "meeting",
        "Demo of the new range",
        DUE,
        "Bring samples",
    )
    assert (activity.owner, activity.created_by, activity.party) == (clerk, clerk, party)
    assert (activity.done, activity.done_at, activity.outcome, activity.lead, activity.document) == (
        False,
        None,
        "",
        None,
        None,
    )


def test_create_for_someone_else(clerk, manager):
    activity = activity_create(
        by=manager, activity_type="task", subject="Send price list", party=PartyFactory(), owner=clerk
    )
    assert (activity.owner, activity.created_by) == (clerk, manager)


def test_create_takes_the_party_from_the_opportunity(clerk):
    # given
    opportunity = OpportunityFactory()

    # when
    activity = activity_create(by=clerk, activity_type="call", subject="Discuss offer", opportunity=opportunity)

    # then
    assert (activity.party, activity.opportunity, activity.lead) == (opportunity.party, opportunity, None)


def test_create_takes_the_party_of_a_converted_lead_or_stays_on_the_lead(clerk):
    # given
    party = PartyFactory()
    converted = LeadFactory(party=party)
    fresh = LeadFactory()

    # when
    on_party = activity_create(by=clerk, activity_type="email", subject="Welcome", lead=converted)
    on_lead = activity_create(by=clerk, activity_type="call", subject="First call", lead=fresh)

    # then
    assert (on_party.party, on_party.lead) == (party, converted)
    assert (on_lead.party, on_lead.lead) == (None, fresh)


def test_create_from_a_campaign_target_takes_its_campaign_and_party(clerk):
    # given
    target = CampaignTargetFactory()

    # when
    activity = activity_create(by=clerk, activity_type="call", subject="Campaign call", campaign_target=target)

    # then
    assert (activity.campaign, activity.party, activity.campaign_target) == (target.campaign, target.party, target)


def test_create_from_a_lead_target_links_the_lead(clerk):
    # given
    lead = LeadFactory()
    target = CampaignTargetFactory(party=None, lead=lead, name="Lead target")

    # when
    activity = activity_create(by=clerk, activity_type="call", subject="Campaign call", campaign_target=target)

    # then
    assert (activity.party, activity.lead, activity.campaign) == (None, lead, target.campaign)


def test_done_call_is_stamped_and_keeps_its_outcome(clerk):
    # given
    before = timezone.now()

    # when
    activity = activity_create(
        by=clerk, activity_type="call", subject="Called back", party=PartyFactory(), done=True, outcome="reached"
    )

    # then: done now, and dated now (it happened; it is no undated to-do)
    assert activity.done is True and activity.outcome == "reached"
    assert before <= activity.done_at <= timezone.now()
    assert activity.due_at == activity.done_at
    # never done before it was recorded, as stored too
    stored = Activity.objects.get(pk=activity.pk)
    assert stored.done_at == stored.due_at == stored.created_at


def test_done_activity_keeps_the_date_it_was_given(clerk):
    # when
    activity = activity_create(
        by=clerk, activity_type="meeting", subject="Visit", party=PartyFactory(), due_at=DUE, done=True
    )

    # then
    assert (activity.due_at, activity.done) == (DUE, True)


def test_create_links_a_sales_document(clerk):
    # given
    order = make_order(by=clerk)

    # when
    activity = activity_create(
        by=clerk, activity_type="email", subject="Order confirmation sent", party=order.customer.party, document=order
    )

    # then
    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.document_type, activity.document_id) == (ContentType.objects.get_for_model(order), order.pk)
    assert activity.document == order


def test_create_names_every_bad_field_and_saves_nothing(clerk):
    with pytest.raises(ValidationFailed) as refused:
        activity_create(by=clerk, activity_type="visit", subject="  ", outcome="reached")
    assert refused.value.field_errors == {
        "activity_type": "Unknown activity type 'visit'; use call, meeting, task or email.",
        "subject": "An activity needs a subject.",
        "outcome": "Only a call has an outcome.",
        "party": "Link the activity to a party or a lead.",
    }
    assert not Activity.objects.exists()


def test_create_needs_a_party_or_a_lead(clerk):
    with pytest.raises(ValidationFailed) as refused:
        activity_create(by=clerk, activity_type="task", subject="Orphan", campaign=CampaignFactory())
    assert refused.value.field_errors == {"party": "Link the activity to a party or a lead."}
    assert not Activity.objects.exists()


def test_only_a_call_has_an_outcome(clerk):
    with pytest.raises(ValidationFailed) as refused:
        activity_create(by=clerk, activity_type="meeting", subject="Visit", party=PartyFactory(), outcome="reached")
    assert refused.value.field_errors == {"outcome": "Only a call has an outcome."}
    with pytest.raises(ValidationFailed) as refused:
        activity_create(by=clerk, activity_type="call", subject="Ring", party=PartyFactory(), outcome="maybe")
    assert refused.value.field_errors == {"outcome": "Unknown call outcome 'maybe'."}
    assert not Activity.objects.exists()


def test_create_refuses_links_to_different_parties(clerk):
    # given
    opportunity = OpportunityFactory()
    other = PartyFactory()
    lead = LeadFactory(party=PartyFactory())

    # when / then
    with pytest.raises(ValidationFailed) as refused:
        activity_create(
            by=clerk, activity_type="call", subject="Mixed", party=other, opportunity=opportunity, lead=lead
        )
    assert refused.value.field_errors == {
        "opportunity": f"Opportunity {opportunity.number} belongs to another party.",
        "lead": f"Lead {lead.number} belongs to another party.",
    }
    assert not Activity.objects.exists()


def test_create_refuses_a_target_of_another_campaign(clerk):
    target = CampaignTargetFactory()
    with pytest.raises(ValidationFailed) as refused:
        activity_create(
            by=clerk, activity_type="call", subject="Call", campaign=CampaignFactory(), campaign_target=target
        )
    assert refused.value.field_errors == {"campaign_target": "This target belongs to another campaign."}
    assert not Activity.objects.exists()


def test_create_refuses_an_inactive_owner_and_an_unsaved_document(clerk, manager):
    # given
    manager.is_active = False
    manager.save()

    # when / then
    with pytest.raises(ValidationFailed) as refused:
        activity_create(by=clerk, activity_type="task", subject="Hand over", party=PartyFactory(), owner=manager)
    assert refused.value.field_errors == {"owner": "sales_manager is no longer active: choose another owner."}
    with pytest.raises(ValidationFailed) as refused:
        activity_create(
            by=clerk, activity_type="task", subject="Hand over", party=PartyFactory(), document=PartyFactory.build()
        )
    assert refused.value.field_errors == {"document": "Link a saved document."}
    assert not Activity.objects.exists()


# activity_update


def test_update_changes_what_was_planned(clerk, manager):
    # given
    activity = ActivityFactory(owner=clerk, subject="Call Acme", activity_type="call")

    # when
    updated = activity_update(
        activity=activity,
        by=clerk,
        subject=" Visit Acme ",
        activity_type="meeting",
        due_at=DUE,
        owner=manager,
        notes="At 10",
    )

    # then
    updated.refresh_from_db()
    assert (updated.subject, updated.activity_type, updated.due_at, updated.owner, updated.notes) == (
        "Visit Acme",
        "meeting",
        DUE,
        manager,
        "At 10",
    )


def test_update_refuses_a_done_activity_and_changes_nothing(clerk):
    # given
    activity = ActivityFactory(owner=clerk, subject="Call Acme", done=True, done_at=timezone.now())
    before = snapshot(activity)

    # when
    with pytest.raises(TransitionRefused) as refused:
        activity_update(activity=activity, by=clerk, subject="Changed")

    # then
    assert refused.value.reason == "'Call Acme' is done: reopen it first to change it."
    assert snapshot(activity) == before


def test_update_refuses_bad_values_and_fields_it_does_not_change(clerk):
    # given
    activity = ActivityFactory(owner=clerk, subject="Call Acme")
    before = snapshot(activity)

    # when / then
    with pytest.raises(ValidationFailed) as refused:
        activity_update(activity=activity, by=clerk, subject="", activity_type="fax")
    assert refused.value.field_errors == {
        "activity_type": "Unknown activity type 'fax'; use call, meeting, task or email.",
        "subject": "An activity needs a subject.",
    }
    with pytest.raises(ValidationFailed) as refused:
        activity_update(activity=activity, by=clerk, party=PartyFactory(), done=True)
    assert refused.value.field_errors == {
        "done": "This field cannot be changed.",
        "party": "This field cannot be changed.",
    }
    assert snapshot(activity) == before


# activity_complete


def test_complete_marks_done_with_outcome_and_adds_notes(clerk):
    # given
    activity = ActivityFactory(owner=clerk, activity_type="call", subject="Call Acme", notes="Ask for Jan")

    # when
    done, follow_up = activity_complete(activity=activity, by=clerk, outcome="reached", notes=" Wants a quote ")

    # then
    done.refresh_from_db()
    assert (done.done, done.outcome, done.notes, follow_up) == (True, "reached", "Ask for Jan\n\nWants a quote", None)
    assert done.done_at is not None
    assert Activity.objects.count() == 1


def test_complete_schedules_the_next_follow_up_on_the_same_records(clerk, manager):
    # given
    order = make_order(by=clerk)
    opportunity = OpportunityFactory(party=order.customer.party)
    campaign = CampaignFactory()
    activity = activity_create(
        by=clerk,
        activity_type="call",
        subject="Call about the offer",
        opportunity=opportunity,
        campaign=campaign,
        document=order,
    )

    # when
    done, follow_up = activity_complete(
        activity=activity,
        by=manager,
        outcome="call_back",
        next_activity={"activity_type": "meeting", "subject": "Meet the buyer", "due_at": DUE},
    )

    # then
    follow_up.refresh_from_db()
    assert done.done is True
    assert (follow_up.activity_type, follow_up.subject, follow_up.due_at, follow_up.owner, follow_up.created_by) == (
        "meeting",
        "Meet the buyer",
        DUE,
        clerk,
        manager,
    )
    assert (follow_up.follow_up_of, follow_up.party, follow_up.opportunity, follow_up.campaign, follow_up.document) == (
        done,
        order.customer.party,
        opportunity,
        campaign,
        order,
    )
    assert (follow_up.done, follow_up.outcome) == (False, "")


def test_complete_with_a_bad_follow_up_changes_nothing(clerk):
    # given
    activity = ActivityFactory(owner=clerk, activity_type="task", subject="Send brochure")
    before = snapshot(activity)

    # when
    with pytest.raises(ValidationFailed) as refused:
        activity_complete(activity=activity, by=clerk, next_activity={"subject": " ", "activity_type": "fax"})

    # then: neither done nor a follow-up
    assert refused.value.field_errors == {
        "next.activity_type": "Unknown activity type 'fax'; use call, meeting, task or email.",
        "next.subject": "An activity needs a subject.",
    }
    assert snapshot(activity) == before
    assert Activity.objects.count() == 1


def test_complete_refuses_an_outcome_on_a_task_and_a_done_activity(clerk):
    # given
    task = ActivityFactory(owner=clerk, activity_type="task", subject="Send brochure")
    done = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())
    before = (snapshot(task), snapshot(done))

    # when / then
    with pytest.raises(ValidationFailed) as refused:
        activity_complete(activity=task, by=clerk, outcome="reached")
    assert refused.value.field_errors == {"outcome": "Only a call has an outcome."}
    with pytest.raises(TransitionRefused) as refused:
        activity_complete(activity=done, by=clerk, next_activity={"subject": "Again"})
    assert (refused.value.code, refused.value.reason) == ("activity-done", "'Old call' is done already.")
    assert (snapshot(task), snapshot(done)) == before
    assert Activity.objects.count() == 2


# activity_reopen


def test_reopen_makes_a_done_activity_open_again(clerk):
    # given
    activity = ActivityFactory(owner=clerk, done=True, done_at=timezone.now(), outcome="reached")

    # when
    reopened = activity_reopen(activity=activity, by=clerk)

    # then
    reopened.refresh_from_db()
    assert (reopened.done, reopened.done_at, reopened.outcome) == (False, None, "")


def test_reopen_refuses_an_open_activity(clerk):
    activity = ActivityFactory(owner=clerk, subject="Call Acme")
    before = snapshot(activity)
    with pytest.raises(TransitionRefused) as refused:
        activity_reopen(activity=activity, by=clerk)
    assert (refused.value.code, refused.value.reason) == ("activity-open", "'Call Acme' is still open.")
    assert snapshot(activity) == before


# activity_delete


def test_delete_removes_an_open_activity(clerk):
    activity = ActivityFactory(owner=clerk)
    activity_delete(activity=activity, by=clerk)
    assert not Activity.objects.exists()


def test_delete_refuses_a_done_activity(clerk):
    activity = ActivityFactory(owner=clerk, subject="Call Acme", done=True, done_at=timezone.now())
    with pytest.raises(TransitionRefused) as refused:
        activity_delete(activity=activity, by=clerk)
    assert refused.value.reason == "'Call Acme' is done and part of the history: it cannot be deleted."
    assert Activity.objects.filter(pk=activity.pk, done=True).exists()


def test_refusal_reasons_explain_each_action(clerk):
    # given
    open_one = ActivityFactory(owner=clerk, subject="Open call")
    done_one = ActivityFactory(owner=clerk, subject="Done call", done=True, done_at=timezone.now())

    # when
    reasons = {
        (activity.subject, action): activity_refusal_reason(activity, action)
        for activity in (open_one, done_one)
        for action in ("update", "complete", "reopen", "delete")
    }

    # then
    assert reasons == {
        ("Open call", "update"): None,
        ("Open call", "complete"): None,
        ("Open call", "reopen"): "'Open call' is still open.",
        ("Open call", "delete"): None,
        ("Done call", "update"): "'Done call' is done: reopen it first to change it.",
        ("Done call", "complete"): "'Done call' is done already.",
        ("Done call", "reopen"): None,
        ("Done call", "delete"): "'Done call' is done and part of the history: it cannot be deleted.",
    }
