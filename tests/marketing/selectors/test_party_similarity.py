"""Duplicates by a name like another: trigram similarity of names without case, punctuation or legal form."""

import pytest
from django.db import connection
from django.urls import reverse

from marketing.models import Opportunity, Party
from marketing.selectors.leads import lead_party_candidates
from marketing.selectors.parties import party_duplicates
from marketing.services.leads import lead_convert, lead_create, lead_qualify
from marketing.services.parties import PartyDuplicates, party_create
from tests.core.api.helpers import api_client
from tests.factories.marketing import PartyFactory


def names(parties) -> list[str]:
    return [party.name for party in parties]


@pytest.mark.parametrize(
    "typed",
    ["Hendriks Drukwerk", "hendriks drukwerk bv", "Hendriks Drukwerk N.V.", "HENDRIKS-DRUKWERK", "Hendrikx Drukwerk"],
)
def test_a_name_like_an_existing_one_is_a_duplicate(db, typed):
    # given
    PartyFactory(name="Hendriks Drukwerk B.V.", email="info@hendriks.example", postcode="")

    # when / then
    assert names(party_duplicates(name=typed)) == ["Hendriks Drukwerk B.V."]


@pytest.mark.parametrize("typed", ["Hendriks Drukwerk 2", "Hendriks", "Drukwerk Hendriks Amsterdam", "Jansen Drukwerk"])
def test_names_that_only_share_a_part_or_differ_in_a_number_are_no_duplicates(db, typed):
    # given
    PartyFactory(name="Hendriks Drukwerk B.V.", email="info@hendriks.example", postcode="")

    # when / then
    assert names(party_duplicates(name=typed)) == []


def test_a_like_name_with_another_postcode_is_another_branch(db):
    # given
    PartyFactory(name="Hendriks Drukwerk B.V.", email="info@hendriks.example", postcode="1011 AB")

    # when / then: the same postcode (or none known) is a duplicate, another postcode is not
    assert names(party_duplicates(name="Hendriks Drukwerk", postcode="1011ab")) == ["Hendriks Drukwerk B.V."]
    assert names(party_duplicates(name="Hendriks Drukwerk", postcode="")) == ["Hendriks Drukwerk B.V."]
    assert names(party_duplicates(name="Hendriks Drukwerk", postcode="3011 AA")) == []


def test_a_legal_form_alone_is_compared_as_a_name(db):
    # given: nothing is left to strip from a name that is only a legal form
    PartyFactory(name="AB", email="ab@example.com", postcode="")

    # when / then
    assert names(party_duplicates(name="ab")) == ["AB"]
    assert names(party_duplicates(name="B.V.")) == []


def test_creating_a_party_named_like_an_existing_one_warns_and_offers_it(clerk):
    # given
    existing = PartyFactory(name="Hendriks Drukwerk B.V.", email="info@hendriks.example", postcode="")

    # when
    with pytest.raises(PartyDuplicates) as refused:
        party_create(by=clerk, name="Hendriks Drukwerk", email="verkoop@hendriks-druk.example")

    # then: the existing party is offered, nothing was created
    assert refused.value.duplicates == [existing]
    assert refused.value.field_errors == {"name": "Hendriks Drukwerk B.V. has a name like this one."}
    assert Party.objects.count() == 1


def test_the_new_party_page_offers_the_party_with_a_like_name(client, clerk):
    # given
    existing = PartyFactory(name="Hendriks Drukwerk B.V.", email="info@hendriks.example", postcode="")
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:party_create"),
        {"kind": "organization", "name": "Hendriks Drukwerk", "country": "NL", "language": "nl"},
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "This party may exist already" in html
    assert f'<a href="{reverse("marketing:party_detail", args=[existing.pk])}"' in html
    assert response.context["duplicates"] == [existing]
    assert Party.objects.count() == 1


def test_the_duplicates_api_finds_a_like_name(integrator):
    # given
    existing = PartyFactory(name="Hendriks Drukwerk B.V.", email="info@hendriks.example", postcode="")

    # when
    response = api_client(integrator).get("/api/v1/parties/duplicates/", {"name": "Hendriks Drukwerk"})

    # then
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()] == [existing.pk]


def test_converting_a_lead_offers_the_party_with_a_like_name_instead_of_making_a_second(clerk):
    # given
    existing = PartyFactory(name="Hendriks Drukwerk", email="info@hendriks.example", postcode="")
    lead = lead_qualify(
        lead=lead_create(by=clerk, company_name="Hendriks Drukwerk B.V.", contact_name="Anna Hendriks"), by=clerk
    )

    # when
    candidates = lead_party_candidates(lead=lead)
    with pytest.raises(PartyDuplicates) as refused:
        lead_convert(lead=lead, by=clerk)

    # then: offered on the page and refused by the service; nothing was made
    assert candidates == [existing]
    assert refused.value.duplicates == [existing]
    assert (Party.objects.count(), Opportunity.objects.count()) == (1, 0)

    # and: converting onto the offered party makes no second one
    opportunity = lead_convert(lead=lead, by=clerk, party=existing)
    assert opportunity.party == existing
    assert Party.objects.count() == 1


def test_like_names_are_found_through_the_name_key_index(db):
    # given
    PartyFactory.create_batch(50)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE marketing_party")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")

    # when
    plan = party_duplicates(name="Hendriks Drukwerk B.V.").explain()

    # then
    assert "Bitmap Index Scan on party_name_key_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan
