import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from core.actors import system_actor
from core.errors import TransitionRefused, ValidationFailed
from marketing.choices import (
    ActivityType,
    CampaignType,
    LeadSource,
    LeadState,
    OpportunityState,
    PartyKind,
    TargetStatus,
)
from marketing.models import Activity, CampaignTarget, Lead, Opportunity, Party, Segment, Unsubscription
from marketing.services.campaign_targets import (
    campaign_calls_assign,
    campaign_mark_mailed,
    campaign_target_remove,
    campaign_targets_add,
    target_call_log,
    target_respond,
    target_unsubscribe,
)
from marketing.services.campaigns import campaign_activate, campaign_complete, campaign_create
from tests.factories.marketing import (
    CampaignTargetFactory,
    ContactFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
    SegmentFactory,
)
from tests.factories.salesapp import make_customer
from tests.factories.users import user_with_role

D = Decimal


def make_campaign(by, campaign_type=CampaignType.TELEMARKETING, **overrides):
    return campaign_create(by=by, name="Autumn chairs", campaign_type=campaign_type, **overrides)


def active_campaign(by, campaign_type=CampaignType.TELEMARKETING, *, targets=(), **overrides):
    """An active campaign whose targets are the given parties (one anonymous party when none)."""
    campaign = make_campaign(by, campaign_type, **overrides)
    campaign_targets_add(campaign=campaign, by=by, parties=list(targets) or [PartyFactory(name="First target")])
    return campaign_activate(campaign=campaign, by=by)


def target_of(campaign, party) -> CampaignTarget:
    return CampaignTarget.objects.get(campaign=campaign, party=party)


def snapshot(target: CampaignTarget) -> tuple:
    return (
        target.source,
        target.name,
        target.contact_name,
        target.email,
        target.phone,
        target.street,
        target.postcode,
        target.city,
        target.country,
        target.language,
        target.status,
    )


# campaign_targets_add


def test_add_from_filters_keeps_who_was_selected_as_what_and_their_contact_data(clerk):
    # given
    prospect = PartyFactory(
        name="Anker Koffie", email="info@anker.nl", phone="+31 10 473 1299", street="Lange Haven 5", postcode="3111 CA"
    )
    ContactFactory(party=prospect, name="Joost Anker", email="joost@anker.nl", phone="+31 6 1234 5678", is_primary=True)
    customer = make_customer(party=PartyFactory(name="Bakker Logistiek", email="inkoop@bakker.nl")).party
    lead = LeadFactory(company_name="Berg Interiör AB", contact_name="Erik Berg", email="erik@berg.se", country="SE")
    opportunity = OpportunityFactory(party=PartyFactory(name="Dekker ICT", email="support@dekker.nl"))
    campaign = make_campaign(clerk)

    # when
    result = campaign_targets_add(campaign=campaign, by=clerk, filters={})

    # then
    assert (result.added, result.skipped, result.excluded) == (4, 0, 0)
    assert snapshot(target_of(campaign, prospect)) == (
        "prospect",
        "Anker Koffie",
        "Joost Anker",
        "joost@anker.nl",
        "+31 6 1234 5678",
        "Lange Haven 5",
        "3111 CA",
        "Amsterdam",
        "NL",
        "en",
        "pending",
    )
    assert target_of(campaign, customer).source == "customer"
    lead_target = CampaignTarget.objects.get(campaign=campaign, lead=lead)
    assert (lead_target.party, lead_target.source, lead_target.name, lead_target.contact_name, lead_target.email) == (
        None,
        "lead",
        "Berg Interiör AB",
        "Erik Berg",
        "erik@berg.se",
    )
    deal_target = target_of(campaign, opportunity.party)
    assert (deal_target.source, deal_target.opportunity, deal_target.email) == (
        "opportunity",
        opportunity,
        "support@dekker.nl",
    )


def test_add_from_a_saved_segment_applies_its_filters_today(clerk):
    # given
    segment = SegmentFactory(filters={"roles": ["prospect"], "country": "SE"})
    PartyFactory(name="Lindqvist AB", country="SE")
    PartyFactory(name="Van Dijk BV", country="NL")
    campaign = make_campaign(clerk)

    # when
    result = campaign_targets_add(campaign=campaign, by=clerk, segment=segment)

    # then
    assert (result.added, result.skipped) == (1, 0)
    assert list(campaign.targets.values_list("name", flat=True)) == ["Lindqvist AB"]


def test_saving_the_filters_as_a_segment_and_adding_its_targets_happen_together(clerk):
    # given
    PartyFactory(name="Lindqvist AB", country="SE")
    campaign = make_campaign(clerk)

    # when
    result = campaign_targets_add(
        campaign=campaign, by=clerk, filters={"roles": ["prospect"], "country": "SE"}, save_as=" Swedish prospects "
    )

    # then
    assert (result.added, result.saved_segment.name, result.saved_segment.filters) == (
        1,
        "Swedish prospects",
        {"roles": ["prospect"], "country": "SE"},
    )
    assert list(campaign.targets.values_list("name", flat=True)) == ["Lindqvist AB"]


def test_a_refused_add_saves_no_segment_either(clerk):
    # given: a completed campaign takes no more targets
    campaign = campaign_complete(campaign=active_campaign(clerk), by=clerk)
    PartyFactory(name="Lindqvist AB", country="SE")
    before = (Segment.objects.count(), campaign.targets.count())

    # when
    with pytest.raises(TransitionRefused):
        campaign_targets_add(campaign=campaign, by=clerk, filters={"country": "SE"}, save_as="Swedish prospects")

    # then
    assert (Segment.objects.count(), campaign.targets.count()) == before


def test_adding_a_selection_again_skips_those_already_there(clerk):
    # given
    PartyFactory(name="Anker", city="Schiedam")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, filters={"city": "Schiedam"})
    PartyFactory(name="Brouwer", city="Schiedam")

    # when
    result = campaign_targets_add(campaign=campaign, by=clerk, filters={"city": "Schiedam"})

    # then
    assert (result.added, result.skipped, result.found) == (1, 1, 2)
    assert sorted(campaign.targets.values_list("name", flat=True)) == ["Anker", "Brouwer"]


def test_adding_one_party_that_is_a_target_already_is_refused(clerk):
    # given
    party = PartyFactory(name="Anker Koffie")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])

    # when
    with pytest.raises(ValidationFailed) as refused:
        campaign_targets_add(campaign=campaign, by=clerk, parties=[party])

    # then
    assert refused.value.code == "target-exists"
    assert refused.value.field_errors == {"parties": f"Anker Koffie is already a target of campaign {campaign.number}."}
    assert campaign.targets.count() == 1


def test_a_lead_on_a_party_that_is_a_target_already_is_the_same_target(clerk):
    # given
    party = PartyFactory(name="Anker Koffie")
    lead = LeadFactory(party=party)
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])

    # when
    with pytest.raises(ValidationFailed) as refused:
        campaign_targets_add(campaign=campaign, by=clerk, leads=[lead])

    # then
    assert refused.value.field_errors == {"leads": f"Anker Koffie is already a target of campaign {campaign.number}."}


def test_adding_several_by_id_skips_those_already_there(clerk):
    # given
    first, second = PartyFactory(name="First"), PartyFactory(name="Second")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[first])

    # when
    result = campaign_targets_add(campaign=campaign, by=clerk, parties=[first.pk, second.pk])

    # then
    assert (result.added, result.skipped) == (1, 1)
    assert campaign.targets.count() == 2


def test_closed_leads_and_opportunities_cannot_be_added(clerk):
    # given
    lead = LeadFactory(number="LD-CLOSED", state=LeadState.CONVERTED)
    opportunity = OpportunityFactory(number="OP-LOST", state=OpportunityState.LOST)
    campaign = make_campaign(clerk)

    # when
    with pytest.raises(ValidationFailed) as refused:
        campaign_targets_add(campaign=campaign, by=clerk, leads=[lead], opportunities=[opportunity])

    # then
    assert refused.value.field_errors == {
        "leads": "Lead LD-CLOSED is Converted: only open leads can be targeted.",
        "opportunities": "Opportunity OP-LOST is Lost: only open opportunities can be targeted.",
    }
    assert campaign.targets.count() == 0


def test_an_email_campaign_honours_earlier_unsubscribes_and_needs_an_address(clerk):
    # given
    PartyFactory(name="Reachable", email="buyer@reachable.nl")
    PartyFactory(name="Gone", email="Office@Gone.nl")
    PartyFactory(name="Silent", email="")
    Unsubscription.objects.create(email="office@gone.nl")
    campaign = make_campaign(clerk, CampaignType.EMAIL)

    # when
    result = campaign_targets_add(campaign=campaign, by=clerk, filters={"roles": ["prospect"]})

    # then: all three are on the list, two of them excluded with the reason
    assert (result.added, result.excluded) == (3, 2)
    today = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    assert list(campaign.targets.order_by("name").values_list("name", "status", "excluded_reason")) == [
        ("Gone", "excluded", f"Unsubscribed on {today}."),
        ("Reachable", "pending", ""),
        ("Silent", "excluded", "No email address."),
    ]


def test_other_campaigns_do_not_exclude_anyone(clerk):
    # given
    PartyFactory(name="Silent", email="")
    campaign = make_campaign(clerk, CampaignType.TELEMARKETING)

    # when
    result = campaign_targets_add(campaign=campaign, by=clerk, filters={})

    # then
    assert (result.added, result.excluded) == (1, 0)
    assert campaign.targets.get().status == TargetStatus.PENDING


def test_targets_cannot_be_added_to_a_completed_campaign(clerk):
    # given
    campaign = campaign_complete(campaign=active_campaign(clerk), by=clerk)
    party = PartyFactory()

    # when
    with pytest.raises(TransitionRefused) as refused:
        campaign_targets_add(campaign=campaign, by=clerk, parties=[party])

    # then
    assert refused.value.reason == f"Campaign {campaign.number} is Completed: it can no longer change."
    assert not campaign.targets.filter(party=party).exists()


def test_add_needs_something_to_add_and_not_both_a_segment_and_filters(clerk):
    # given
    campaign = make_campaign(clerk)

    # when / then
    with pytest.raises(ValidationFailed) as nothing:
        campaign_targets_add(campaign=campaign, by=clerk)
    with pytest.raises(ValidationFailed) as both:
        campaign_targets_add(campaign=campaign, by=clerk, segment=SegmentFactory(), filters={})
    assert nothing.value.field_errors == {
        "filters": "Choose a segment, filters or the parties, leads or opportunities to add."
    }
    assert both.value.field_errors == {"segment": "Choose a saved segment or filters, not both."}


def test_adding_500_targets_costs_a_fixed_number_of_queries(clerk, django_assert_max_num_queries):
    # given
    Party.objects.bulk_create(
        [Party(name=f"Prospect {index:03d}", email=f"p{index}@example.com", country="NL") for index in range(500)]
    )
    campaign = make_campaign(clerk, CampaignType.EMAIL)

    # when
    with django_assert_max_num_queries(12):
        result = campaign_targets_add(campaign=campaign, by=clerk, filters={"roles": ["prospect"]})

    # then
    assert (result.added, result.excluded) == (500, 0)
    assert campaign.targets.count() == 500
    assert campaign.targets.values("unsubscribe_token").distinct().count() == 500


# campaign_target_remove


def test_a_target_is_removed_while_the_campaign_is_planned(clerk):
    # given
    campaign = make_campaign(clerk)
    party = PartyFactory()
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])

    # when
    campaign_target_remove(target=target_of(campaign, party), by=clerk)

    # then
    assert campaign.targets.count() == 0


def test_a_target_of_a_running_campaign_stays(clerk):
    # given
    party = PartyFactory()
    campaign = active_campaign(clerk, targets=[party])

    # when
    with pytest.raises(TransitionRefused) as refused:
        campaign_target_remove(target=target_of(campaign, party), by=clerk)

    # then
    assert refused.value.reason == (
        f"Campaign {campaign.number} is Active: targets can only be removed while it is planned."
    )
    assert campaign.targets.count() == 1


# campaign_calls_assign


def test_calls_are_split_round_robin_between_the_callers(clerk, manager):
    # given: five targets nobody calls yet and one already assigned
    campaign = make_campaign(clerk)
    parties = [PartyFactory(name=name) for name in ("Echo", "Bravo", "Delta", "Alpha", "Charlie")]
    campaign_targets_add(campaign=campaign, by=clerk, parties=parties)
    other = user_with_role("sales clerk", username="other_clerk")
    taken = CampaignTargetFactory(campaign=campaign, party=PartyFactory(name="Zulu"), assigned_to=other)

    # when
    assigned = campaign_calls_assign(campaign=campaign, users=[manager, clerk], by=clerk)

    # then: by name, the callers in the order of their ids
    assert assigned == 5
    calls = dict(campaign.targets.exclude(pk=taken.pk).order_by("name").values_list("name", "assigned_to__username"))
    assert calls == {
        "Alpha": "sales_clerk",
        "Bravo": "sales_manager",
        "Charlie": "sales_clerk",
        "Delta": "sales_manager",
        "Echo": "sales_clerk",
    }
    taken.refresh_from_db()
    assert taken.assigned_to == other


def test_call_lists_are_for_telemarketing_and_need_callers(clerk):
    # given
    mailing = make_campaign(clerk, CampaignType.MAILING)
    telemarketing = make_campaign(clerk)
    inactive = user_with_role("sales clerk", username="left_us")
    inactive.is_active = False
    inactive.save()

    # when / then
    with pytest.raises(TransitionRefused) as wrong_type:
        campaign_calls_assign(campaign=mailing, users=[clerk], by=clerk)
    with pytest.raises(ValidationFailed) as nobody:
        campaign_calls_assign(campaign=telemarketing, users=[], by=clerk)
    with pytest.raises(ValidationFailed) as gone:
        campaign_calls_assign(campaign=telemarketing, users=[inactive], by=clerk)
    assert wrong_type.value.reason == (
        f"Campaign {mailing.number} is a mailing campaign: call lists are for telemarketing."
    )
    assert nobody.value.field_errors == {"users": "Choose who makes the calls."}
    assert gone.value.field_errors == {"users": "left_us is no longer active."}


# target_call_log


def test_a_call_is_logged_with_its_outcome_response_and_call_back(clerk):
    # given
    party = PartyFactory(name="Anker Koffie")
    campaign = active_campaign(clerk, targets=[party])
    target = target_of(campaign, party)
    call_back = timezone.now() + datetime.timedelta(days=2)

    # when
    target = target_call_log(
        target=target,
        by=clerk,
        outcome="reached",
        note="Wants a quote in May",
        response="positive",
        follow_up_at=call_back,
    )

    # then
    target.refresh_from_db()
    assert (target.status, target.response, target.response_note, target.responded_by) == (
        "responded",
        "positive",
        "Wants a quote in May",
        clerk,
    )
    assert target.contacted_at is not None and target.response_date == timezone.localdate()
    calls = list(Activity.objects.filter(campaign_target=target).order_by("id"))
    assert [(a.activity_type, a.subject, a.done, a.outcome, a.party, a.campaign, a.owner) for a in calls] == [
        (ActivityType.CALL, "Call: Autumn chairs", True, "reached", party, campaign, clerk),
        (ActivityType.CALL, "Call back: Anker Koffie", False, "", party, campaign, clerk),
    ]
    assert calls[1].due_at == call_back


def test_a_logged_call_is_a_done_call_dated_now_and_owned_by_the_caller(clerk, manager):
    # given: the target's campaign belongs to the manager; the clerk makes the call
    party = PartyFactory(name="Anker Koffie")
    campaign = active_campaign(manager, targets=[party])
    before = timezone.now()

    # when
    target = target_call_log(target=target_of(campaign, party), by=clerk, outcome="reached", note="Spoke to Joost")

    # then: done, with the moment of logging as its date, not an open to-do without one
    after = timezone.now()
    call = Activity.objects.get(campaign_target=target)
    assert (call.activity_type, call.subject, call.notes, call.done, call.outcome, call.owner, call.created_by) == (
        ActivityType.CALL,
        "Call: Autumn chairs",
        "Spoke to Joost",
        True,
        "reached",
        clerk,
        clerk,
    )
    assert call.due_at == call.done_at
    assert before <= call.done_at <= after


def test_a_positive_call_starts_the_sales_process_in_the_same_step(clerk):
    # given
    party = PartyFactory(name="Anker Koffie")
    campaign = active_campaign(clerk, targets=[party])

    # when
    target = target_call_log(
        target=target_of(campaign, party), by=clerk, outcome="reached", response="positive", start="lead"
    )

    # then
    target.refresh_from_db()
    lead = target.created_lead
    assert (target.status, target.response) == ("responded", "positive")
    assert (lead.party, lead.campaign, lead.source, lead.state) == (party, campaign, "campaign", "new")
    assert Activity.objects.get(campaign_target=target).outcome == "reached"


def test_starting_the_sales_process_needs_the_response(clerk):
    # given
    party = PartyFactory()
    campaign = active_campaign(clerk, targets=[party])
    target = target_of(campaign, party)

    # when
    with pytest.raises(ValidationFailed) as refused:
        target_call_log(target=target, by=clerk, outcome="reached", start="lead")

    # then
    assert refused.value.field_errors == {"start": "Record the positive response to start the sales process."}
    assert not Activity.objects.exists() and not Lead.objects.exists()


def test_a_call_without_an_answer_marks_the_target_contacted(clerk):
    # given
    party = PartyFactory()
    campaign = active_campaign(clerk, targets=[party])

    # when
    target = target_call_log(target=target_of(campaign, party), by=clerk, outcome="no_answer")

    # then
    target.refresh_from_db()
    assert (target.status, target.response) == ("contacted", "")
    assert Activity.objects.get(campaign_target=target).outcome == "no_answer"


def test_a_bad_call_log_is_refused_and_logs_nothing(clerk):
    # given
    party = PartyFactory()
    campaign = active_campaign(clerk, targets=[party])
    target = target_of(campaign, party)

    # when
    with pytest.raises(ValidationFailed) as refused:
        target_call_log(
            target=target,
            by=clerk,
            outcome="shouted",
            response="maybe",
            follow_up_at=timezone.now() - datetime.timedelta(hours=1),
        )

    # then
    assert refused.value.field_errors == {
        "outcome": "Choose how the call went.",
        "response": "Unknown response 'maybe'.",
        "follow_up_at": "The follow-up call must be in the future.",
    }
    target.refresh_from_db()
    assert (target.status, target.contacted_at) == ("pending", None)
    assert not Activity.objects.exists()


def test_calls_are_logged_while_the_campaign_is_active(clerk):
    # given
    party = PartyFactory()
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])

    # when
    with pytest.raises(TransitionRefused) as refused:
        target_call_log(target=target_of(campaign, party), by=clerk, outcome="reached")

    # then
    assert refused.value.reason == f"Campaign {campaign.number} is Planned: calls are logged while it is active."
    assert not Activity.objects.exists()


# campaign_mark_mailed


def test_mark_mailed_contacts_every_pending_target(clerk):
    # given
    first, second = PartyFactory(), PartyFactory()
    campaign = active_campaign(clerk, CampaignType.MAILING, targets=[first, second])
    target_respond(target=target_of(campaign, second), by=clerk, response="negative")

    # when
    marked = campaign_mark_mailed(campaign=campaign, by=clerk)

    # then
    assert marked == 1
    assert dict(campaign.targets.values_list("party", "status")) == {first.pk: "contacted", second.pk: "responded"}
    assert target_of(campaign, first).contacted_at is not None


def test_only_active_mailings_are_marked_as_mailed(clerk):
    # given
    telemarketing = active_campaign(clerk)
    planned = make_campaign(clerk, CampaignType.MAILING)

    # when / then
    with pytest.raises(TransitionRefused) as wrong_type:
        campaign_mark_mailed(campaign=telemarketing, by=clerk)
    with pytest.raises(TransitionRefused) as not_active:
        campaign_mark_mailed(campaign=planned, by=clerk)
    assert wrong_type.value.reason == (
        f"Campaign {telemarketing.number} is a telemarketing campaign: only mailings are marked as mailed."
    )
    assert not_active.value.reason == (
        f"Campaign {planned.number} is Planned: activate it before marking the mailing as sent."
    )


# target_respond


def test_a_response_is_recorded_with_its_note_and_date(clerk):
    # given
    party = PartyFactory()
    campaign = active_campaign(clerk, targets=[party])

    # when
    target = target_respond(
        target=target_of(campaign, party),
        by=clerk,
        response="negative",
        note="  Just bought new chairs ",
        date=datetime.date(2025, 3, 3),
    )

    # then
    target.refresh_from_db()
    assert (target.status, target.response, target.response_note, target.response_date, target.responded_by) == (
        "responded",
        "negative",
        "Just bought new chairs",
        datetime.date(2025, 3, 3),
        clerk,
    )
    assert (target.created_lead, target.created_opportunity) == (None, None)


def test_a_positive_response_can_start_a_lead_for_the_campaign(clerk):
    # given
    party = PartyFactory(name="Anker Koffie", email="info@anker.nl", postcode="3111 CA", city="Schiedam")
    ContactFactory(party=party, name="Joost Anker", email="joost@anker.nl", phone="+31 6 1", is_primary=True)
    campaign = active_campaign(clerk, targets=[party])

    # when
    target = target_respond(
        target=target_of(campaign, party), by=clerk, response="positive", note="Call back in May", start="lead"
    )

    # then
    target.refresh_from_db()
    lead = target.created_lead
    assert (lead.source, lead.campaign, lead.party, lead.owner, lead.state) == (
        LeadSource.CAMPAIGN,
        campaign,
        party,
        clerk,
        "new",
    )
    assert (lead.company_name, lead.contact_name, lead.email, lead.phone, lead.city, lead.notes) == (
        "Anker Koffie",
        "Joost Anker",
        "joost@anker.nl",
        "+31 6 1",
        "Schiedam",
        "Call back in May",
    )


def test_a_positive_response_can_start_an_opportunity_for_the_campaign(clerk):
    # given
    party = PartyFactory(name="Anker Koffie")
    campaign = active_campaign(clerk, targets=[party])

    # when
    target = target_respond(
        target=target_of(campaign, party), by=clerk, response="positive", start="opportunity", expected_revenue="4500"
    )

    # then
    opportunity = Opportunity.objects.get()
    assert target.created_opportunity == opportunity
    assert (opportunity.name, opportunity.party, opportunity.campaign, opportunity.owner) == (
        "Autumn chairs: Anker Koffie",
        party,
        campaign,
        clerk,
    )
    assert (opportunity.expected_revenue, opportunity.state) == (D("4500.00"), "open")


def test_a_lead_only_target_becomes_a_party_for_its_opportunity(clerk):
    # given
    lead = LeadFactory(
        company_name="Berg Interiör AB", contact_name="Erik Berg", email="erik@berg.se", city="Stockholm", country="SE"
    )
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, leads=[lead])
    campaign = campaign_activate(campaign=campaign, by=clerk)

    # when
    target = target_respond(
        target=campaign.targets.get(),
        by=clerk,
        response="positive",
        start="opportunity",
        opportunity_name="Chairs for the new office",
    )

    # then
    target.refresh_from_db()
    party = target.party
    assert (party.kind, party.name, party.email, party.city, party.country) == (
        PartyKind.ORGANIZATION,
        "Berg Interiör AB",
        "erik@berg.se",
        "Stockholm",
        "SE",
    )
    assert list(party.contacts.values_list("name", "is_primary")) == [("Erik Berg", True)]
    opportunity = target.created_opportunity
    assert (opportunity.name, opportunity.party, opportunity.lead, opportunity.campaign) == (
        "Chairs for the new office",
        party,
        lead,
        campaign,
    )
    lead.refresh_from_db()
    assert lead.party == party


def test_a_lead_only_target_that_looks_like_a_known_party_uses_that_party(clerk):
    # given
    known = PartyFactory(name="Berg AB", email="erik@berg.se")
    lead = LeadFactory(company_name="Berg Interiör AB", email="erik@berg.se")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, leads=[lead])
    campaign = campaign_activate(campaign=campaign, by=clerk)

    # when
    target = target_respond(target=campaign.targets.get(), by=clerk, response="positive", start="opportunity")

    # then
    target.refresh_from_db()
    assert (target.party, target.created_opportunity.party, Party.objects.count()) == (known, known, 1)
    lead.refresh_from_db()
    assert lead.party == known


@pytest.mark.parametrize(
    ("response", "start", "errors"),
    [
        ("negative", "lead", {"start": "Only a positive response starts the sales process."}),
        ("positive", "quotation", {"start": "Unknown way to start the sales process 'quotation'."}),
        ("enthusiastic", "none", {"response": "Choose a response: positive, negative, no answer or unsubscribed."}),
    ],
)
def test_a_refused_response_changes_nothing(clerk, response, start, errors):
    # given
    party = PartyFactory()
    campaign = active_campaign(clerk, targets=[party])
    target = target_of(campaign, party)

    # when
    with pytest.raises(ValidationFailed) as refused:
        target_respond(target=target, by=clerk, response=response, start=start, expected_revenue="-5")

    # then
    assert refused.value.field_errors == {**errors, "expected_revenue": "Expected revenue cannot be negative."}
    target.refresh_from_db()
    assert (target.status, target.response, target.response_date) == ("pending", "", None)
    assert (Lead.objects.count(), Opportunity.objects.count()) == (0, 0)


def test_the_sales_process_starts_once_per_target(clerk):
    # given
    party = PartyFactory(name="Anker Koffie")
    campaign = active_campaign(clerk, targets=[party])
    target = target_respond(target=target_of(campaign, party), by=clerk, response="positive", start="lead")

    # when
    with pytest.raises(ValidationFailed) as refused:
        target_respond(target=target, by=clerk, response="positive", start="opportunity")

    # then
    assert refused.value.field_errors == {
        "start": "The sales process with Anker Koffie has already started from this campaign."
    }
    assert (Lead.objects.count(), Opportunity.objects.count()) == (1, 0)


def test_a_lead_target_starts_an_opportunity_not_another_lead(clerk):
    # given
    lead = LeadFactory(number="LD-T99999", company_name="Berg AB")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, leads=[lead])
    campaign = campaign_activate(campaign=campaign, by=clerk)

    # when
    with pytest.raises(ValidationFailed) as refused:
        target_respond(target=campaign.targets.get(), by=clerk, response="positive", start="lead")

    # then
    assert refused.value.field_errors == {"start": "Berg AB is already lead LD-T99999: create an opportunity instead."}
    assert Lead.objects.count() == 1


def test_responses_are_recorded_while_the_campaign_is_active(clerk):
    # given
    party = PartyFactory()
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])
    target = target_of(campaign, party)

    # when
    with pytest.raises(TransitionRefused) as refused:
        target_respond(target=target, by=clerk, response="positive")

    # then
    assert refused.value.reason == (
        f"Campaign {campaign.number} is Planned: responses are recorded while it is active."
    )
    target.refresh_from_db()
    assert target.response == ""


def test_a_response_cannot_be_dated_in_the_future(clerk):
    # given
    party = PartyFactory()
    campaign = active_campaign(clerk, targets=[party])

    # when
    with pytest.raises(ValidationFailed) as refused:
        target_respond(
            target=target_of(campaign, party),
            by=clerk,
            response="positive",
            date=timezone.localdate() + datetime.timedelta(days=1),
        )

    # then
    assert refused.value.field_errors == {"date": "A response cannot be dated in the future."}


def test_an_unsubscribed_response_is_honoured_by_later_campaigns(clerk):
    # given
    party = PartyFactory(email="Buyer@Anker.NL")
    campaign = active_campaign(clerk, CampaignType.EMAIL, targets=[party])

    # when
    target_respond(target=target_of(campaign, party), by=clerk, response="unsubscribed")

    # then
    unsubscription = Unsubscription.objects.get()
    assert (unsubscription.email, unsubscription.party, unsubscription.campaign) == ("buyer@anker.nl", party, campaign)


# target_unsubscribe


def test_unsubscribing_is_honoured_in_any_state_and_only_once(clerk):
    # given: the recipient clicks after the campaign completed
    party = PartyFactory(email="buyer@anker.nl")
    campaign = campaign_complete(campaign=active_campaign(clerk, CampaignType.EMAIL, targets=[party]), by=clerk)
    target = target_of(campaign, party)

    # when: the link needs no login, so the system records it
    system = system_actor()
    target_unsubscribe(target=target, by=system)
    target_unsubscribe(target=target, by=system)

    # then
    target.refresh_from_db()
    assert (target.response, target.status, target.response_date, target.responded_by) == (
        "unsubscribed",
        "responded",
        timezone.localdate(),
        system,
    )
    assert list(Unsubscription.objects.values_list("email", "campaign")) == [("buyer@anker.nl", campaign.pk)]
