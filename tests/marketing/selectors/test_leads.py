import datetime

import pytest
from django.utils import timezone

from marketing.choices import LeadSource, LeadState
from marketing.models import Lead
from marketing.selectors.leads import lead_list, lead_party_candidates
from tests.factories.marketing import CampaignFactory, LeadFactory, PartyFactory
from tests.factories.users import user_with_role

pytestmark = pytest.mark.django_db


def created_on(lead: Lead, day: datetime.date) -> Lead:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Lead.objects.filter(pk=lead.pk).update(created_at=moment)
    return lead


def test_lead_list_searches_number_company_contact_and_email():
    # given
    lead = LeadFactory(company_name="Jansen Kantoorartikelen", contact_name="Joris Jansen", email="joris@jansen.nl")
    LeadFactory(company_name="Other B.V.", contact_name="Else", email="else@other.nl")

    # then
    for search in (lead.number, "kantoorART", "joris", "@jansen.nl"):
        assert list(lead_list(search=search)) == [lead], search


def test_lead_list_filters():
    # given
    owner = user_with_role("sales clerk")
    campaign = CampaignFactory()
    match = LeadFactory(state=LeadState.QUALIFIED, source=LeadSource.TRADE_SHOW, campaign=campaign, owner=owner)
    LeadFactory(state=LeadState.QUALIFIED, source=LeadSource.WEB)
    LeadFactory(source=LeadSource.TRADE_SHOW, owner=owner)

    # then
    assert list(lead_list(state="qualified", source="trade_show")) == [match]
    assert list(lead_list(campaign_id=campaign.pk)) == [match]
    assert lead_list(owner_id=owner.pk).count() == 2
    assert list(lead_list(ids=[match.pk])) == [match]


def test_lead_list_created_range_takes_whole_days():
    before = created_on(LeadFactory(), datetime.date(2025, 3, 31))
    first = created_on(LeadFactory(), datetime.date(2025, 4, 1))
    last = created_on(LeadFactory(), datetime.date(2025, 4, 30))
    after = created_on(LeadFactory(), datetime.date(2025, 5, 1))
    april = lead_list(created_from=datetime.date(2025, 4, 1), created_to=datetime.date(2025, 4, 30))
    assert list(april) == [last, first]
    assert list(lead_list(created_to=datetime.date(2025, 3, 31))) == [before]
    assert list(lead_list(created_from=datetime.date(2025, 5, 1))) == [after]


def test_lead_list_takes_one_query_whatever_its_length(django_assert_num_queries):
    campaign, owner = CampaignFactory(), user_with_role("sales clerk")
    for _ in range(3):
        LeadFactory(campaign=campaign, owner=owner, party=PartyFactory())
    with django_assert_num_queries(1):
        [(lead.campaign.name, lead.owner.username, lead.party.name) for lead in lead_list()]
    for _ in range(27):
        LeadFactory(campaign=campaign, owner=owner, party=PartyFactory())
    with django_assert_num_queries(1):
        rows = [(lead.campaign.name, lead.owner.username, lead.party.name) for lead in lead_list()]
    assert len(rows) == 30


def test_party_candidates_are_the_leads_party_or_its_look_alikes():
    # given
    same_email = PartyFactory(name="Anything", email="info@vos.nl")
    same_name = PartyFactory(name="Vos  Meubelen", postcode="5611AB", email="")
    PartyFactory(name="Vos Meubelen", postcode="9999 ZZ", email="")
    lead = LeadFactory(company_name="vos meubelen", email="INFO@vos.nl", postcode="5611 ab")
    own = PartyFactory()

    # then
    assert lead_party_candidates(lead=lead) == [same_email, same_name]
    lead.party = own
    assert lead_party_candidates(lead=lead) == [own]


def test_lead_list_number_range_shows_one_import():
    before, first, second, after = (LeadFactory(number=f"LD-00001{n}") for n in range(4))
    assert list(lead_list(number_from=first.number, number_to=second.number)) == [second, first]
    assert list(lead_list(number_to=before.number)) == [before]
    assert list(lead_list(number_from=after.number)) == [after]
