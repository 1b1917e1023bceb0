import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketing.models import Lead, Opportunity, OpportunityStage, Party
from marketing.services.leads import lead_create, lead_qualify
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import CampaignFactory, LeadFactory, PartyFactory
from tests.factories.users import user_with_role

URL = "/api/v1/leads/"


def make_lead(by, **overrides) -> Lead:
    values = {"company_name": "Hendriks Transport", "contact_name": "Bas Hendriks", "email": "bas@hendriks.nl"}
    return lead_create(by=by, **{**values, **overrides})


def test_create_lead(integrator):
    # given
    campaign = CampaignFactory()

    # when
    response = api_client(integrator).post(
        URL,
        {"company_name": " Hendriks Transport ", "email": "bas@hendriks.nl", "country": "nl", "campaign": campaign.pk},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    lead = Lead.objects.get()
    body = response.json()
    assert {k: body[k] for k in ("id", "number", "state", "company_name", "country", "source", "campaign")} == {
        "id": lead.pk,
        "number": lead.number,
        "state": "new",
        "company_name": "Hendriks Transport",
        "country": "NL",
        "source": "web",
        "campaign": campaign.pk,
    }
    assert (body["campaign_number"], body["opportunities"], lead.created_by) == (campaign.number, [], integrator)


def test_create_lead_refused_names_the_fields(integrator):
    response = api_client(integrator).post(URL, {"email": "not-mail", "country": "NLD"}, format="json")
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "company_name", "message": "A lead needs a company or a contact name."},
        {"field": "email", "message": "'not-mail' is not a valid email address."},
        {"field": "country", "message": "Use a two-letter ISO country code, e.g. NL."},
    ]
    assert not Lead.objects.exists()


def test_create_lead_with_an_unknown_country_names_the_field(integrator):
    # when
    response = api_client(integrator).post(URL, {"company_name": "Nowhere Ltd", "country": "XX"}, format="json")

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "country", "message": "XX is not an ISO 3166 country code; use e.g. NL, BE or SE."}
    ]
    assert not Lead.objects.exists()


def test_list_filters_and_searches(integrator):
    # given
    owner = user_with_role("sales clerk")
    match = LeadFactory(company_name="Hendriks Transport", source="trade_show", owner=owner)
    LeadFactory(company_name="Hendriks Bouw", source="web")
    LeadFactory(company_name="Other", state="qualified")
    api = api_client(integrator)

    def ids(**params):
        response = api.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # then
    assert len(ids()) == 3
    assert ids(search="hendriks", source="trade_show") == [match.pk]
    assert ids(owner=owner.pk) == [match.pk]
    assert ids(state="qualified") == [Lead.objects.get(company_name="Other").pk]
    assert ids(number=match.number.lower()) == [match.pk]
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert ids(updated_since=future) == []


def test_list_query_count_does_not_grow(integrator, django_assert_max_num_queries):
    api = api_client(integrator)
    campaign = CampaignFactory()
    for _ in range(3):
        LeadFactory(campaign=campaign, owner=integrator)
    with django_assert_max_num_queries(10) as few:
        assert api.get(URL).status_code == 200
    for _ in range(27):
        LeadFactory(campaign=campaign, owner=integrator)
    with django_assert_max_num_queries(10) as many:
        response = api.get(URL)
    assert len(response.json()["results"]) == 30
    assert len(many) == len(few)


def test_partial_update(integrator):
    lead = make_lead(integrator)
    response = api_client(integrator).patch(f"{URL}{lead.pk}/", {"city": "Venlo"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Venlo"


def test_delete_is_not_offered(integrator):
    lead = make_lead(integrator)
    assert api_client(integrator).delete(f"{URL}{lead.pk}/").status_code == 405
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_qualify_then_convert(integrator):
    # given
    lead = make_lead(integrator, owner=integrator)
    api = api_client(integrator)
    proposal = OpportunityStage.objects.get(name="Proposal")

    # when
    qualified = api.post(f"{URL}{lead.pk}/qualify/")
    converted = api.post(
        f"{URL}{lead.pk}/convert/",
        {"opportunity_name": "Fleet tracking", "expected_revenue": "7500.00", "stage": proposal.pk},
        format="json",
    )

    # then
    assert qualified.status_code == 200 and qualified.json()["state"] == "qualified"
    assert converted.status_code == 201, converted.content
    opportunity = Opportunity.objects.get()
    body = converted.json()
    assert {k: body[k] for k in ("id", "name", "stage_name", "expected_revenue", "probability", "lead")} == {
        "id": opportunity.pk,
        "name": "Fleet tracking",
        "stage_name": "Proposal",
        "expected_revenue": "7500.00",
        "probability": "50.00",
        "lead": lead.pk,
    }
    assert body["party_name"] == "Hendriks Transport"
    assert api.get(f"{URL}{lead.pk}/").json()["opportunities"] == [opportunity.pk]


def test_convert_with_look_alikes_is_refused_naming_them(integrator):
    # given
    existing = PartyFactory(name="Hendriks", email="bas@hendriks.nl")
    lead = lead_qualify(lead=make_lead(integrator), by=integrator)
    api = api_client(integrator)

    # when
    refused = api.post(f"{URL}{lead.pk}/convert/", {}, format="json")

    # then
    body = problem(refused, 400)
    assert body["code"] == "party-duplicate"
    assert f"Hendriks ({existing.pk})" in body["detail"]
    assert (Opportunity.objects.count(), Lead.objects.get().state) == (0, "qualified")

    # and when the integrator names the party
    converted = api.post(f"{URL}{lead.pk}/convert/", {"party": existing.pk}, format="json")
    assert converted.status_code == 201
    assert converted.json()["party"] == existing.pk
    assert Party.objects.count() == 1


def test_convert_a_new_lead_is_a_conflict(integrator):
    lead = make_lead(integrator)
    body = problem(api_client(integrator).post(f"{URL}{lead.pk}/convert/", {}, format="json"), 409)
    assert body["detail"] == f"Lead {lead.number} is new: qualify it before converting."


def test_disqualify_needs_a_reason(integrator):
    lead = make_lead(integrator)
    api = api_client(integrator)
    body = problem(api.post(f"{URL}{lead.pk}/disqualify/", {"reason": ""}, format="json"), 400)
    assert body["errors"] == [{"field": "reason", "message": "Say why the lead is disqualified."}]
    response = api.post(f"{URL}{lead.pk}/disqualify/", {"reason": "Fake request"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["disqualify_reason"]) == ("disqualified", "Fake request")


def test_actions_need_the_change_permission(db):
    lead = make_lead(None)
    viewer = user_with_role("billing clerk")
    problem(api_client(viewer).post(f"{URL}{lead.pk}/qualify/"), 403)
    lead.refresh_from_db()
    assert lead.state == "new"


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("leads.csv", text.encode("utf-8"), content_type="text/csv")


def test_import(integrator):
    # when
    response = api_client(integrator).post(
        f"{URL}import/",
        {"file": csv_file("company,contact,country\nAlfa B.V.,Ann,nl\n,Bo Ek,SE\n"), "default_source": "referral"},
        format="multipart",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(row["company_name"], row["contact_name"], row["country"], row["source"]) for row in body] == [
        ("Alfa B.V.", "Ann", "NL", "referral"),
        ("", "Bo Ek", "SE", "referral"),
    ]
    assert Lead.objects.count() == 2


def test_import_with_bad_rows_lists_them_and_imports_nothing(integrator):
    response = api_client(integrator).post(
        f"{URL}import/", {"file": csv_file("company;email\nOk;\n;x@y.nl\nBad;@\n")}, format="multipart"
    )
    body = problem(response, 400)
    assert (body["code"], body["detail"]) == (
        "lead-import-refused",
        "2 lines of the file are wrong: nothing was imported.",
    )
    assert body["errors"] == [
        {"field": "file", "line": 3, "message": "line 3: company: A lead needs a company or a contact name."},
        {"field": "file", "line": 4, "message": "line 4: email: '@' is not a valid email address."},
    ]
    assert not Lead.objects.exists()


def test_import_of_a_non_utf8_file_is_refused(integrator):
    upload = SimpleUploadedFile("leads.csv", "company\nMüller\n".encode("latin-1"))
    body = problem(api_client(integrator).post(f"{URL}import/", {"file": upload}, format="multipart"), 400)
    assert body["errors"] == [
        {"field": "file", "message": 'The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again.'}
    ]


def test_import_needs_the_add_permission(db):
    response = api_client(user_with_role("billing clerk")).post(
        f"{URL}import/", {"file": csv_file("company\nA\n")}, format="multipart"
    )
    problem(response, 403)
    assert not Lead.objects.exists()


def test_revenue_is_decimal_in_and_out(integrator):
    lead = lead_qualify(lead=make_lead(integrator), by=integrator)
    response = api_client(integrator).post(
        f"{URL}{lead.pk}/convert/", {"expected_revenue": "0.10", "allow_duplicate_party": True}, format="json"
    )
    assert response.json()["expected_revenue"] == "0.10"
    assert Opportunity.objects.get().expected_revenue == Decimal("0.10")
