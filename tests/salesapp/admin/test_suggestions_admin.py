"""Up-sell and cross-sell rules and standard line sets in the admin: saved through the services."""

from decimal import Decimal

from django.urls import reverse

from salesapp.models import ProductRelation, StandardLineSet, SuggestionEvent
from salesapp.services.suggestions import quotation_suggestions_shown_record, suggestions_shown_record
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_line_set, make_order, make_relation

D = Decimal


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_changelists_and_change_pages_load(client, administrator, clerk):
    client.force_login(administrator)
    rule = make_relation()
    line_set = make_line_set()
    order = make_order(lines=[(rule.item, "1")], by=clerk)
    suggestions_shown_record(order=order, shown={order.lines.get().pk: [rule]}, by=clerk)
    event = SuggestionEvent.objects.get()
    for model, obj in ((ProductRelation, rule), (StandardLineSet, line_set), (SuggestionEvent, event)):
        assert client.get(url(model)).status_code == 200
        assert client.get(url(model, "change", obj.pk)).status_code == 200


def test_a_rule_is_added_through_the_service_and_a_bad_one_refused(client, administrator):
    client.force_login(administrator)
    printer, pro = ItemFactory(), ItemFactory()
    data = {
        "item": printer.pk,
        "suggested_item": pro.pk,
        "kind": "up_sell",
        "priority": "3",
        "pitch": "",
        "active": "on",
    }
    response = client.post(url(ProductRelation, "add"), data)
    assert response.status_code == 302
    rule = ProductRelation.objects.get()
    assert (rule.item_id, rule.created_by) == (printer.pk, administrator)
    response = client.post(url(ProductRelation, "add"), {**data, "suggested_item": printer.pk})
    assert ProductRelation.objects.count() == 1
    assert response.status_code == 200
    assert "An item cannot be suggested for itself." in response.content.decode()


def test_a_set_is_added_with_its_lines(client, administrator):
    client.force_login(administrator)
    paper = ItemFactory()
    data = {
        "name": "Monthly",
        "customer": "",
        "active": "on",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-item": paper.pk,
        "lines-0-quantity": "12",
    }
    response = client.post(url(StandardLineSet, "add"), data)
    assert response.status_code == 302
    line_set = StandardLineSet.objects.get()
    assert list(line_set.lines.values_list("line_no", "item_id", "quantity")) == [(10, paper.pk, D("12.000"))]
    assert line_set.created_by == administrator


def test_rules_filter_by_price_group_and_events_on_quotations_show(client, administrator, clerk):
    client.force_login(administrator)
    wholesale = PriceGroupFactory(code="WHOLESALE")
    grouped, everyone = make_relation(price_group=wholesale), make_relation()
    response = client.get(url(ProductRelation), {"price_group__id__exact": wholesale.pk})
    assert [row.pk for row in response.context["cl"].result_list] == [grouped.pk]
    quotation = make_quotation(lines=[(everyone.item, "1")], by=clerk)
    quotation_suggestions_shown_record(quotation=quotation, shown={quotation.lines.get().pk: [everyone]}, by=clerk)
    event = SuggestionEvent.objects.get()
    assert client.get(url(SuggestionEvent)).status_code == 200
    assert client.get(url(SuggestionEvent, "change", event.pk)).status_code == 200
