from decimal import Decimal

import pytest
from django.urls import reverse

from salesapp.models import ProductRelation, SuggestionEvent
from salesapp.services.orders import order_confirm
from salesapp.services.suggestions import quotation_suggestion_accept, suggestion_accept
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_order, make_relation

D = Decimal
HTMX = {"HX-Request": "true"}
# The order page without suggestions, plus: the suggestions (2 when a line has some), recording them as shown,
# the accepted ones to undo, the standard line sets offered. None of them grows with the lines.
ORDER_PAGE_QUERIES = 19


@pytest.fixture
def items(db):
    return {
        "printer": ItemFactory(number="P-100", name="Printer", unit_price=D("200.00")),
        "pro": ItemFactory(number="P-200", name="Printer Pro", unit_price=D("260.00")),
        "cable": ItemFactory(number="C-1", name="Cable", unit_price=D("7.50")),
    }


def test_order_page_shows_each_lines_suggestions_and_records_them_as_shown(client, clerk, items):
    # given
    order = make_order(lines=[(items["printer"], "2")], by=clerk)
    up = make_relation(item=items["printer"], suggested_item=items["pro"], kind="up_sell", pitch="30 % faster")
    cross = make_relation(item=items["printer"], suggested_item=items["cable"], priority=20)
    client.force_login(clerk)
    # when
    response = client.get(reverse("salesapp:order_detail", args=[order.pk]))
    client.get(reverse("salesapp:order_detail", args=[order.pk]))
    # then
    html = response.content.decode()
    assert "Replace with P-200 Printer Pro" in html
    assert "30 % faster" in html
    assert "Add C-1 Cable" in html
    line = order.lines.get()
    assert reverse("salesapp:order_suggestion_accept", args=[order.pk, line.pk, up.pk]) in html
    assert sorted(SuggestionEvent.objects.filter(kind="shown").values_list("relation_id", flat=True)) == sorted(
        [up.pk, cross.pk]
    )


def test_order_page_query_count_does_not_grow_with_lines_and_suggestions(
    client, clerk, items, django_assert_max_num_queries
):
    # given: every line's item has two rules
    client.force_login(clerk)
    small_items = [ItemFactory() for _ in range(2)]
    large_items = [ItemFactory() for _ in range(15)]
    for item in small_items + large_items:
        make_relation(item=item, suggested_item=items["cable"])
        make_relation(item=item, suggested_item=items["pro"], kind="up_sell")
    small = make_order(lines=[(item, "1") for item in small_items], by=clerk)
    large = make_order(lines=[(item, "1") for item in large_items], by=clerk)
    with django_assert_max_num_queries(ORDER_PAGE_QUERIES):
        client.get(reverse("salesapp:order_detail", args=[small.pk]))
    # when
    with django_assert_max_num_queries(ORDER_PAGE_QUERIES):
        response = client.get(reverse("salesapp:order_detail", args=[large.pk]))
    # then
    assert len(response.context["suggestion_rows"]) == 15
    assert SuggestionEvent.objects.filter(order=large, kind="shown").count() == 30


def test_accepting_a_cross_sell_from_the_page_and_undoing_it(client, clerk, items):
    # given
    order = make_order(lines=[(items["printer"], "2")], by=clerk)
    cross = make_relation(item=items["printer"], suggested_item=items["cable"])
    client.force_login(clerk)
    line = order.lines.get()
    # when: accepted (htmx)
    response = client.post(
        reverse("salesapp:order_suggestion_accept", args=[order.pk, line.pk, cross.pk]), headers=HTMX
    )
    # then: the lines fragment with the new line, the suggestion gone and an undo button
    html = response.content.decode()
    assert response.status_code == 200
    assert "C-1 added." in html
    assert "Add C-1 Cable" not in html
    event = SuggestionEvent.objects.get(kind="accepted")
    undo_url = reverse("salesapp:order_suggestion_undo", args=[order.pk, event.pk])
    assert undo_url in html
    assert order.lines.count() == 2
    # when: undone
    response = client.post(undo_url, headers=HTMX)
    # then
    assert "Suggestion undone." in response.content.decode()
    assert list(order.lines.values_list("item__number", flat=True)) == ["P-100"]


def test_a_confirmed_order_shows_no_suggestions_and_refuses_accepting(client, clerk, items):
    order = order_confirm(order=make_order(lines=[(items["printer"], "1")], by=clerk), by=clerk)
    rule = make_relation(item=items["printer"], suggested_item=items["cable"])
    client.force_login(clerk)
    html = client.get(reverse("salesapp:order_detail", args=[order.pk])).content.decode()
    assert "Add C-1" not in html
    response = client.post(
        reverse("salesapp:order_suggestion_accept", args=[order.pk, order.lines.get().pk, rule.pk]), follow=True
    )
    assert "only change while it is open" in response.content.decode()
    assert SuggestionEvent.objects.count() == 0


def test_manager_creates_edits_and_deactivates_a_rule(client, manager, items):
    client.force_login(manager)
    response = client.post(
        reverse("salesapp:relation_create"),
        {
            "item": items["printer"].pk,
            "suggested_item": items["pro"].pk,
            "kind": "up_sell",
            "min_quantity": "",
            "valid_from": "",
            "valid_to": "",
            "priority": "5",
            "pitch": "Faster",
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule = ProductRelation.objects.get()
    assert (rule.kind, rule.priority, rule.pitch, rule.created_by) == ("up_sell", 5, "Faster", manager)
    # the same item on both sides is refused beside the field
    response = client.post(
        reverse("salesapp:relation_update", args=[rule.pk]),
        {"item": items["printer"].pk, "suggested_item": items["printer"].pk, "kind": "up_sell", "priority": "5"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["suggested_item"] == ["An item cannot be suggested for itself."]
    client.post(reverse("salesapp:relation_deactivate", args=[rule.pk]))
    rule.refresh_from_db()
    assert (rule.active, rule.suggested_item_id) == (False, items["pro"].pk)


def test_rule_list_filters_exports_and_is_read_only_for_clerks(client, clerk, items):
    make_relation(item=items["printer"], suggested_item=items["pro"], kind="up_sell")
    make_relation(item=items["cable"], suggested_item=items["printer"])
    client.force_login(clerk)
    response = client.get(reverse("salesapp:relation_list"), {"kind": "up_sell"})
    assert [rule.suggested_item.number for rule in response.context["page_obj"]] == ["P-200"]
    assert reverse("salesapp:relation_create") not in response.content.decode()
    response = client.get(reverse("salesapp:relation_list"), {"q": "C-1", "export": "csv"})
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("Item,Suggested item,Kind")
    assert rows[1].startswith("C-1,P-100,Cross-sell")
    assert len(rows) == 2
    assert client.get(reverse("salesapp:relation_create")).status_code == 403


def test_report_shows_shown_accepted_rate_and_revenue_per_rule(client, clerk, manager, items):
    # given: the rule shown on 4 lines, accepted on 1 (2 cables × 7.50 = 15.00)
    rule = make_relation(item=items["printer"], suggested_item=items["cable"])
    orders = [make_order(lines=[(items["printer"], "2")], by=clerk) for _ in range(4)]
    client.force_login(clerk)
    for order in orders:
        client.get(reverse("salesapp:order_detail", args=[order.pk]))
    suggestion_accept(order_line=orders[0].lines.get(), relation=rule, by=clerk)
    # when
    response = client.get(reverse("salesapp:suggestion_report"))
    # then
    (row,) = response.context["page_obj"]
    assert (row.shown, row.accepted, row.rate, row.revenue) == (4, 1, D("25"), D("15.00"))
    assert "25.0 %" in response.content.decode()


def test_a_rule_for_a_price_group_from_the_form_and_the_list_filtered_by_group(client, manager, items):
    # given
    wholesale = PriceGroupFactory(code="WHOLESALE", name="Wholesale")
    make_relation(item=items["printer"], suggested_item=items["cable"])
    client.force_login(manager)
    # when
    response = client.post(
        reverse("salesapp:relation_create"),
        {
            "item": items["printer"].pk,
            "suggested_item": items["pro"].pk,
            "kind": "up_sell",
            "price_group": wholesale.pk,
            "priority": "5",
            "active": "on",
        },
    )
    # then
    assert response.status_code == 302
    rule = ProductRelation.objects.get(suggested_item=items["pro"])
    assert rule.price_group == wholesale
    response = client.get(reverse("salesapp:relation_list"), {"price_group": wholesale.pk})
    assert [row.pk for row in response.context["page_obj"]] == [rule.pk]
    assert "WHOLESALE" in response.content.decode()
    response = client.get(reverse("salesapp:relation_list"), {"export": "csv"})
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert "Customer price group" in rows[0]
    assert sorted(row.split(",")[4] for row in rows[1:]) == ["", "WHOLESALE"]
    # the edit form keeps the group
    form = client.get(reverse("salesapp:relation_update", args=[rule.pk])).context["form"]
    assert form.initial["price_group"] == wholesale


def test_report_shows_quoted_amounts_beside_order_revenue(client, clerk, items):
    # given: the cable cross-sell accepted on a quotation (2 × 7.50)
    rule = make_relation(item=items["printer"], suggested_item=items["cable"])
    quotation = make_quotation(lines=[(items["printer"], "2")], by=clerk)
    client.force_login(clerk)
    client.get(reverse("salesapp:quotation_detail", args=[quotation.pk]))
    quotation_suggestion_accept(quotation_line=quotation.lines.get(), relation=rule, by=clerk)
    # when
    response = client.get(reverse("salesapp:suggestion_report"))
    # then
    (row,) = response.context["page_obj"]
    assert (row.shown, row.accepted, row.revenue, row.quoted_revenue) == (1, 1, D("0.00"), D("15.00"))
    html = response.content.decode()
    assert "Revenue on orders" in html and "Quoted" in html
