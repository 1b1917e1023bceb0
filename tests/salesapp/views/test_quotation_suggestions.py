from decimal import Decimal

import pytest
from django.urls import reverse

from salesapp.models import QuotationLine, SuggestionEvent
from salesapp.services.quotations import quotation_send
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_customer, make_line_set, make_relation

D = Decimal
# The draft quotation page, plus: the suggestions (2 when a line has some), recording them as shown, the
# accepted ones to undo, the standard line sets offered. None of them grows with the lines.
DRAFT_PAGE_QUERIES = 16


@pytest.fixture
def items(db):
    return {
        "printer": ItemFactory(number="P-100", name="Printer", unit_price=D("200.00")),
        "pro": ItemFactory(number="P-200", name="Printer Pro", unit_price=D("260.00")),
        "cable": ItemFactory(number="C-1", name="Cable", unit_price=D("7.50")),
    }


def detail(quotation):
    return reverse("salesapp:quotation_detail", args=[quotation.pk])


def test_draft_page_shows_each_lines_suggestions_and_records_them_as_shown(client, clerk, items):
    # given: a prospect's draft; one rule for everyone, one for a price group (not offered to a prospect)
    quotation = make_quotation(lines=[(items["printer"], "2")], by=clerk)
    up = make_relation(item=items["printer"], suggested_item=items["pro"], kind="up_sell", pitch="30 % faster")
    make_relation(item=items["printer"], suggested_item=items["cable"], price_group=PriceGroupFactory())
    client.force_login(clerk)
    # when: shown twice
    response = client.get(detail(quotation))
    client.get(detail(quotation))
    # then
    html = response.content.decode()
    line = quotation.lines.get()
    assert "Replace with P-200 Printer Pro" in html and "30 % faster" in html
    assert "Add C-1 Cable" not in html
    assert reverse("salesapp:quotation_suggestion_accept", args=[quotation.pk, line.pk, up.pk]) in html
    assert list(SuggestionEvent.objects.values_list("kind", "relation_id", "quotation_line_id")) == [
        ("shown", up.pk, line.pk)
    ]


def test_draft_page_query_count_does_not_grow_with_lines_and_suggestions(
    client, clerk, items, django_assert_max_num_queries
):
    # given: every line's item has two rules; a set for everyone is offered
    client.force_login(clerk)
    make_line_set(lines=[(items["cable"], "1")])
    small_items, large_items = [ItemFactory() for _ in range(2)], [ItemFactory() for _ in range(15)]
    for item in small_items + large_items:
        make_relation(item=item, suggested_item=items["cable"])
        make_relation(item=item, suggested_item=items["pro"], kind="up_sell")
    small = make_quotation(lines=[(item, "1") for item in small_items], by=clerk)
    large = make_quotation(lines=[(item, "1") for item in large_items], by=clerk)
    with django_assert_max_num_queries(DRAFT_PAGE_QUERIES):
        client.get(detail(small))
    # when
    with django_assert_max_num_queries(DRAFT_PAGE_QUERIES):
        response = client.get(detail(large))
    # then
    assert len(response.context["quotation_suggestion_rows"]) == 15
    assert response.context["quotation_insert_form"] is not None
    assert SuggestionEvent.objects.filter(quotation=large, kind="shown").count() == 30


def test_accepting_a_cross_sell_from_the_page_and_undoing_it(client, clerk, items):
    # given
    quotation = make_quotation(lines=[(items["printer"], "2")], by=clerk)
    cross = make_relation(item=items["printer"], suggested_item=items["cable"])
    client.force_login(clerk)
    line = quotation.lines.get()
    # when
    response = client.post(
        reverse("salesapp:quotation_suggestion_accept", args=[quotation.pk, line.pk, cross.pk]), follow=True
    )
    # then: the page with line 20 (2 × 7.50), an undo button, the suggestion gone
    html = response.content.decode()
    assert "C-1 added." in html
    assert list(quotation.lines.order_by("line_no").values_list("line_no", "item_id", "net_amount")) == [
        (10, items["printer"].pk, D("400.00")),
        (20, items["cable"].pk, D("15.00")),
    ]
    assert "Add C-1 Cable" not in html
    event = SuggestionEvent.objects.get(kind="accepted")
    undo_url = reverse("salesapp:quotation_suggestion_undo", args=[quotation.pk, event.pk])
    assert undo_url in html
    # when: undone
    response = client.post(undo_url, follow=True)
    # then
    assert "Suggestion undone." in response.content.decode()
    assert list(quotation.lines.values_list("line_no", flat=True)) == [10]
    quotation.refresh_from_db()
    assert quotation.amount_net == D("400.00")


def test_an_up_sell_from_the_page_replaces_the_item(client, clerk, items):
    quotation = make_quotation(lines=[(items["printer"], "1")], by=clerk)
    up = make_relation(item=items["printer"], suggested_item=items["pro"], kind="up_sell")
    line = quotation.lines.get()
    client.force_login(clerk)
    response = client.post(reverse("salesapp:quotation_suggestion_accept", args=[quotation.pk, line.pk, up.pk]))
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.item_id, line.net_amount) == (items["pro"].pk, D("260.00"))


def test_a_sent_quotation_offers_no_suggestions_and_refuses_an_accept(client, clerk, items):
    quotation = quotation_send(quotation=make_quotation(lines=[(items["printer"], "1")], by=clerk), by=clerk)
    up = make_relation(item=items["printer"], suggested_item=items["pro"], kind="up_sell")
    make_line_set(lines=[(items["cable"], "1")])
    line = quotation.lines.get()
    client.force_login(clerk)
    html = client.get(detail(quotation)).content.decode()
    assert "quotation-suggestions" not in html
    response = client.post(
        reverse("salesapp:quotation_suggestion_accept", args=[quotation.pk, line.pk, up.pk]), follow=True
    )
    assert "it only changes while it is a draft (revise it first)." in response.content.decode()
    line.refresh_from_db()
    assert line.item_id == items["printer"].pk
    assert SuggestionEvent.objects.count() == 0


def test_inserting_standard_lines_from_the_page_and_a_refusal(client, clerk, manager, items):
    # given: a customer's draft; a set for everyone and one of another customer
    customer = make_customer()
    quotation = make_quotation(customer=customer, lines=[(items["printer"], "1")], by=clerk)
    ours = make_line_set(name="Starter kit", lines=[(items["cable"], "4")], by=manager)
    theirs = make_line_set(name="Theirs", lines=[(items["cable"], "1")], customer=make_customer(), by=manager)
    client.force_login(clerk)
    url = reverse("salesapp:quotation_standard_lines_insert", args=[quotation.pk])
    html = client.get(detail(quotation)).content.decode()
    assert "Starter kit" in html and "Theirs" not in html
    # when
    response = client.post(url, {"insert-line_set": ours.pk}, follow=True)
    # then: line 20, 4 × 7.50
    assert "1 line of Starter kit added." in response.content.decode()
    assert list(quotation.lines.order_by("line_no").values_list("line_no", "net_amount")) == [
        (10, D("200.00")),
        (20, D("30.00")),
    ]
    # when: the other customer's set is posted anyway
    response = client.post(url, {"insert-line_set": theirs.pk}, follow=True)
    # then
    assert "not for this quotation&#x27;s customer or prospect" in response.content.decode()
    assert QuotationLine.objects.filter(quotation=quotation).count() == 2


def test_billing_cannot_accept_a_suggestion_on_a_quotation(client, billing, items):
    quotation = make_quotation(lines=[(items["printer"], "1")])
    cross = make_relation(item=items["printer"], suggested_item=items["cable"])
    client.force_login(billing)
    url = reverse("salesapp:quotation_suggestion_accept", args=[quotation.pk, quotation.lines.get().pk, cross.pk])
    assert client.post(url).status_code == 403
    assert quotation.lines.count() == 1
