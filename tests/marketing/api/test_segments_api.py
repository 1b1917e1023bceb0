from marketing.models import Segment
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import ContactFactory, LeadFactory, PartyFactory, SegmentFactory

URL = "/api/v1/segments/"


def test_create_segment(integrator):
    # when
    response = api_client(integrator).post(
        URL,
        {"name": "Swedish prospects", "filters": {"roles": ["prospect"], "country": "se"}},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["filters"]) == ("Swedish prospects", {"roles": ["prospect"], "country": "SE"})
    assert Segment.objects.get().created_by == integrator


def test_create_segment_with_a_bad_filter_names_it(integrator):
    # when
    response = api_client(integrator).post(
        URL, {"name": "Bad", "filters": {"roles": "prospect", "since": "2025-01-01"}}, format="json"
    )

    # then
    assert problem(response, 400)["errors"] == [{"field": "filters.since", "message": "Unknown filter."}]
    assert Segment.objects.count() == 0


def test_update_list_search_and_delete(integrator):
    # given
    segment = SegmentFactory(name="Dutch leads", filters={"roles": ["lead"]})
    SegmentFactory(name="Other")
    api = api_client(integrator)

    # when
    patched = api.patch(f"{URL}{segment.pk}/", {"filters": {"roles": ["lead"], "city": "Utrecht"}}, format="json")
    searched = api.get(URL, {"search": "dutch"})
    deleted = api.delete(f"{URL}{segment.pk}/")

    # then
    assert patched.json()["filters"] == {"roles": ["lead"], "city": "Utrecht"}
    assert [row["name"] for row in searched.json()["results"]] == ["Dutch leads"]
    assert deleted.status_code == 204
    assert list(Segment.objects.values_list("name", flat=True)) == ["Other"]


def test_candidates_show_whom_the_segment_selects_today(integrator):
    # given
    party = PartyFactory(name="Anker Koffie", email="info@anker.nl")
    ContactFactory(party=party, name="Joost Anker", email="joost@anker.nl", phone="+31 6 1", is_primary=True)
    lead = LeadFactory(
        company_name="Berg AB", contact_name="Erik", email="erik@berg.se", city="Stockholm", country="SE"
    )
    segment = SegmentFactory(filters={"roles": ["prospect", "lead"]})

    # when
    response = api_client(integrator).get(f"{URL}{segment.pk}/candidates/")

    # then
    assert response.status_code == 200
    assert response.json() == [
        {
            "source": "prospect",
            "party": party.pk,
            "lead": None,
            "opportunity": None,
            "name": "Anker Koffie",
            "contact_name": "Joost Anker",
            "email": "joost@anker.nl",
            "phone": "+31 6 1",
            "street": party.street,
            "postcode": "1011 AB",
            "city": "Amsterdam",
            "country": "NL",
            "language": "en",
        },
        {
            "source": "lead",
            "party": None,
            "lead": lead.pk,
            "opportunity": None,
            "name": "Berg AB",
            "contact_name": "Erik",
            "email": "erik@berg.se",
            "phone": "",
            "street": "",
            "postcode": "",
            "city": "Stockholm",
            "country": "SE",
            "language": "",
        },
    ]
