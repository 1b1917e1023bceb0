from decimal import Decimal

import pytest
from django_fsm_log.models import StateLog

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from marketing.choices import LeadSource, LeadState, OpportunityState, PartyKind
from marketing.models import Contact, Lead, Opportunity, OpportunityStage, Party
from marketing.services.leads import lead_convert, lead_create, lead_disqualify, lead_qualify, lead_update
from marketing.services.parties import PartyDuplicates
from tests.factories.marketing import CampaignFactory, ContactFactory, PartyFactory
from tests.factories.users import user_with_role

D = Decimal


def make_lead(by, **overrides) -> Lead:
    values = {
        "company_name": "Van Dijk Kantoormeubelen B.V.",
        "contact_name": "Sanne van Dijk",
        "email": "sanne@vandijk-kantoor.nl",
        "phone": "+31 30 123 4567",
        "postcode": "3511 AB",
        "city": "Utrecht",
        "country": "nl",
    }
    return lead_create(by=by, **{**values, **overrides})


def qualified_lead(by, **overrides) -> Lead:
    return lead_qualify(lead=make_lead(by, **overrides), by=by)


# lead_create


def test_lead_create_numbers_the_lead_and_normalizes_its_data(clerk):
    # given
    campaign = CampaignFactory()

    # when
    lead = lead_create(
        by=clerk,
        company_name="  Berg Interiör AB ",
        contact_name="Erik Berg",
        email=" erik@berginterior.se ",
        country="se",
        source=LeadSource.TRADE_SHOW,
        campaign=campaign,
        owner=clerk,
        notes="Met at Stockholm Furniture Fair",
    )

    # then
    lead.refresh_from_db()
    assert lead.number.startswith("LD-") and len(lead.number) == 9
    assert (lead.company_name, lead.email, lead.country, lead.state) == (
        "Berg Interiör AB",
        "erik@berginterior.se",
        "SE",
        LeadState.NEW,
    )
    assert (lead.source, lead.campaign, lead.owner, lead.created_by) == ("trade_show", campaign, clerk, clerk)


def test_lead_numbers_follow_each_other(clerk):
    first = make_lead(clerk)
    second = make_lead(clerk, company_name="Other B.V.")
    assert int(second.number[3:]) == int(first.number[3:]) + 1


def test_a_contact_name_alone_is_enough(clerk):
    lead = lead_create(by=clerk, contact_name="Maria Jansen")
    assert (lead.display_name, lead.source) == ("Maria Jansen", LeadSource.WEB)


def test_lead_create_names_every_bad_field_and_saves_nothing(clerk):
    # when
    with pytest.raises(ValidationFailed) as refused:
        lead_create(by=clerk, company_name=" ", email="not-an-email", country="NLD", source="fax")

    # then
    assert refused.value.field_errors == {
        "company_name": "A lead needs a company or a contact name.",
        "email": "'not-an-email' is not a valid email address.",
        "country": "Use a two-letter ISO country code, e.g. NL.",
        "source": "Unknown source 'fax'; use one of: trade_show, campaign, web, referral, import.",
    }
    assert not Lead.objects.exists()


def test_lead_create_refuses_a_country_code_iso_does_not_know(clerk):
    # given
    make_lead(clerk, company_name="Existing B.V.", email="")
    before = list(Lead.objects.values_list("pk", "company_name", "country"))

    # when
    with pytest.raises(ValidationFailed) as refused:
        make_lead(clerk, country="XX")

    # then
    assert refused.value.field_errors == {"country": "XX is not an ISO 3166 country code; use e.g. NL, BE or SE."}
    assert list(Lead.objects.values_list("pk", "company_name", "country")) == before


def test_a_lead_converted_into_a_swedish_prospect_is_written_to_in_swedish(clerk):
    # given
    lead = qualified_lead(clerk, company_name="Ström Kontor AB", email="info@stromkontor.se", country="se")

    # when
    lead_convert(lead=lead, by=clerk, opportunity_name="Chairs")

    # then
    lead.refresh_from_db()
    assert (lead.party.country, lead.party.language) == ("SE", "sv")


def test_lead_create_refuses_an_inactive_owner(clerk):
    former = user_with_role("sales clerk", username="former")
    former.is_active = False
    former.save()
    with pytest.raises(ValidationFailed) as refused:
        make_lead(clerk, owner=former)
    assert refused.value.field_errors == {"owner": "former is no longer active: choose another owner."}
    assert not Lead.objects.exists()


# lead_update


def test_lead_update_changes_a_new_lead(clerk):
    lead = make_lead(clerk)
    updated = lead_update(lead=lead, by=clerk, city="Amersfoort", phone="+31 33 000 1111")
    lead.refresh_from_db()
    assert (updated.city, lead.city, lead.phone) == ("Amersfoort", "Amersfoort", "+31 33 000 1111")


def test_lead_update_refuses_bad_data_and_changes_nothing(clerk):
    lead = make_lead(clerk)
    with pytest.raises(ValidationFailed) as refused:
        lead_update(lead=lead, by=clerk, company_name="", contact_name="", city="Zeist")
    assert refused.value.field_errors == {"company_name": "A lead needs a company or a contact name."}
    lead.refresh_from_db()
    assert (lead.company_name, lead.city) == ("Van Dijk Kantoormeubelen B.V.", "Utrecht")


def test_lead_update_refuses_fields_that_are_not_the_clerks(clerk):
    lead = make_lead(clerk)
    with pytest.raises(ValidationFailed) as refused:
        lead_update(lead=lead, by=clerk, number="LD-1", state="converted")
    assert refused.value.field_errors == {
        "number": "This field cannot be changed.",
        "state": "This field cannot be changed.",
    }


def test_a_disqualified_lead_cannot_be_changed(clerk):
    lead = lead_disqualify(lead=make_lead(clerk), by=clerk, reason="Student project")
    with pytest.raises(TransitionRefused) as refused:
        lead_update(lead=lead, by=clerk, city="Zeist")
    assert refused.value.reason == (f"Lead {lead.number} is Disqualified: only new and qualified leads can be changed.")
    lead.refresh_from_db()
    assert lead.city == "Utrecht"


def test_a_qualified_lead_can_be_changed_a_converted_one_cannot(clerk):
    # given
    lead = lead_update(lead=qualified_lead(clerk), by=clerk, city="Zeist")
    assert (lead.state, lead.city) == (LeadState.QUALIFIED, "Zeist")
    lead_convert(lead=lead, by=clerk)

    # when
    with pytest.raises(TransitionRefused) as refused:
        lead_update(lead=lead, by=clerk, city="Amersfoort")

    # then: the service refuses with the reason the lead page shows (Lead.refusal_reason)
    lead.refresh_from_db()
    assert refused.value.code == "lead-not-editable"
    assert refused.value.reason == lead.refusal_reason("edit")
    assert refused.value.reason == f"Lead {lead.number} is Converted: only new and qualified leads can be changed."
    assert lead.city == "Zeist"


# lead_qualify / lead_disqualify


def test_lead_qualify_records_when_and_who(clerk):
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    assert lead.state == LeadState.QUALIFIED and lead.qualified_at is not None
    log = StateLog.objects.for_(lead).get()
    assert (log.source_state, log.state, log.transition, log.by) == ("new", "qualified", "qualify", clerk)


def test_a_qualified_lead_cannot_be_qualified_again(clerk):
    lead = qualified_lead(clerk)
    with pytest.raises(TransitionRefused) as refused:
        lead_qualify(lead=lead, by=clerk)
    assert refused.value.reason == f"Lead {lead.number} is Qualified: only new leads can be qualified."
    assert StateLog.objects.for_(lead).count() == 1


def test_qualifying_needs_the_permission(clerk, billing):
    lead = make_lead(clerk)
    with pytest.raises(ActionForbidden):
        lead_qualify(lead=lead, by=billing)
    lead.refresh_from_db()
    assert lead.state == LeadState.NEW


def test_lead_disqualify_keeps_the_reason(clerk):
    lead = lead_disqualify(lead=qualified_lead(clerk), by=clerk, reason="  No budget this year ")
    lead.refresh_from_db()
    assert (lead.state, lead.disqualify_reason) == (LeadState.DISQUALIFIED, "No budget this year")
    log = StateLog.objects.for_(lead).latest("timestamp")
    assert (log.transition, log.description) == ("disqualify", "No budget this year")


def test_lead_disqualify_needs_a_reason(clerk):
    lead = make_lead(clerk)
    with pytest.raises(ValidationFailed) as refused:
        lead_disqualify(lead=lead, by=clerk, reason="  ")
    assert refused.value.field_errors == {"reason": "Say why the lead is disqualified."}
    lead.refresh_from_db()
    assert lead.state == LeadState.NEW


def test_a_converted_lead_cannot_be_disqualified(clerk):
    lead = qualified_lead(clerk)
    lead_convert(lead=lead, by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        lead_disqualify(lead=lead, by=clerk, reason="Changed their mind")
    assert refused.value.reason == f"Lead {lead.number} is Converted: it can no longer be disqualified."
    lead.refresh_from_db()
    assert (lead.state, lead.disqualify_reason) == (LeadState.CONVERTED, "")


# lead_convert


def test_convert_creates_a_prospect_with_its_contact_and_an_opportunity(clerk, manager):
    # given: a qualified lead from a campaign, owned by the manager
    campaign = CampaignFactory()
    lead = qualified_lead(clerk, campaign=campaign, owner=manager, notes="Wants 40 desks")
    proposal = OpportunityStage.objects.get(name="Proposal")

    # when
    opportunity = lead_convert(
        lead=lead,
        by=clerk,
        opportunity_name="40 sit-stand desks",
        expected_revenue=D("24000"),
        stage=proposal,
    )

    # then: a prospect organization with the lead's contact person
    lead.refresh_from_db()
    party = lead.party
    assert (party.kind, party.name, party.email, party.postcode, party.city, party.country) == (
        PartyKind.ORGANIZATION,
        "Van Dijk Kantoormeubelen B.V.",
        "sanne@vandijk-kantoor.nl",
        "3511 AB",
        "Utrecht",
        "NL",
    )
    contact = Contact.objects.get(party=party)
    assert (contact.name, contact.email, contact.is_primary) == ("Sanne van Dijk", "sanne@vandijk-kantoor.nl", True)
    # and an opportunity that keeps the campaign and the owner
    assert opportunity.number.startswith("OP-")
    assert (opportunity.name, opportunity.party, opportunity.contact, opportunity.lead) == (
        "40 sit-stand desks",
        party,
        contact,
        lead,
    )
    assert (opportunity.campaign, opportunity.owner, opportunity.stage, opportunity.probability) == (
        campaign,
        manager,
        proposal,
        D("50.00"),
    )
    assert (opportunity.expected_revenue, opportunity.description, opportunity.state) == (
        D("24000.00"),
        "Wants 40 desks",
        OpportunityState.OPEN,
    )
    assert lead.state == LeadState.CONVERTED and lead.converted_at is not None


def test_convert_a_person_lead_makes_a_person_party(clerk):
    lead = qualified_lead(clerk, company_name="", contact_name="Karin Lund", email="karin@lund.se", country="SE")
    opportunity = lead_convert(lead=lead, by=clerk)
    party = opportunity.party
    assert (party.kind, party.name, party.country) == (PartyKind.PERSON, "Karin Lund", "SE")
    assert not party.contacts.exists()
    # the opportunity is named after the lead, starts in the first stage and is owned by the converter
    assert (opportunity.name, opportunity.stage.name, opportunity.probability, opportunity.owner) == (
        "Karin Lund",
        "Prospecting",
        D("10.00"),
        clerk,
    )


def test_convert_reuses_the_leads_party(clerk):
    party = PartyFactory(name="Van Dijk Kantoormeubelen B.V.")
    contact = ContactFactory(party=party, name="Sanne van Dijk")
    lead = qualified_lead(clerk, party=party)
    opportunity = lead_convert(lead=lead, by=clerk)
    assert (opportunity.party, opportunity.contact) == (party, contact)
    assert Party.objects.count() == 1


def test_convert_uses_the_party_picked_over_the_leads_own(clerk):
    own, picked = PartyFactory(), PartyFactory()
    lead = qualified_lead(clerk, party=own)
    opportunity = lead_convert(lead=lead, by=clerk, party=picked)
    lead.refresh_from_db()
    assert (opportunity.party, lead.party) == (picked, picked)


def test_convert_offers_the_look_alike_parties_and_changes_nothing(clerk):
    # given: a party with the lead's email exists already
    existing = PartyFactory(name="Van Dijk B.V.", email="sanne@vandijk-kantoor.nl")
    lead = qualified_lead(clerk)

    # when
    with pytest.raises(PartyDuplicates) as refused:
        lead_convert(lead=lead, by=clerk, expected_revenue=D("100"))

    # then: the look-alike is named so the clerk can pick it, and nothing was made
    assert refused.value.duplicates == [existing]
    lead.refresh_from_db()
    assert (lead.state, lead.party) == (LeadState.QUALIFIED, None)
    assert (Party.objects.count(), Opportunity.objects.count()) == (1, 0)
    assert StateLog.objects.for_(lead).count() == 1


def test_convert_creates_a_look_alike_party_when_told_to(clerk):
    PartyFactory(name="Van Dijk B.V.", email="sanne@vandijk-kantoor.nl")
    lead = qualified_lead(clerk)
    opportunity = lead_convert(lead=lead, by=clerk, allow_duplicate_party=True)
    assert opportunity.party.name == "Van Dijk Kantoormeubelen B.V."
    assert Party.objects.count() == 2


def test_convert_refuses_a_new_lead(clerk):
    lead = make_lead(clerk)
    with pytest.raises(TransitionRefused) as refused:
        lead_convert(lead=lead, by=clerk)
    assert refused.value.reason == f"Lead {lead.number} is new: qualify it before converting."
    assert (Party.objects.count(), Opportunity.objects.count()) == (0, 0)


def test_convert_with_bad_opportunity_data_changes_nothing(clerk):
    lead = qualified_lead(clerk)
    with pytest.raises(ValidationFailed) as refused:
        lead_convert(lead=lead, by=clerk, expected_revenue=D("-5"))
    assert refused.value.field_errors == {"expected_revenue": "Expected revenue cannot be negative."}
    lead.refresh_from_db()
    assert (lead.state, lead.party) == (LeadState.QUALIFIED, None)
    assert (Party.objects.count(), Contact.objects.count(), Opportunity.objects.count()) == (0, 0, 0)
