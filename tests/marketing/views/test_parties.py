from django.urls import reverse

from marketing.models import Party
from marketing.services.parties import address_create, contact_create
from tests.factories.marketing import (
    ActivityFactory,
    CampaignTargetFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
    TagFactory,
)
from tests.factories.salesapp import make_customer, make_order


def names(response) -> list[str]:
    return [party.name for party in response.context["page_obj"]]


def test_party_list_searches_name_email_and_city_and_filters_kind_and_country(client, clerk):
    # given
    PartyFactory(name="Acme BV", email="sales@acme.example", city="Amsterdam", country="NL")
    PartyFactory(name="Jan Jansen", kind="person", email="jan@jansen.example", city="Utrecht", country="NL")
    PartyFactory(name="Svensk AB", email="info@svensk.example", city="Stockholm", country="SE")
    client.force_login(clerk)
    url = reverse("marketing:party_list")

    # when / then
    assert names(client.get(url)) == ["Acme BV", "Jan Jansen", "Svensk AB"]
    assert names(client.get(url, {"q": "acme"})) == ["Acme BV"]
    assert names(client.get(url, {"q": "jansen.example"})) == ["Jan Jansen"]
    assert names(client.get(url, {"q": "stockholm"})) == ["Svensk AB"]
    assert names(client.get(url, {"kind": "person"})) == ["Jan Jansen"]
    assert names(client.get(url, {"country": "se"})) == ["Svensk AB"]
    assert names(client.get(url, {"q": "a", "kind": "organization", "country": "NL"})) == ["Acme BV"]


def test_party_list_shows_stage_customer_with_account_link_or_prospect(client, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Acme BV"))
    PartyFactory(name="Beta BV")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_list"))

    # then
    html = response.content.decode()
    account_link = f'<a href="{reverse("salesapp:customer_detail", args=[customer.pk])}">{customer.number}</a>'
    assert customer.number == "C00001"
    assert f'<span class="badge stage-customer">Customer</span> {account_link}' in html
    assert html.count('<span class="badge stage-prospect">Prospect</span>') == 1


def test_party_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given: a few parties, one a customer
    make_customer(party=PartyFactory())
    PartyFactory()
    client.force_login(clerk)
    url = reverse("marketing:party_list")
    with django_assert_max_num_queries(8) as few:
        assert client.get(url).status_code == 200

    # when: a full page of parties, half of them customers
    for _ in range(15):
        make_customer(party=PartyFactory())
        PartyFactory()

    # then: the same number of queries
    with django_assert_max_num_queries(8) as many:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert len(many) == len(few)


def test_prospect_page_offers_to_create_a_customer_account(client, clerk):
    # given
    party = PartyFactory(name="Acme BV", street="Dam 1", postcode="1012 JS", city="Amsterdam")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_detail", args=[party.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Prospect" in html
    assert f'href="{reverse("salesapp:customer_create")}?party={party.pk}"' in html
    assert "Create customer account" in html
    assert "Dam 1<br>1012 JS Amsterdam<br>NL<br>" in html


def test_customer_page_of_party_links_to_the_customer_account(client, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Acme BV"))
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_detail", args=[customer.party.pk]))

    # then
    html = response.content.decode()
    assert "Create customer account" not in html
    assert f'href="{reverse("salesapp:customer_detail", args=[customer.pk])}"' in html
    assert f"Customer account {customer.number}" in html


def test_party_create_saves_through_the_service(client, clerk):
    # given
    client.force_login(clerk)
    data = {
        "name": "  Acme BV ",
        "kind": "organization",
        "email": "sales@acme.example",
        "phone": "+31 20 123 4567",
        "street": "Dam 1",
        "postcode": "1012 JS",
        "city": "Amsterdam",
        "country": "nl",
        "language": "nl",
        "vat_number": "NL001234567B01",
    }

    # when
    response = client.post(reverse("marketing:party_create"), data)

    # then
    party = Party.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("marketing:party_detail", args=[party.pk])
    assert (party.name, party.country, party.city, party.language, party.created_by) == (
        "Acme BV",
        "NL",
        "Amsterdam",
        "nl",
        clerk,
    )


def test_party_create_puts_the_service_refusal_on_the_country_field(client, clerk):
    # given
    client.force_login(clerk)

    # when: a one-letter country passes the form but not the service
    response = client.post(
        reverse("marketing:party_create"), {"name": "Acme BV", "kind": "organization", "country": "N", "language": "en"}
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"country": ["Use a two-letter ISO country code, e.g. NL."]}
    assert not Party.objects.exists()


def test_new_party_form_leaves_the_language_to_the_country(client, clerk):
    # given
    client.force_login(clerk)
    url = reverse("marketing:party_create")

    # when
    form = client.get(url).context["form"]
    response = client.post(url, {"name": "Ström Kontor AB", "kind": "organization", "country": "se", "language": ""})

    # then: nothing preselected, and the Swedish party is written to in Swedish
    assert (form["language"].value(), form.fields["language"].choices[0]) == ("", ("", "From the country"))
    assert response.status_code == 302
    assert Party.objects.values_list("country", "language").get() == ("SE", "sv")


def test_party_create_refuses_a_country_iso_does_not_know_on_the_field(client, clerk):
    # given
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:party_create"), {"name": "Acme BV", "kind": "organization", "country": "XX", "language": ""}
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "country": ["XX is not an ISO 3166 country code; use e.g. NL, BE or SE."]
    }
    assert not Party.objects.exists()


def test_party_update_changes_the_party_and_refuses_a_bad_country(client, clerk):
    # given
    party = PartyFactory(name="Acme BV", city="Amsterdam", country="NL")
    client.force_login(clerk)
    url = reverse("marketing:party_update", args=[party.pk])
    data = {"name": "Acme Holding BV", "kind": "organization", "city": "Rotterdam", "country": "NL", "language": "en"}

    # when
    response = client.post(url, data)

    # then
    party.refresh_from_db()
    assert response["Location"] == reverse("marketing:party_detail", args=[party.pk])
    assert (party.name, party.city) == ("Acme Holding BV", "Rotterdam")

    # when: a bad country
    response = client.post(url, {**data, "city": "Utrecht", "country": "X"})

    # then: error on the field, nothing changed, heading keeps the stored name
    party.refresh_from_db()
    assert response.context["form"].errors == {"country": ["Use a two-letter ISO country code, e.g. NL."]}
    assert (party.city, party.country) == ("Rotterdam", "NL")
    assert "Edit Acme Holding BV" in response.content.decode()


def test_party_pages_need_login_and_permission(client, billing):
    # given
    party = PartyFactory()

    # when / then: anonymous users go to the login page
    response = client.get(reverse("marketing:party_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    # when / then: billing clerks may look but not edit
    client.force_login(billing)
    assert client.get(reverse("marketing:party_detail", args=[party.pk])).status_code == 200
    assert client.get(reverse("marketing:party_create")).status_code == 403
    assert client.post(reverse("marketing:party_update", args=[party.pk]), {"name": "X"}).status_code == 403


def test_party_list_filters_stage_tag_city_and_language_and_searches_contacts(client, clerk):
    # given
    acme = PartyFactory(name="Acme BV", city="Delft", language="nl")
    acme.tags.add(TagFactory(name="VIP"))
    contact_create(party=acme, by=clerk, name="Johanna Visser")
    beta = PartyFactory(name="Beta AB", city="Malmö", language="sv")
    LeadFactory(party=beta)
    make_customer(party=PartyFactory(name="Gamma GmbH", city="Delft", language="en"))
    client.force_login(clerk)
    url = reverse("marketing:party_list")

    # when / then
    assert names(client.get(url, {"stage": "lead"})) == ["Beta AB"]
    assert names(client.get(url, {"stage": "customer"})) == ["Gamma GmbH"]
    assert names(client.get(url, {"tag": "VIP"})) == ["Acme BV"]
    assert names(client.get(url, {"city": "delft"})) == ["Acme BV", "Gamma GmbH"]
    assert names(client.get(url, {"language": "sv"})) == ["Beta AB"]
    assert names(client.get(url, {"q": "visser"})) == ["Acme BV"]
    html = client.get(url, {"tag": "VIP"}).content.decode()
    assert '<span class="tag">VIP</span>' in html
    assert '<option value="VIP" selected>VIP</option>' in html


def test_party_page_shows_contacts_addresses_tags_and_open_work(client, clerk):
    # given
    party = PartyFactory(name="Acme BV")
    party.tags.add(TagFactory(name="VIP"))
    contact_create(party=party, by=clerk, name="Ann de Vries", job_title="Buyer", email="ann@acme.example")
    address_create(
        party=party, by=clerk, purpose="delivery", street="Dock 1", postcode="3011 AA", city="Rotterdam", country="NL"
    )
    lead = LeadFactory(party=party, company_name="Acme BV", contact_name="")
    LeadFactory(party=party, state="disqualified", company_name="Old lead")
    opportunity = OpportunityFactory(party=party, name="Office chairs")
    activity = ActivityFactory(party=party, owner=clerk, subject="Call Ann")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_detail", args=[party.pk]))

    # then
    html = response.content.decode()
    assert response.context["stage_label"] == "Opportunity"
    assert '<span class="badge stage-opportunity">Opportunity</span>' in html
    assert "Ann de Vries" in html and "Buyer" in html and '<span class="badge open">Primary</span>' in html
    assert "Dock 1, 3011 AA Rotterdam, NL" in html
    assert f'href="{reverse("marketing:party_list")}?tag=VIP">VIP</a>' in html
    assert f'href="{reverse("marketing:lead_detail", args=[lead.pk])}">{lead.number}</a>' in html
    assert list(response.context["open_leads"]) == [lead]
    assert f'href="{reverse("marketing:opportunity_detail", args=[opportunity.pk])}">{opportunity.number}</a>' in html
    assert f'href="{reverse("marketing:activity_detail", args=[activity.pk])}">Call Ann</a>' in html
    path = reverse("marketing:party_detail", args=[party.pk])
    assert f'href="{reverse("marketing:lead_create")}?party={party.pk}"' in html
    assert f'href="{reverse("marketing:opportunity_create")}?party={party.pk}"' in html
    assert f'href="{reverse("marketing:activity_create")}?party={party.pk}&amp;next={path}"' in html
    assert f'href="{reverse("marketing:party_merge", args=[party.pk])}"' in html
    assert [entry.kind for entry in response.context["timeline"].entries] == [
        "activity",
        "opportunity",
        "lead",
        "lead",
        "party",
    ]


def make_history(party, clerk, count: int) -> None:
    customer = make_customer(party=party)
    for index in range(count):
        contact_create(party=party, by=clerk, name=f"Contact {index}")
        address_create(
            party=party, by=clerk, purpose="delivery", street=f"Dock {index}", city="Rotterdam", country="NL"
        )
        party.tags.add(TagFactory(name=f"tag {index}"))
        LeadFactory(party=party)
        OpportunityFactory(party=party)
        ActivityFactory(party=party, owner=clerk)
        CampaignTargetFactory(party=party)
        make_order(customer=customer, by=clerk)


def test_party_page_query_count_does_not_grow_with_history(client, clerk, django_assert_max_num_queries):
    # given
    quiet, busy = PartyFactory(), PartyFactory()
    make_history(quiet, clerk, 3)
    make_history(busy, clerk, 30)
    client.force_login(clerk)

    # when: the timeline asks each source once (quotations are one of them)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("marketing:party_detail", args=[quiet.pk])).status_code == 200
    with django_assert_max_num_queries(20) as many:
        response = client.get(reverse("marketing:party_detail", args=[busy.pk]))

    # then
    assert len(many) == len(few)
    assert len(response.context["contacts"]) == 30
    assert response.context["timeline"].has_next


def test_timeline_older_pages_load_in_place_or_as_a_page(client, clerk):
    # given
    party = PartyFactory(name="Acme BV")
    for index in range(25):
        ActivityFactory(party=party, owner=clerk, subject=f"Call {index:02d}")
    client.force_login(clerk)
    url = reverse("marketing:party_timeline", args=[party.pk])

    # when
    first = client.get(reverse("marketing:party_detail", args=[party.pk])).content.decode()
    fragment = client.get(url, {"page": 2}, headers={"HX-Request": "true"})
    page = client.get(url, {"page": 2})

    # then: the party page shows 20 and offers the older ones; page 2 has the other 5 and the party itself
    assert first.count('<li class="timeline-activity">') == 20
    assert f'hx-get="{url}?page=2"' in first
    assert [t.name for t in fragment.templates][0] == "marketing/includes/party_timeline.html"
    assert [entry.title for entry in fragment.context["timeline"].entries] == [
        "Call 04",
        "Call 03",
        "Call 02",
        "Call 01",
        "Call 00",
        "Acme BV recorded",
    ]
    assert "page=3" not in fragment.content.decode()
    assert page.templates[0].name == "marketing/party_timeline.html"
    assert "Timeline of Acme BV" in page.content.decode()


def test_party_create_warns_about_duplicates_and_creates_only_when_confirmed(client, clerk):
    # given
    existing = PartyFactory(name="Acme BV", email="sales@acme.example", postcode="1011 AB")
    client.force_login(clerk)
    url = reverse("marketing:party_create")
    data = {"name": "ACME bv", "kind": "organization", "postcode": "1011ab", "country": "NL", "language": "nl"}

    # when
    warned = client.post(url, data)

    # then: nothing created, a link to the look-alike and the box to create anyway
    html = warned.content.decode()
    assert warned.status_code == 200
    assert Party.objects.count() == 1
    assert f'<a href="{reverse("marketing:party_detail", args=[existing.pk])}"' in html
    assert 'name="allow_duplicate"' in html
    assert warned.context["duplicates"] == [existing]

    # when
    created = client.post(url, {**data, "allow_duplicate": "on", "tags": "VIP, new customer"})

    # then
    party = Party.objects.exclude(pk=existing.pk).get()
    assert created["Location"] == reverse("marketing:party_detail", args=[party.pk])
    assert party.name == "ACME bv"
    assert sorted(party.tags.values_list("name", flat=True)) == ["VIP", "new customer"]


def test_duplicates_are_shown_while_typing(client, clerk):
    # given
    existing = PartyFactory(name="Acme BV", email="sales@acme.example")
    client.force_login(clerk)

    # when
    found = client.get(reverse("marketing:party_duplicates"), {"email": "SALES@acme.example", "name": "x"})
    none = client.get(reverse("marketing:party_duplicates"), {"email": "other@acme.example"})

    # then
    assert found.context["duplicates"] == [existing]
    assert "This party may exist already:" in found.content.decode()
    assert none.content.decode().strip() == ""


def test_party_update_shows_and_replaces_the_tags(client, clerk):
    # given
    party = PartyFactory(name="Acme BV", country="NL")
    party.tags.add(TagFactory(name="VIP"), TagFactory(name="Retail"))
    client.force_login(clerk)
    url = reverse("marketing:party_update", args=[party.pk])

    # when
    form = client.get(url).context["form"]
    response = client.post(
        url, {"name": "Acme BV", "kind": "organization", "country": "NL", "language": "en", "tags": "retail, Export"}
    )

    # then
    assert form.initial["tags"] == "Retail, VIP"
    assert "allow_duplicate" not in form.fields
    assert response.status_code == 302
    assert sorted(party.tags.values_list("name", flat=True)) == ["Export", "Retail"]


def test_the_party_page_panels_are_bounded_with_links_to_the_full_lists(client, clerk):
    # given: twelve open leads of one party, and three of another
    party = PartyFactory(name="Busy BV")
    LeadFactory.create_batch(12, party=party)
    LeadFactory.create_batch(3, party=PartyFactory())
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_detail", args=[party.pk]))

    # then: ten of them, newest first, and the lead list filtered on the party's open leads
    leads = response.context["open_leads"]
    assert (len(leads), leads.more) == (10, True)
    assert list(leads) == list(party.leads.order_by("-id")[:10])
    all_open = f"{reverse('marketing:lead_list')}?party={party.pk}&amp;state=open"
    assert f'<a href="{all_open}">All open leads of this party</a>' in response.content.decode()
    assert response.context["open_opportunities"].more is False
