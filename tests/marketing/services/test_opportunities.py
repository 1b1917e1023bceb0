import datetime
from decimal import Decimal

import pytest
from django_fsm_log.models import StateLog

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from marketing.choices import OpportunityState
from marketing.models import Opportunity, OpportunityStage
from marketing.services.opportunities import (
    opportunity_create,
    opportunity_lose,
    opportunity_stage_set,
    opportunity_stage_step,
    opportunity_update,
    opportunity_win,
    stage_create,
    stage_update,
)
from salesapp.services.opportunity_orders import order_create_for_opportunity
from salesapp.services.orders import order_cancel
from tests.factories.marketing import CampaignFactory, ContactFactory, PartyFactory
from tests.factories.users import user_with_role

D = Decimal


def stage(name: str) -> OpportunityStage:
    return OpportunityStage.objects.get(name=name)


def make_opportunity(by, **overrides) -> Opportunity:
    values = {"party": PartyFactory(name="Lindqvist Kontorsvaror AB"), "name": "Office chairs for HQ"}
    return opportunity_create(by=by, **{**values, **overrides})


# opportunity_create


def test_opportunity_create_starts_in_the_first_stage_with_its_probability(clerk):
    # given
    party = PartyFactory()
    contact = ContactFactory(party=party)
    campaign = CampaignFactory()

    # when
    opportunity = opportunity_create(
        by=clerk,
        party=party,
        name=" Office chairs for HQ ",
        owner=clerk,
        expected_revenue=D("12500.5"),
        expected_close_date=datetime.date(2025, 11, 30),
        campaign=campaign,
        contact=contact,
        description="Replace 50 chairs",
    )

    # then
    opportunity.refresh_from_db()
    assert opportunity.number.startswith("OP-") and len(opportunity.number) == 9
    assert (opportunity.name, opportunity.stage, opportunity.probability, opportunity.expected_revenue) == (
        "Office chairs for HQ",
        stage("Prospecting"),
        D("10.00"),
        D("12500.50"),
    )
    assert (opportunity.party, opportunity.contact, opportunity.campaign, opportunity.owner) == (
        party,
        contact,
        campaign,
        clerk,
    )
    assert (opportunity.state, opportunity.created_by, opportunity.weighted_revenue) == (
        OpportunityState.OPEN,
        clerk,
        D("1250.05"),
    )


def test_opportunity_create_takes_a_stage_and_a_probability_given(clerk):
    opportunity = make_opportunity(clerk, stage=stage("Negotiation"), probability=D("80"))
    assert (opportunity.stage.name, opportunity.probability) == ("Negotiation", D("80.00"))


def test_the_first_stage_is_the_first_active_one(clerk):
    OpportunityStage.objects.filter(name="Prospecting").update(active=False)
    assert make_opportunity(clerk).stage == stage("Qualification")


def test_opportunity_create_names_every_bad_field_and_saves_nothing(clerk):
    # given
    other_party_contact = ContactFactory(name="Jan Smit")
    retired = stage("Proposal")
    retired.active = False
    retired.save()

    # when
    with pytest.raises(ValidationFailed) as refused:
        opportunity_create(
            by=clerk,
            party=PartyFactory(),
            name=" ",
            stage=retired,
            expected_revenue=D("-1"),
            probability=D("101"),
            contact=other_party_contact,
        )

    # then
    assert refused.value.field_errors == {
        "stage": "Stage Proposal is no longer used: choose an active stage.",
        "name": "An opportunity needs a subject.",
        "expected_revenue": "Expected revenue cannot be negative.",
        "probability": "Probability must be between 0 and 100 %.",
        "contact": "Jan Smit is not a contact person of this party.",
    }
    assert not Opportunity.objects.exists()


def test_opportunity_create_without_any_active_stage_says_what_to_do(clerk):
    OpportunityStage.objects.update(active=False)
    with pytest.raises(ValidationFailed) as refused:
        make_opportunity(clerk)
    assert refused.value.field_errors == {"stage": "No pipeline stage is active: set the stages up in the admin first."}


def test_opportunity_create_refuses_text_as_revenue(clerk):
    with pytest.raises(ValidationFailed) as refused:
        make_opportunity(clerk, expected_revenue="a lot")
    assert refused.value.field_errors == {"expected_revenue": "'a lot' is not a number."}


# opportunity_update


def test_opportunity_update_changes_an_open_opportunity(clerk):
    opportunity = make_opportunity(clerk)
    opportunity_update(opportunity=opportunity, by=clerk, expected_revenue=D("800"), probability=D("35"))
    opportunity.refresh_from_db()
    assert (opportunity.expected_revenue, opportunity.probability) == (D("800.00"), D("35.00"))


def test_the_party_stays_once_a_sales_order_exists(clerk):
    # given: an order for the opportunity's party
    opportunity = make_opportunity(clerk)
    order_create_for_opportunity(opportunity=opportunity, by=clerk)
    other = PartyFactory(name="Bergström Fastigheter AB")

    # when
    with pytest.raises(ValidationFailed) as refused:
        opportunity_update(opportunity=opportunity, by=clerk, party=other, expected_revenue=D("900"))

    # then: refused, nothing changed; without an order the party may still change
    assert refused.value.field_errors == {
        "party": f"Opportunity {opportunity.number} already has a sales order with Lindqvist Kontorsvaror AB: "
        "the party can no longer change."
    }
    opportunity.refresh_from_db()
    assert (opportunity.party.name, opportunity.expected_revenue) == ("Lindqvist Kontorsvaror AB", D("0.00"))
    fresh = make_opportunity(clerk, party=PartyFactory(name="Smit Architecten"))
    assert opportunity_update(opportunity=fresh, by=clerk, party=other).party == other


def test_opportunity_update_refuses_bad_values_and_changes_nothing(clerk):
    opportunity = make_opportunity(clerk, expected_revenue=D("500"))
    with pytest.raises(ValidationFailed) as refused:
        opportunity_update(opportunity=opportunity, by=clerk, expected_revenue=D("-2"), name="New name")
    assert refused.value.field_errors == {"expected_revenue": "Expected revenue cannot be negative."}
    opportunity.refresh_from_db()
    assert (opportunity.expected_revenue, opportunity.name) == (D("500.00"), "Office chairs for HQ")


def test_opportunity_update_refuses_the_stage_and_state(clerk):
    opportunity = make_opportunity(clerk)
    with pytest.raises(ValidationFailed) as refused:
        opportunity_update(opportunity=opportunity, by=clerk, stage=stage("Proposal"), state="won")
    assert refused.value.field_errors == {
        "stage": "This field cannot be changed.",
        "state": "This field cannot be changed.",
    }


def test_a_lost_opportunity_cannot_be_changed(clerk):
    opportunity = opportunity_lose(opportunity=make_opportunity(clerk), by=clerk, reason="Went with a competitor")
    with pytest.raises(TransitionRefused) as refused:
        opportunity_update(opportunity=opportunity, by=clerk, name="Second try")
    assert refused.value.reason == (f"Opportunity {opportunity.number} is Lost: only open opportunities can change.")
    opportunity.refresh_from_db()
    assert opportunity.name == "Office chairs for HQ"


# stages


def test_stage_set_takes_the_stages_probability(clerk):
    opportunity = make_opportunity(clerk, probability=D("33"))
    moved = opportunity_stage_set(opportunity=opportunity, stage=stage("Negotiation"), by=clerk)
    opportunity.refresh_from_db()
    assert (moved.stage.name, opportunity.stage.name, opportunity.probability) == (
        "Negotiation",
        "Negotiation",
        D("75.00"),
    )


def test_stage_set_refuses_an_inactive_stage(clerk):
    opportunity = make_opportunity(clerk)
    retired = OpportunityStage.objects.create(name="Old stage", sequence=5, probability=D("5"), active=False)
    with pytest.raises(ValidationFailed) as refused:
        opportunity_stage_set(opportunity=opportunity, stage=retired, by=clerk)
    assert refused.value.field_errors == {"stage": "Stage Old stage is no longer used: choose an active stage."}
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Prospecting"


def test_stage_step_moves_forward_and_back_over_inactive_stages(clerk):
    OpportunityStage.objects.filter(name="Qualification").update(active=False)
    opportunity = make_opportunity(clerk)
    forward = opportunity_stage_step(opportunity=opportunity, by=clerk, step=1)
    back = opportunity_stage_step(opportunity=opportunity, by=clerk, step=-1)
    assert (forward.stage.name, forward.probability) == ("Proposal", D("50.00"))
    assert (back.stage.name, back.probability) == ("Prospecting", D("10.00"))


def test_stage_step_stops_at_the_ends_of_the_pipeline(clerk):
    opportunity = make_opportunity(clerk, stage=stage("Negotiation"))
    with pytest.raises(TransitionRefused) as refused:
        opportunity_stage_step(opportunity=opportunity, by=clerk, step=1)
    assert refused.value.reason == (
        f"Opportunity {opportunity.number} is in the last stage (Negotiation): mark it won or lost instead."
    )
    first = make_opportunity(clerk)
    with pytest.raises(TransitionRefused) as refused:
        opportunity_stage_step(opportunity=first, by=clerk, step=-1)
    assert refused.value.reason == f"Opportunity {first.number} is in the first stage (Prospecting) already."


def test_a_won_opportunity_stays_in_its_stage(clerk):
    opportunity = make_opportunity(clerk)
    order_create_for_opportunity(opportunity=opportunity, by=clerk)
    opportunity_win(opportunity=opportunity, by=clerk)
    with pytest.raises(TransitionRefused):
        opportunity_stage_set(opportunity=opportunity, stage=stage("Proposal"), by=clerk)
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Prospecting"


# win / lose


def test_win_needs_a_sales_order(clerk):
    opportunity = make_opportunity(clerk)
    with pytest.raises(TransitionRefused) as refused:
        opportunity_win(opportunity=opportunity, by=clerk)
    assert refused.value.reason == (
        f"Opportunity {opportunity.number} has no sales order yet: create one for it before marking it won."
    )
    opportunity.refresh_from_db()
    assert (opportunity.state, opportunity.closed_at) == (OpportunityState.OPEN, None)


def test_a_canceled_order_does_not_win_the_opportunity(clerk):
    opportunity = make_opportunity(clerk)
    order = order_create_for_opportunity(opportunity=opportunity, by=clerk)
    order_cancel(order=order, by=clerk, reason="Entered twice")
    with pytest.raises(TransitionRefused):
        opportunity_win(opportunity=opportunity, by=clerk)


def test_win_with_an_order_closes_at_full_probability(clerk):
    opportunity = make_opportunity(clerk)
    order_create_for_opportunity(opportunity=opportunity, by=clerk)
    won = opportunity_win(opportunity=opportunity, by=clerk)
    opportunity.refresh_from_db()
    assert (won.state, opportunity.state, opportunity.probability) == ("won", "won", D("100.00"))
    assert opportunity.closed_at is not None
    log = StateLog.objects.for_(opportunity).get()
    assert (log.source_state, log.state, log.by) == ("open", "won", clerk)


def test_win_needs_the_permission(clerk):
    opportunity = make_opportunity(clerk)
    order_create_for_opportunity(opportunity=opportunity, by=clerk)
    with pytest.raises(ActionForbidden):
        opportunity_win(opportunity=opportunity, by=user_with_role("billing clerk"))
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.OPEN


def test_lose_keeps_the_reason_and_zeroes_the_probability(clerk):
    opportunity = opportunity_lose(opportunity=make_opportunity(clerk), by=clerk, reason=" Too expensive ")
    opportunity.refresh_from_db()
    assert (opportunity.state, opportunity.lost_reason, opportunity.probability) == (
        OpportunityState.LOST,
        "Too expensive",
        D("0.00"),
    )
    assert StateLog.objects.for_(opportunity).get().description == "Too expensive"


def test_lose_needs_a_reason(clerk):
    opportunity = make_opportunity(clerk)
    with pytest.raises(ValidationFailed) as refused:
        opportunity_lose(opportunity=opportunity, by=clerk, reason="")
    assert refused.value.field_errors == {"reason": "Say why the opportunity was lost."}
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.OPEN


def test_a_lost_opportunity_cannot_be_lost_again(clerk):
    opportunity = opportunity_lose(opportunity=make_opportunity(clerk), by=clerk, reason="No budget")
    with pytest.raises(TransitionRefused) as refused:
        opportunity_lose(opportunity=opportunity, by=clerk, reason="Other reason")
    assert refused.value.reason == f"Opportunity {opportunity.number} is Lost: only open opportunities can change."
    opportunity.refresh_from_db()
    assert opportunity.lost_reason == "No budget"


# stages


def test_stage_create_and_update(manager):
    created = stage_create(by=manager, name=" Demo ", sequence=35, probability=D("60"))
    assert (created.name, created.sequence, created.probability, created.active) == ("Demo", 35, D("60"), True)
    updated = stage_update(stage=created, by=manager, probability=D("65"), sequence=45)
    created.refresh_from_db()
    assert (updated.probability, created.probability, created.sequence) == (D("65"), D("65.00"), 45)


def test_stage_create_names_every_bad_field(manager):
    with pytest.raises(ValidationFailed) as refused:
        stage_create(by=manager, name="proposal", sequence=-1, probability=D("101"))
    assert refused.value.field_errors == {
        "name": "Stage proposal exists already.",
        "probability": "Probability must be between 0 and 100 %.",
        "sequence": "The sequence is a number from 0 up.",
    }
    assert OpportunityStage.objects.count() == 4


def test_the_last_active_stage_stays_active(manager):
    OpportunityStage.objects.exclude(name="Proposal").update(active=False)
    with pytest.raises(ValidationFailed) as refused:
        stage_update(stage=stage("Proposal"), by=manager, active=False)
    assert refused.value.field_errors == {
        "active": "Keep at least one stage active: new opportunities start in the first one."
    }
    assert stage("Proposal").active is True


def test_retiring_a_stage_keeps_its_open_opportunities_as_they_are(clerk, manager):
    opportunity = make_opportunity(clerk, stage=stage("Proposal"), probability=D("40"))
    stage_update(stage=stage("Proposal"), by=manager, active=False, probability=D("55"))
    opportunity.refresh_from_db()
    assert (opportunity.stage.name, opportunity.probability) == ("Proposal", D("40.00"))
    # moving it on puts it back into the pipeline at the first active stage
    moved = opportunity_stage_step(opportunity=opportunity, by=clerk, step=1)
    assert moved.stage.name == "Prospecting"
