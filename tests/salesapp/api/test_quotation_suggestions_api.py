from decimal import Decimal

from salesapp.models import QuotationLine, SuggestionEvent
from salesapp.services.quotations import quotation_send
from tests.core.api.helpers import api_client, problem
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_customer, make_line_set, make_relation

D = Decimal


def test_accept_a_suggestion_on_a_quotation_and_undo_it(integrator):
    # given: a prospect's draft of 2 printers; a cable cross-sell
    printer, cable = ItemFactory(number="P-100"), ItemFactory(number="C-1", unit_price=D("7.50"))
    quotation = make_quotation(lines=[(printer, "2")])
    rule = make_relation(item=printer, suggested_item=cable)
    api = api_client(integrator)
    url = f"/api/v1/quotations/{quotation.pk}/accept-suggestion/"
    # when
    response = api.post(url, {"line": quotation.lines.get().pk, "relation": rule.pk}, format="json")
    # then: the event and the quotation with its new line (2 × 7.50)
    assert response.status_code == 201, response.content
    body = response.json()
    assert [line["item_number"] for line in body["quotation"]["lines"]] == ["P-100", "C-1"]
    added = QuotationLine.objects.get(quotation=quotation, item=cable)
    assert {key: body["event"][key] for key in ("kind", "revenue", "quotation", "order", "added_quotation_line")} == {
        "kind": "accepted",
        "revenue": "15.00",
        "quotation": quotation.pk,
        "order": None,
        "added_quotation_line": added.pk,
    }
    # the events list filters by quotation
    listed = api.get("/api/v1/suggestion-events/", {"quotation": quotation.pk}).json()["results"]
    assert [row["id"] for row in listed] == [body["event"]["id"]]
    # when: undone
    undone = api.post(f"/api/v1/suggestion-events/{body['event']['id']}/undo/")
    # then
    assert undone.status_code == 200, undone.content
    assert undone.json()["undone_at"] is not None
    assert list(quotation.lines.values_list("item__number", flat=True)) == ["P-100"]


def test_accept_refusals_name_the_reason_and_change_nothing(integrator):
    printer = ItemFactory(number="P-100")
    quotation = make_quotation(lines=[(printer, "1")])
    grouped = make_relation(item=printer, suggested_item=ItemFactory(), price_group=PriceGroupFactory())
    api = api_client(integrator)
    url = f"/api/v1/quotations/{quotation.pk}/accept-suggestion/"
    line = quotation.lines.get()
    # a rule for a price group does not apply to a prospect
    refused = api.post(url, {"line": line.pk, "relation": grouped.pk}, format="json")
    assert problem(refused, 400)["code"] == "suggestion-not-applicable"
    # a line of another quotation is not found on this one
    other = make_quotation(lines=[(printer, "1")])
    everyone = make_relation(item=printer, suggested_item=ItemFactory())
    assert api.post(url, {"line": other.lines.get().pk, "relation": everyone.pk}, format="json").status_code == 404
    # a sent quotation is not changed
    quotation_send(quotation=quotation, by=integrator)
    refused = api.post(url, {"line": line.pk, "relation": everyone.pk}, format="json")
    assert problem(refused, 409)["code"] == "quotation-not-editable"
    # an unknown field is named
    unknown = api.post(url, {"line": line.pk, "relation": everyone.pk, "qty": 3}, format="json")
    assert problem(unknown, 400)["errors"][0]["field"] == "qty"
    assert SuggestionEvent.objects.count() == 0
    assert quotation.lines.count() == 1 and other.lines.count() == 1


def test_insert_standard_lines_into_a_quotation(integrator):
    # given: a customer's draft and a set of two lines
    paper, toner = ItemFactory(number="PAPER", unit_price=D("4.00")), ItemFactory(number="TONER")
    customer = make_customer()
    line_set = make_line_set(customer=customer, lines=[(paper, "10"), (toner, "1")])
    quotation = make_quotation(customer=customer, lines=[(ItemFactory(), "1")])
    api = api_client(integrator)
    # when
    inserted = api.post(
        f"/api/v1/quotations/{quotation.pk}/insert-standard-lines/", {"line_set": line_set.pk}, format="json"
    )
    # then: lines 20 and 30 at current prices (10 × 4.00)
    assert inserted.status_code == 200, inserted.content
    lines = inserted.json()["lines"]
    assert [(line["line_no"], line["item_number"]) for line in lines] == [
        (10, lines[0]["item_number"]),
        (20, "PAPER"),
        (30, "TONER"),
    ]
    assert D(lines[1]["net_amount"]) == D("40.00")
    # a prospect's quotation refuses the customer's set, nothing added
    prospect = make_quotation(lines=[(ItemFactory(), "1")])
    refused = api.post(
        f"/api/v1/quotations/{prospect.pk}/insert-standard-lines/", {"line_set": line_set.pk}, format="json"
    )
    assert problem(refused, 400)["code"] == "standard-lines-refused"
    assert prospect.lines.count() == 1


def test_billing_cannot_change_a_quotation_through_these_actions(billing):
    quotation = make_quotation(lines=[(ItemFactory(), "1")])
    line_set = make_line_set()
    response = api_client(billing).post(
        f"/api/v1/quotations/{quotation.pk}/insert-standard-lines/", {"line_set": line_set.pk}, format="json"
    )
    assert response.status_code == 403
    assert quotation.lines.count() == 1


def test_rules_with_a_price_group_through_the_api(integrator):
    # given
    wholesale = PriceGroupFactory(code="WHOLESALE")
    printer, cable, stand = ItemFactory(number="P-100"), ItemFactory(number="C-1"), ItemFactory(number="S-1")
    make_relation(item=printer, suggested_item=stand, priority=20)
    api = api_client(integrator)
    # when: a rule for the wholesale group
    created = api.post(
        "/api/v1/product-relations/",
        {"item": printer.pk, "suggested_item": cable.pk, "kind": "cross_sell", "price_group": wholesale.pk},
        format="json",
    )
    # then
    assert created.status_code == 201, created.content
    assert (created.json()["price_group"], created.json()["price_group_code"]) == (wholesale.pk, "WHOLESALE")
    listed = api.get("/api/v1/product-relations/", {"price_group": wholesale.pk}).json()["results"]
    assert [row["id"] for row in listed] == [created.json()["id"]]
    # the suggestions for a line honour it: a wholesale customer gets both, a prospect only the rule for everyone
    trader = make_customer(price_group=wholesale)
    for_trader = api.get("/api/v1/suggestions/", {"item": printer.pk, "customer": trader.pk}).json()
    assert [row["suggested_item_number"] for row in for_trader] == ["C-1", "S-1"]
    for_prospect = api.get("/api/v1/suggestions/", {"item": printer.pk}).json()
    assert [row["suggested_item_number"] for row in for_prospect] == ["S-1"]


# Inserting a set through the API (authentication and permissions included): the quotation and its lines locked,
# the set and its items, one price and one tax look-up for all lines, one insert, the totals, and the quotation
# read back for the answer. The same for 2 lines as for 12.
INSERT_QUERIES = 19


def test_inserting_a_set_does_not_grow_in_queries_with_its_lines(integrator, django_assert_max_num_queries):
    api = api_client(integrator)
    customer = make_customer()
    for size in (2, 12):
        line_set = make_line_set(name=f"Set {size}", lines=[(ItemFactory(), "1") for _ in range(size)])
        quotation = make_quotation(customer=customer, lines=[(ItemFactory(), "1")])
        with django_assert_max_num_queries(INSERT_QUERIES):
            response = api.post(
                f"/api/v1/quotations/{quotation.pk}/insert-standard-lines/", {"line_set": line_set.pk}, format="json"
            )
        assert len(response.json()["lines"]) == size + 1
