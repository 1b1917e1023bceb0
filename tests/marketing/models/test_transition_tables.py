"""The whole transition table of leads, opportunities and campaigns: which step goes from where to where, who
may take it, and what a refusal says (DESIGN.md §3). Read from the models, so a change shows up here."""

import pytest

from core.roles import ADMINISTRATOR, BILLING_CLERK, INTEGRATOR, SALES_CLERK, SALES_MANAGER
from core.transitions import transition_refusal, transition_table
from marketing.models import Campaign, Lead, Opportunity
from marketing.services.campaign_targets import campaign_targets_add
from marketing.services.campaigns import campaign_activate, campaign_cancel, campaign_complete, campaign_create
from marketing.services.leads import lead_create, lead_disqualify, lead_qualify
from marketing.services.opportunities import opportunity_create, opportunity_lose
from salesapp.services.opportunity_orders import order_create_for_opportunity
from tests.factories.marketing import PartyFactory
from tests.factories.users import user_with_role

ROLES = [SALES_CLERK, SALES_MANAGER, BILLING_CLERK, INTEGRATOR, ADMINISTRATOR]
SALES_ROLES = {SALES_CLERK, SALES_MANAGER, INTEGRATOR, ADMINISTRATOR}


def roles_allowed(document, transition, users: dict) -> set[str]:
    return {role for role in ROLES if transition_refusal(document, transition, user=users[role]) is None}


def test_lead_transition_table():
    assert transition_table(Lead) == [
        ("convert", "qualified", "converted", "marketing.change_lead"),
        ("disqualify", "new", "disqualified", "marketing.change_lead"),
        ("disqualify", "qualified", "disqualified", "marketing.change_lead"),
        ("qualify", "new", "qualified", "marketing.change_lead"),
    ]


def test_opportunity_transition_table():
    assert transition_table(Opportunity) == [
        ("lose", "open", "lost", "marketing.change_opportunity"),
        ("win", "open", "won", "marketing.change_opportunity"),
    ]


def test_campaign_transition_table():
    assert transition_table(Campaign) == [
        ("activate", "planned", "active", "marketing.change_campaign"),
        ("cancel", "active", "canceled", "marketing.change_campaign"),
        ("cancel", "planned", "canceled", "marketing.change_campaign"),
        ("complete", "active", "completed", "marketing.change_campaign"),
    ]


def test_who_may_take_lead_opportunity_and_campaign_steps(clerk):
    # given: documents where every condition holds
    lead = lead_create(company_name="Anker B.V.", by=clerk)
    opportunity = opportunity_create(party=PartyFactory(), name="Chairs", by=clerk)
    order_create_for_opportunity(opportunity=opportunity, by=clerk)
    campaign = campaign_create(name="Autumn", campaign_type="telemarketing", by=clerk)
    campaign_targets_add(campaign=campaign, parties=[PartyFactory()], by=clerk)

    # then: the sales roles may, billing may not
    users = {role: user_with_role(role, username=f"table {role}") for role in ROLES}
    for document, transition in [
        (lead, "qualify"),
        (lead, "disqualify"),
        (opportunity, "win"),
        (opportunity, "lose"),
        (campaign, "activate"),
        (campaign, "cancel"),
    ]:
        assert roles_allowed(document, transition, users) == SALES_ROLES, transition


@pytest.mark.parametrize(
    ("step", "transition", "reason"),
    [
        ("new", "convert", "Lead {number} is new: qualify it before converting."),
        ("qualified", "qualify", "Lead {number} is Qualified: only new leads can be qualified."),
        ("disqualified", "convert", "Lead {number} is Disqualified: only qualified leads can be converted."),
        ("disqualified", "disqualify", "Lead {number} is Disqualified: it can no longer be disqualified."),
    ],
)
def test_why_a_lead_step_is_refused(clerk, step, transition, reason):
    lead = lead_create(company_name="Anker B.V.", by=clerk)
    if step in ("qualified", "disqualified"):
        lead = lead_qualify(lead=lead, by=clerk)
    if step == "disqualified":
        lead = lead_disqualify(lead=lead, reason="No budget", by=clerk)
    assert transition_refusal(lead, transition) == reason.format(number=lead.number)


def test_why_an_opportunity_step_is_refused(clerk):
    # given: an open opportunity without a sales order, and a lost one
    open_one = opportunity_create(party=PartyFactory(), name="Chairs", by=clerk)
    lost = opportunity_lose(
        opportunity=opportunity_create(party=PartyFactory(), name="Desks", by=clerk), reason="Too late", by=clerk
    )

    # then
    assert transition_refusal(open_one, "win") == (
        f"Opportunity {open_one.number} has no sales order yet: create one for it before marking it won."
    )
    assert transition_refusal(lost, "win") == f"Opportunity {lost.number} is Lost: only open opportunities can change."
    assert transition_refusal(lost, "lose") == f"Opportunity {lost.number} is Lost: only open opportunities can change."


def test_why_a_campaign_step_is_refused(clerk):
    # given: a planned campaign without targets, a completed one and a canceled one
    empty = campaign_create(name="Empty", campaign_type="telemarketing", by=clerk)
    done = campaign_create(name="Done", campaign_type="telemarketing", by=clerk)
    campaign_targets_add(campaign=done, parties=[PartyFactory()], by=clerk)
    done = campaign_complete(campaign=campaign_activate(campaign=done, by=clerk), by=clerk)
    canceled = campaign_cancel(
        campaign=campaign_create(name="Off", campaign_type="mailing", by=clerk), reason="No budget", by=clerk
    )

    # then
    assert transition_refusal(empty, "activate") == (
        f"Campaign {empty.number} has no targets: add targets before activating it."
    )
    assert transition_refusal(empty, "complete") == (
        f"Campaign {empty.number} is Planned: only active campaigns can be completed."
    )
    assert transition_refusal(done, "activate") == (
        f"Campaign {done.number} is Completed: only planned campaigns can be activated."
    )
    assert transition_refusal(done, "cancel") == f"Campaign {done.number} is Completed: it can no longer be canceled."
    assert transition_refusal(canceled, "cancel") == (
        f"Campaign {canceled.number} is Canceled: it can no longer be canceled."
    )
