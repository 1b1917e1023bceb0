"""Merging two parties from the party page: find the other one, see what moves, confirm."""

from django.contrib.messages import get_messages
from django.urls import reverse

from marketing.models import Party
from marketing.services.parties import contact_create
from tests.factories.marketing import LeadFactory, PartyFactory
from tests.factories.salesapp import make_customer


def test_merge_page_suggests_duplicates_and_finds_parties(client, clerk):
    # given
    keep = PartyFactory(name="Acme BV", email="sales@acme.example", postcode="1011 AB")
    look_alike = PartyFactory(name="ACME B V", email="SALES@acme.example")
    other = PartyFactory(name="Beta AB", city="Malmö")
    client.force_login(clerk)
    url = reverse("marketing:party_merge", args=[keep.pk])

    # when
    start = client.get(url)
    search = client.get(url, {"q": "malm"})

    # then
    assert start.context["duplicates"] == [look_alike]
    assert f'href="{url}?remove={look_alike.pk}"' in start.content.decode()
    assert search.context["candidates"] == [other]


def test_merge_preview_counts_and_confirm_merges(client, clerk):
    # given
    keep = PartyFactory(name="Acme BV")
    remove = PartyFactory(name="Acme B.V.")
    contact_create(party=remove, by=clerk, name="Ann")
    LeadFactory(party=remove)
    client.force_login(clerk)
    url = reverse("marketing:party_merge", args=[keep.pk])

    # when
    preview = client.get(url, {"remove": remove.pk})

    # then
    html = preview.content.decode()
    assert [(move.label, move.count) for move in preview.context["moves"]] == [("Leads", 1), ("Contact persons", 1)]
    assert preview.context["refusal"] is None
    assert "Merge and delete Acme B.V." in html
    assert f'href="{reverse("marketing:party_merge", args=[remove.pk])}?remove={keep.pk}"' in html

    # when
    response = client.post(url, {"remove": remove.pk})

    # then
    assert response["Location"] == reverse("marketing:party_detail", args=[keep.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Acme B.V. merged into Acme BV."]
    assert list(Party.objects.values_list("name", flat=True)) == ["Acme BV"]
    assert list(keep.contacts.values_list("name", flat=True)) == ["Ann"]


def test_merge_of_two_customers_shows_why_not_and_changes_nothing(client, clerk):
    # given
    keep = make_customer(party=PartyFactory(name="Acme BV")).party
    remove = make_customer(party=PartyFactory(name="Acme B.V.")).party
    client.force_login(clerk)
    url = reverse("marketing:party_merge", args=[keep.pk])

    # when
    preview = client.get(url, {"remove": remove.pk})
    response = client.post(url, {"remove": remove.pk})

    # then
    reason = (
        "Acme BV and Acme B.V. each have their own customer: C00001 and C00002. These are never "
        "merged, because their posted documents never change: keep working with one party and stop using the other."
    )
    assert preview.context["refusal"] == reason
    assert 'aria-disabled="true">Merge</span>' in preview.content.decode()
    assert response["Location"] == f"{url}?remove={remove.pk}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [reason]
    assert Party.objects.count() == 2


def test_merge_needs_change_and_delete_permission(client, billing):
    # given
    keep, remove = PartyFactory(), PartyFactory()
    client.force_login(billing)
    url = reverse("marketing:party_merge", args=[keep.pk])

    # when / then
    assert client.get(url).status_code == 403
    assert client.post(url, {"remove": remove.pk}).status_code == 403
    assert Party.objects.count() == 2
