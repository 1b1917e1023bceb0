"""Choosing a customer, item, party or lead by typing: the suggestion endpoints and the field that checks the choice
on the server (core.widgets)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.widgets import SUGGESTION_LIMIT, AutocompleteField
from salesapp.forms.customers import CUSTOMER_LOOKUP, customer_blocked_refusal
from salesapp.forms.orders import OrderHeaderForm
from salesapp.models import Customer
from salesapp.selectors.customers import customer_list
from salesapp.services.customers import customer_update
from tests.factories.marketing import LeadFactory, PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

HEADER = {"order_type": "sales", "requested_ship_date": "", "customer_reference": "", "external_document_number": ""}


def suggestions(client, name: str, **params) -> list[str]:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    return [row["label"] for row in response.json()["results"]]


@pytest.fixture
def customers(db):
    """C-… numbers are given by the service in creation order: Hendriks first, then Jansen, then blocked Hendrix."""
    hendriks = make_customer(party=PartyFactory(name="Hendriks Drukwerk"))
    jansen = make_customer(party=PartyFactory(name="Jansen & Hendriks"))
    blocked = make_customer(party=PartyFactory(name="Hendrix Blocked"))
    customer_update(customer=blocked, by=blocked.created_by, blocked=True, blocked_reason="Unpaid")
    return hendriks, jansen, blocked


# --- the endpoints ------------------------------------------------------------------------------------------------


def test_customers_are_suggested_by_name_start_first_then_contained(client, clerk, customers):
    hendriks, jansen, blocked = customers
    client.force_login(clerk)

    # when / then: a name starting with it comes before a name containing it; blocked ones only when allowed
    assert suggestions(client, "salesapp:customer_suggestions", q="hendr", blocked="0") == [
        f"{hendriks.number} Hendriks Drukwerk",
        f"{jansen.number} Jansen & Hendriks",
    ]
    assert suggestions(client, "salesapp:customer_suggestions", q="HENDR") == [
        f"{hendriks.number} Hendriks Drukwerk",
        f"{blocked.number} Hendrix Blocked",
        f"{jansen.number} Jansen & Hendriks",
    ]


def test_customers_are_suggested_by_number_prefix(client, clerk, customers):
    hendriks, *_ = customers
    client.force_login(clerk)

    # when / then: the number's start matches, its middle does not
    assert suggestions(client, "salesapp:customer_suggestions", q=hendriks.number.lower()) == [
        f"{hendriks.number} Hendriks Drukwerk"
    ]
    assert suggestions(client, "salesapp:customer_suggestions", q=hendriks.number[2:]) == []
    assert suggestions(client, "salesapp:customer_suggestions", q="  ") == []


def test_at_most_twenty_suggestions_in_a_constant_number_of_queries(client, clerk, django_assert_max_num_queries):
    # given
    ItemFactory.create_batch(SUGGESTION_LIMIT + 5, name="Lamp")
    client.force_login(clerk)

    # when: session, user, permissions and one query for the items
    with django_assert_max_num_queries(5):
        found = suggestions(client, "salesapp:item_suggestions", q="lamp", active="1")

    # then
    assert len(found) == SUGGESTION_LIMIT


def test_items_no_longer_sold_are_suggested_only_when_asked(client, clerk):
    ItemFactory(number="A-100", name="Anvil", unit_price="12.50")
    ItemFactory(number="A-200", name="Old anvil", active=False)
    client.force_login(clerk)

    assert suggestions(client, "salesapp:item_suggestions", q="anvil", active="1") == ["A-100 Anvil (12.50 / pcs)"]
    assert len(suggestions(client, "salesapp:item_suggestions", q="anvil")) == 2


def test_parties_prospects_and_leads_are_suggested(client, manager, customers):
    PartyFactory(name="Hendriks Papier")
    LeadFactory(company_name="Hendriks Bouw")
    client.force_login(manager)

    parties = suggestions(client, "marketing:party_suggestions", q="hendriks p")
    prospects = suggestions(client, "salesapp:prospect_suggestions", q="hendr")
    leads = suggestions(client, "marketing:lead_suggestions", q="bouw")

    assert parties == ["Hendriks Papier (Amsterdam, NL)"]
    # parties with a customer account are no prospects
    assert prospects == ["Hendriks Papier (Amsterdam, NL)"]
    assert len(leads) == 1 and "Hendriks Bouw" in leads[0]


def test_suggestions_need_the_permission_to_see_the_records(client, db):
    # given: an account without any role, and an anonymous visitor
    nobody = get_user_model().objects.create_user(username="nobody", password="pw-123456")

    # when / then
    assert client.get(reverse("salesapp:customer_suggestions"), {"q": "a"}).status_code == 302
    client.force_login(nobody)
    for name in ("salesapp:customer_suggestions", "salesapp:item_suggestions", "marketing:party_suggestions"):
        assert client.get(reverse(name), {"q": "a"}).status_code == 403


def test_suggestions_answer_only_get(client, clerk):
    client.force_login(clerk)
    assert client.post(reverse("salesapp:customer_suggestions"), {"q": "a"}).status_code == 405


# --- the field ----------------------------------------------------------------------------------------------------


def test_the_chosen_id_is_checked_against_the_fields_own_rules(customers):
    hendriks, _jansen, blocked = customers

    # when
    chosen = OrderHeaderForm({**HEADER, "customer": hendriks.pk})
    refused = OrderHeaderForm({**HEADER, "customer": blocked.pk})
    unknown = OrderHeaderForm({**HEADER, "customer": "999999"})

    # then: a blocked customer is refused with a reason naming the field
    assert chosen.is_valid(), chosen.errors
    assert chosen.cleaned_data["customer"] == hendriks
    assert not refused.is_valid()
    assert refused.errors["customer"] == [f"Customer: customer {blocked.number} is blocked: choose another customer."]
    assert unknown.errors["customer"] == ["Customer: that customer cannot be chosen here."]


def test_without_javascript_a_typed_number_or_exact_name_chooses_the_record(customers):
    hendriks, jansen, blocked = customers

    by_number = OrderHeaderForm({**HEADER, "customer": "", "customer__text": f" {hendriks.number.lower()} "})
    by_name = OrderHeaderForm({**HEADER, "customer__text": "jansen & hendriks"})
    vague = OrderHeaderForm({**HEADER, "customer__text": "hendr"})
    blocked_typed = OrderHeaderForm({**HEADER, "customer__text": blocked.number})
    empty = OrderHeaderForm({**HEADER, "customer": "", "customer__text": ""})

    assert by_number.is_valid() and by_number.cleaned_data["customer"] == hendriks
    assert by_name.is_valid() and by_name.cleaned_data["customer"] == jansen
    assert vague.errors["customer"] == ["Customer: no customer has the number or name “hendr”."]
    assert blocked_typed.errors["customer"] == [
        f"Customer: customer {blocked.number} is blocked: choose another customer."
    ]
    assert empty.errors["customer"] == ["This field is required."]


def test_a_name_shared_by_two_records_asks_for_the_number(db):
    make_customer(party=PartyFactory(name="Twin"))
    make_customer(party=PartyFactory(name="twin"))

    form = OrderHeaderForm({**HEADER, "customer__text": "Twin"})

    assert form.errors["customer"] == ["Customer: more than one customer is called “Twin”: type the number."]


def test_a_form_shown_again_keeps_the_chosen_label_or_what_was_typed(customers):
    hendriks, _jansen, blocked = customers

    chosen = OrderHeaderForm({**HEADER, "customer": hendriks.pk, "order_type": "nonsense"})
    typed = OrderHeaderForm({**HEADER, "customer__text": "hendr"})
    chosen.is_valid()
    typed.is_valid()

    chosen_html = str(chosen["customer"])
    typed_html = str(typed["customer"])
    assert f'value="{hendriks.number} Hendriks Drukwerk"' in chosen_html
    assert f'name="customer" value="{hendriks.pk}"' in chosen_html
    assert 'value="hendr"' in typed_html and 'name="customer" value=""' in typed_html
    # the ARIA combobox pattern, and the suggestions of unblocked customers only
    assert 'role="combobox"' in chosen_html and 'aria-autocomplete="list"' in chosen_html
    assert 'aria-controls="id_customer-listbox"' in chosen_html and 'role="listbox"' in chosen_html
    assert f'data-autocomplete-url="{reverse("salesapp:customer_suggestions")}?blocked=0"' in chosen_html
    assert "<select" not in chosen_html and "<option" not in chosen_html


def test_the_field_can_be_declared_for_any_lookup(customers):
    hendriks, _jansen, blocked = customers
    field = AutocompleteField(
        label="Account",
        lookup=CUSTOMER_LOOKUP,
        queryset=customer_list(blocked=False),
        everything=Customer.objects.all(),
        refusal=customer_blocked_refusal,
    )

    assert field.clean(str(hendriks.pk)) == hendriks
    with pytest.raises(Exception, match="Account: customer .* is blocked"):
        field.clean(str(blocked.pk))
