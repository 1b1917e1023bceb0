from decimal import Decimal

from django.urls import reverse

from salesapp.models import Customer
from salesapp.services.customers import customer_update
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer, make_order
from tests.factories.users import builder

D = Decimal


def numbers(response) -> list[str]:
    return [customer.number for customer in response.context["page_obj"]]


def test_customer_list_searches_number_name_and_city_and_filters_blocked(client, clerk):
    # given
    acme = make_customer(party=PartyFactory(name="Acme BV", city="Amsterdam"))
    beta = make_customer(party=PartyFactory(name="Beta BV", city="Utrecht"))
    gamma = make_customer(party=PartyFactory(name="Gamma AB", city="Stockholm"))
    customer_update(customer=beta, blocked=True, blocked_reason="Unpaid invoices", by=builder())
    client.force_login(clerk)
    url = reverse("salesapp:customer_list")

    # when / then
    assert numbers(client.get(url)) == [acme.number, beta.number, gamma.number]
    assert numbers(client.get(url, {"q": acme.number})) == [acme.number]
    assert numbers(client.get(url, {"q": "gamma"})) == [gamma.number]
    assert numbers(client.get(url, {"q": "utrecht"})) == [beta.number]
    assert numbers(client.get(url, {"blocked": "yes"})) == [beta.number]
    assert numbers(client.get(url, {"blocked": "no"})) == [acme.number, gamma.number]
    assert 'title="Unpaid invoices">Blocked</span>' in client.get(url).content.decode()


def test_customer_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    make_customer()
    client.force_login(clerk)
    url = reverse("salesapp:customer_list")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200

    # when
    for _ in range(30):
        make_customer()

    # then
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25


def test_customer_account_is_created_from_a_prospect_party(client, manager):
    # given: a prospect, opened from its party page by a sales manager (who sets credit terms)
    party = PartyFactory(name="Acme BV")
    client.force_login(manager)
    url = reverse("salesapp:customer_create")
    form = client.get(url, {"party": party.pk}).context["form"]
    assert (form.initial["party"], form["currency"].value(), form["payment_terms_days"].value()) == (
        party.pk,
        "EUR",
        30,
    )

    # when
    response = client.post(
        f"{url}?party={party.pk}",
        {"party": party.pk, "currency": "EUR", "payment_terms_days": "14", "credit_limit": "5000.00"},
    )

    # then: the account exists and the party page shows a customer
    customer = Customer.objects.get(party=party)
    assert response["Location"] == reverse("salesapp:customer_detail", args=[customer.pk])
    assert (customer.number, customer.payment_terms_days, customer.credit_limit, customer.created_by) == (
        "C00001",
        14,
        D("5000.00"),
        manager,
    )
    party_page = client.get(reverse("marketing:party_detail", args=[party.pk])).content.decode()
    assert "Create customer account" not in party_page
    assert f'<a href="{reverse("salesapp:customer_detail", args=[customer.pk])}">C00001</a>' in party_page


def test_customer_create_offers_only_prospects_and_sends_customers_to_their_account(client, clerk):
    # given
    existing = make_customer(party=PartyFactory(name="Acme BV"))
    prospect = PartyFactory(name="Beta BV")
    client.force_login(clerk)
    url = reverse("salesapp:customer_create")

    # when / then: only the prospect can be chosen
    choices = list(client.get(url).context["form"].fields["party"].queryset)
    assert choices == [prospect]

    # when / then: asking for an account for a customer opens that account
    response = client.get(url, {"party": existing.party.pk})
    assert response["Location"] == reverse("salesapp:customer_detail", args=[existing.pk])

    # when / then: posting a party that already has an account is refused on the field
    response = client.post(
        url, {"party": existing.party.pk, "currency": "EUR", "payment_terms_days": "30", "credit_limit": "0"}
    )
    assert list(response.context["form"].errors) == ["party"]
    assert Customer.objects.count() == 1


def test_customer_page_shows_account_orders_and_loads_the_receivables_panel(client, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Acme BV"), credit_limit=D("2500"))
    order = make_order(customer=customer, by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:customer_detail", args=[customer.pk]))

    # then
    html = response.content.decode()
    assert f'hx-get="{reverse("invoicing:customer_account", args=[customer.pk])}"' in html
    assert f'href="{reverse("salesapp:order_create")}?customer={customer.pk}"' in html
    assert f'<a href="{reverse("salesapp:order_detail", args=[order.pk])}">{order.number}</a>' in html
    assert f'href="{reverse("marketing:party_detail", args=[customer.party.pk])}"' in html
    assert "EUR 2,500.00" in html


def test_customer_update_needs_a_reason_to_block(client, billing):
    # given
    customer = make_customer()
    client.force_login(billing)
    url = reverse("salesapp:customer_update", args=[customer.pk])
    data = {"currency": "SEK", "payment_terms_days": "45", "credit_limit": "100.00", "blocked": "on"}

    # when
    response = client.post(url, data)

    # then
    customer.refresh_from_db()
    assert response.context["form"].errors == {"blocked_reason": ["Say why the customer is blocked."]}
    assert (customer.currency, customer.blocked) == ("EUR", False)

    # when
    response = client.post(url, {**data, "blocked_reason": "Bankrupt"})

    # then
    customer.refresh_from_db()
    assert response["Location"] == reverse("salesapp:customer_detail", args=[customer.pk])
    assert (customer.currency, customer.payment_terms_days, customer.credit_limit) == ("SEK", 45, D("100.00"))
    assert (customer.blocked, customer.blocked_reason) == (True, "Bankrupt")
