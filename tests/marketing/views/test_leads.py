from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketing.choices import LeadSource, LeadState
from marketing.models import Lead, Opportunity, OpportunityStage, Party
from marketing.services.leads import lead_convert, lead_create, lead_disqualify, lead_qualify
from tests.factories.marketing import ActivityFactory, CampaignFactory, LeadFactory, PartyFactory
from tests.factories.users import user_with_role


def make_lead(by, **overrides) -> Lead:
    values = {"company_name": "Meijer Facilitair B.V.", "contact_name": "Lotte Meijer", "email": "lotte@meijer.nl"}
    return lead_create(by=by, **{**values, **overrides})


def numbers(response) -> list[str]:
    return [lead.number for lead in response.context["page_obj"]]


# list


def test_lead_list_searches_and_filters(client, clerk):
    # given
    campaign = CampaignFactory()
    match = LeadFactory(company_name="Visser Print", source=LeadSource.TRADE_SHOW, campaign=campaign, owner=clerk)
    LeadFactory(company_name="Visser Bouw", source=LeadSource.WEB)
    LeadFactory(company_name="Other", state=LeadState.QUALIFIED)
    client.force_login(clerk)
    url = reverse("marketing:lead_list")

    # then
    assert len(numbers(client.get(url))) == 3
    assert numbers(client.get(url, {"q": "visser"})) == [
        lead.number for lead in Lead.objects.filter(company_name__startswith="Visser").order_by("-id")
    ]
    assert numbers(client.get(url, {"q": "visser", "source": "trade_show"})) == [match.number]
    assert numbers(client.get(url, {"campaign": campaign.pk})) == [match.number]
    assert numbers(client.get(url, {"owner": clerk.pk})) == [match.number]
    assert numbers(client.get(url, {"state": "qualified"})) == [Lead.objects.get(company_name="Other").number]
    # an invalid filter is left out instead of failing the page
    assert len(numbers(client.get(url, {"created_from": "not a date"}))) == 3


def test_lead_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    campaign = CampaignFactory()
    for _ in range(3):
        LeadFactory(campaign=campaign, owner=clerk, party=PartyFactory())
    client.force_login(clerk)
    url = reverse("marketing:lead_list")
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200

    # when
    for _ in range(27):
        LeadFactory(campaign=campaign, owner=clerk, party=PartyFactory())

    # then
    with django_assert_max_num_queries(12) as many:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert len(many) == len(few)


def test_lead_pages_need_a_login_and_the_permission(client, db):
    url = reverse("marketing:lead_list")
    assert client.get(url).status_code == 302
    client.force_login(user_with_role("billing clerk"))
    assert client.post(reverse("marketing:lead_create"), {}).status_code == 403


# create / edit


def test_lead_create_form_is_prefilled_from_a_party_and_a_campaign(client, clerk):
    # given
    party = PartyFactory(name="De Boer Logistiek", email="info@deboer.nl", city="Zwolle", postcode="8011 AA")
    campaign = CampaignFactory()
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:lead_create"), {"party": party.pk, "campaign": campaign.pk})

    # then
    initial = response.context["form"].initial
    assert (initial["party"], initial["campaign"], initial["source"]) == (party.pk, campaign.pk, "campaign")
    assert (initial["company_name"], initial["email"], initial["city"]) == (
        "De Boer Logistiek",
        "info@deboer.nl",
        "Zwolle",
    )


def test_lead_create_saves_through_the_service(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:lead_create"),
        {"company_name": "Smit Schoonmaak", "contact_name": "Kees Smit", "country": "nl", "source": "referral"},
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("marketing:lead_detail", args=[lead.pk])
    assert (lead.number[:3], lead.country, lead.source, lead.created_by) == ("LD-", "NL", "referral", clerk)


def test_lead_create_shows_the_services_refusal_next_to_the_field(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("marketing:lead_create"), {"email": "x@example.com", "source": "web"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"company_name": ["A lead needs a company or a contact name."]}
    assert not Lead.objects.exists()


def test_lead_edit_changes_the_lead(client, clerk):
    lead = make_lead(clerk)
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:lead_update", args=[lead.pk]),
        {"company_name": "Meijer Facilitair B.V.", "contact_name": "Lotte Meijer", "city": "Delft", "source": "web"},
    )
    lead.refresh_from_db()
    assert response.status_code == 302 and lead.city == "Delft"


def test_a_disqualified_lead_cannot_be_edited(client, clerk):
    lead = lead_disqualify(lead=make_lead(clerk), by=clerk, reason="Duplicate")
    client.force_login(clerk)
    response = client.get(reverse("marketing:lead_update", args=[lead.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Lead {lead.number} is Disqualified: only new and qualified leads can be changed."
    ]


def test_a_converted_lead_cannot_be_edited(client, clerk):
    # given
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    lead_convert(lead=lead, by=clerk)
    client.force_login(clerk)

    # when: the page is asked for, and a change is posted anyway
    page = client.get(reverse("marketing:lead_update", args=[lead.pk]), follow=True)
    posted = client.post(reverse("marketing:lead_update", args=[lead.pk]), {"company_name": "X", "source": "web"})

    # then
    refusal = f"Lead {lead.number} is Converted: only new and qualified leads can be changed."
    assert [str(m) for m in page.context["messages"]] == [refusal]
    assert posted.status_code == 302 and posted["Location"] == reverse("marketing:lead_detail", args=[lead.pk])
    lead.refresh_from_db()
    assert lead.company_name == "Meijer Facilitair B.V."


# detail and actions


def test_new_lead_page_shows_what_can_be_done_and_why_not(client, clerk):
    # given
    lead = make_lead(clerk)
    ActivityFactory(party=None, lead=lead, subject="Call back about prices", owner=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:lead_detail", args=[lead.pk]))

    # then
    html = response.content.decode()
    # converting comes after qualifying: not offered yet, and nothing to explain
    assert response.context["actions"] == {"edit": True, "qualify": True, "disqualify": True}
    assert response.context["refusals"] == []
    assert response.context["convert_form"] is None
    assert "Call back about prices" in html
    assert f"{reverse('marketing:activity_create')}?lead={lead.pk}&amp;next=" in html


def test_lead_page_for_a_viewer_offers_no_actions(client, clerk):
    lead = make_lead(clerk)
    client.force_login(user_with_role("billing clerk"))
    response = client.get(reverse("marketing:lead_detail", args=[lead.pk]))
    assert response.context["actions"] == {"edit": False, "qualify": False, "disqualify": False}
    assert ("Qualify", "Your role does not allow this action.") in response.context["refusals"]


def test_qualify_button(client, clerk):
    lead = make_lead(clerk)
    client.force_login(clerk)
    response = client.post(reverse("marketing:lead_qualify", args=[lead.pk]), follow=True)
    lead.refresh_from_db()
    assert lead.state == LeadState.QUALIFIED
    assert [str(m) for m in response.context["messages"]] == [f"Lead {lead.number} qualified."]
    assert response.context["transitions"][0].transition == "qualify"


def test_qualify_refused_shows_the_reason(client, clerk):
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("marketing:lead_qualify", args=[lead.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Lead {lead.number} is Qualified: only new leads can be qualified."
    ]


def test_actions_are_post_only(client, clerk):
    lead = make_lead(clerk)
    client.force_login(clerk)
    for name in ("lead_qualify", "lead_disqualify", "lead_convert"):
        assert client.get(reverse(f"marketing:{name}", args=[lead.pk])).status_code == 405
    lead.refresh_from_db()
    assert lead.state == LeadState.NEW


def test_disqualify_needs_a_reason(client, clerk):
    lead = make_lead(clerk)
    client.force_login(clerk)
    response = client.post(reverse("marketing:lead_disqualify", args=[lead.pk]), {"reason": ""})
    assert response.status_code == 400
    disqualify = next(action for action in response.context["page"].buttons if action.name == "disqualify")
    assert disqualify.errors == ("This field is required.",)
    assert 'id="id_disqualify_reason_error"><li>This field is required.</li>' in response.content.decode()
    lead.refresh_from_db()
    assert lead.state == "new"
    response = client.post(reverse("marketing:lead_disqualify", args=[lead.pk]), {"reason": "Competitor"})
    lead.refresh_from_db()
    assert (response.status_code, lead.state, lead.disqualify_reason) == (302, "disqualified", "Competitor")


def test_convert_without_look_alikes_creates_prospect_and_opportunity(client, clerk):
    # given
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    proposal = OpportunityStage.objects.get(name="Proposal")
    client.force_login(clerk)
    page = client.get(reverse("marketing:lead_detail", args=[lead.pk]))
    assert "party" not in page.context["convert_form"].fields

    # when
    response = client.post(
        reverse("marketing:lead_convert", args=[lead.pk]),
        {"opportunity_name": "Cleaning contract", "expected_revenue": "18000", "stage": proposal.pk},
    )

    # then
    opportunity = Opportunity.objects.get()
    assert response["Location"] == reverse("marketing:opportunity_detail", args=[opportunity.pk])
    assert (opportunity.name, opportunity.expected_revenue, opportunity.stage, opportunity.party.name) == (
        "Cleaning contract",
        Decimal("18000.00"),
        proposal,
        "Meijer Facilitair B.V.",
    )


def test_convert_offers_look_alike_parties_and_uses_the_one_picked(client, clerk):
    # given: a party with the lead's email
    existing = PartyFactory(name="Meijer Facilitair", email="lotte@meijer.nl")
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    client.force_login(clerk)
    stage = OpportunityStage.objects.get(name="Prospecting")

    # when: the page offers it, and the clerk picks it
    page = client.get(reverse("marketing:lead_detail", args=[lead.pk]))
    choices = page.context["convert_form"].fields["party"].choices
    response = client.post(reverse("marketing:lead_convert", args=[lead.pk]), {"party": existing.pk, "stage": stage.pk})

    # then
    assert [value for value, _ in choices] == [str(existing.pk), "new"]
    assert response.status_code == 302
    assert Opportunity.objects.get().party == existing
    assert Party.objects.count() == 1


def test_convert_can_create_a_new_prospect_despite_look_alikes(client, clerk):
    PartyFactory(name="Meijer Facilitair", email="lotte@meijer.nl")
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    client.force_login(clerk)
    stage = OpportunityStage.objects.get(name="Prospecting")
    response = client.post(reverse("marketing:lead_convert", args=[lead.pk]), {"party": "new", "stage": stage.pk})
    assert response.status_code == 302
    assert Party.objects.count() == 2


def test_convert_refused_shows_the_form_again_and_changes_nothing(client, clerk):
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    client.force_login(clerk)
    stage = OpportunityStage.objects.get(name="Prospecting")
    response = client.post(
        reverse("marketing:lead_convert", args=[lead.pk]),
        {"opportunity_name": "x" * 201, "stage": stage.pk},
    )
    assert response.status_code == 400
    assert response.context["convert_form"].errors == {
        "opportunity_name": ["Ensure this value has at most 200 characters (it has 201)."]
    }
    lead.refresh_from_db()
    assert (lead.state, Party.objects.count(), Opportunity.objects.count()) == ("qualified", 0, 0)


def test_lead_page_query_count_does_not_grow_with_history(client, clerk, django_assert_max_num_queries):
    # given
    lead = lead_qualify(lead=make_lead(clerk), by=clerk)
    client.force_login(clerk)
    url = reverse("marketing:lead_detail", args=[lead.pk])
    for index in range(3):
        ActivityFactory(party=None, lead=lead, owner=clerk, subject=f"Call {index}")
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200

    # when
    for index in range(27):
        ActivityFactory(party=None, lead=lead, owner=user_with_role("sales clerk", username=f"clerk{index}"))

    # then
    with django_assert_max_num_queries(25) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# import


def upload(text: str, name: str = "leads.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_page_imports_and_links_to_the_imported_leads(client, clerk):
    # given
    LeadFactory(company_name="Earlier lead")
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:lead_import"),
        {"file": upload("company;city\nAlfa B.V.;Ede\nBeta B.V.;Epe\n"), "default_source": "trade_show"},
    )

    # then
    assert response.status_code == 200
    imported = response.context["imported"]
    assert [(lead.company_name, lead.source) for lead in imported] == [
        ("Alfa B.V.", "trade_show"),
        ("Beta B.V.", "trade_show"),
    ]
    assert "2 leads imported." in response.content.decode()
    listed = client.get(response.context["imported_url"])
    assert sorted(numbers(listed)) == sorted(lead.number for lead in imported)


def test_import_page_lists_every_bad_line_and_imports_nothing(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:lead_import"),
        {"file": upload("company,email\nGood B.V.,\n,a@b.nl\nBad B.V.,nope\n"), "default_source": "import"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "2 lines of the file are wrong: nothing was imported.",
        "line 3: company: A lead needs a company or a contact name.",
        "line 4: email: 'nope' is not a valid email address.",
    ]
    assert not Lead.objects.exists()


def test_import_needs_the_add_permission(client, db):
    client.force_login(user_with_role("billing clerk"))
    response = client.post(reverse("marketing:lead_import"), {"file": upload("company\nA\n")})
    assert response.status_code == 403
    assert not Lead.objects.exists()
