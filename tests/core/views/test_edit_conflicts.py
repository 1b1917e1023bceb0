"""An edit page carries the version it was opened at: saving over someone else's change is refused, not silent."""

import pytest
from django.urls import reverse

from marketing.models import Party
from marketing.services.parties import party_update
from salesapp.models import Customer, SalesOrder
from salesapp.services.customers import customer_update
from salesapp.services.orders import order_update
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer, make_order

CONFLICT = "was changed by someone else since you opened it; reload it and try again."


def opened(client, url) -> dict:
    """The edit form as the browser got it: every field with the value it showed, the hidden version included."""
    form = client.get(url).context["form"]
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data


def party_case(user):
    party = PartyFactory(name="Acme BV", city="Amsterdam", country="NL")
    url = reverse("marketing:party_update", args=[party.pk])
    return party, url, "city", lambda: party_update(party=party, by=user, city="Utrecht"), Party


def customer_case(user):
    customer = make_customer(party=PartyFactory(name="Beta BV"))
    url = reverse("salesapp:customer_update", args=[customer.pk])
    return (
        customer,
        url,
        "payment_terms_days",
        lambda: customer_update(customer=customer, by=user, payment_terms_days=45),
        Customer,
    )


def order_case(user):
    order = make_order(by=user)
    url = reverse("salesapp:order_update", args=[order.pk])
    return (
        order,
        url,
        "customer_reference",
        lambda: order_update(order=order, by=user, customer_reference="theirs"),
        SalesOrder,
    )


CASES = {"party": party_case, "customer": customer_case, "order": order_case}
TYPED = {"city": "Rotterdam", "payment_terms_days": "60", "customer_reference": "mine"}


@pytest.mark.parametrize("case", CASES)
def test_saving_over_someone_elses_change_is_refused_and_keeps_what_was_typed(client, manager, case):
    # given: the clerk opens the edit page, then someone else saves a change
    record, url, field, their_change, model = CASES[case](manager)
    client.force_login(manager)
    data = opened(client, url)
    assert int(data["version"]) == model.objects.get(pk=record.pk).version
    their_change()
    theirs = model.objects.get(pk=record.pk)

    # when: the clerk saves what they typed
    response = client.post(url, {**data, field: TYPED[field]})

    # then: not saved; the form again, with the reason, what was typed, and the version now current
    assert response.status_code == 200
    form = response.context["form"]
    assert any(CONFLICT in error for error in form.non_field_errors())
    assert str(form[field].value()) == TYPED[field]
    now = model.objects.get(pk=record.pk)
    assert (getattr(now, field), now.version) == (getattr(theirs, field), theirs.version)
    assert f'name="version" value="{theirs.version}"' in response.content.decode()

    # when: the clerk, having seen it, saves again
    response = client.post(url, {**data, field: TYPED[field], "version": theirs.version})

    # then: saved
    assert response.status_code == 302
    assert str(getattr(model.objects.get(pk=record.pk), field)) == TYPED[field]


@pytest.mark.parametrize("case", CASES)
def test_saving_an_unchanged_record_moves_its_version_on(client, manager, case):
    # given
    record, url, field, _their_change, model = CASES[case](manager)
    client.force_login(manager)
    data = opened(client, url)
    before = model.objects.get(pk=record.pk).version

    # when
    response = client.post(url, {**data, field: TYPED[field]})

    # then
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert model.objects.get(pk=record.pk).version == before + 1
