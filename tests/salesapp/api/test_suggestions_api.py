from decimal import Decimal

from salesapp.models import ProductRelation, StandardLineSet, SuggestionEvent
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_line_set, make_order, make_relation

D = Decimal


def test_product_relation_crud(integrator):
    printer, pro = ItemFactory(number="P-100"), ItemFactory(number="P-200", name="Printer Pro")
    api = api_client(integrator)
    # create
    response = api.post(
        "/api/v1/product-relations/",
        {"item": printer.pk, "suggested_item": pro.pk, "kind": "up_sell", "min_quantity": "2", "pitch": "Faster"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    rule = ProductRelation.objects.get()
    del body["created_at"], body["updated_at"]
    assert body == {
        "id": rule.pk,
        "item": printer.pk,
        "item_number": "P-100",
        "suggested_item": pro.pk,
        "suggested_item_number": "P-200",
        "suggested_item_name": "Printer Pro",
        "kind": "up_sell",
        "min_quantity": "2.000",
        "price_group": None,
        "price_group_code": None,
        "valid_from": None,
        "valid_to": None,
        "priority": 10,
        "pitch": "Faster",
        "active": True,
        "version": 1,
    }
    # a bad change names its field and changes nothing
    bad = api.patch(f"/api/v1/product-relations/{rule.pk}/", {"suggested_item": printer.pk}, format="json")
    assert problem(bad, 400)["errors"] == [
        {"field": "suggested_item", "message": "An item cannot be suggested for itself."}
    ]
    # update, list filtered, delete
    assert api.patch(f"/api/v1/product-relations/{rule.pk}/", {"priority": 1}, format="json").json()["priority"] == 1
    listed = api.get("/api/v1/product-relations/", {"item": printer.pk}).json()["results"]
    assert [row["id"] for row in listed] == [rule.pk]
    assert api.delete(f"/api/v1/product-relations/{rule.pk}/").status_code == 204
    assert ProductRelation.objects.count() == 0


def test_billing_may_read_rules_but_not_write_them(billing):
    response = api_client(billing).post(
        "/api/v1/product-relations/",
        {"item": ItemFactory().pk, "suggested_item": ItemFactory().pk, "kind": "cross_sell"},
        format="json",
    )
    assert response.status_code == 403


def test_suggestions_for_a_line_with_the_customer_price(integrator, django_assert_max_num_queries):
    printer = ItemFactory(number="P-100")
    cable = ItemFactory(number="C-1", name="Cable", unit_price=D("7.50"))
    rule = make_relation(item=printer, suggested_item=cable, pitch="Needed to connect")
    make_relation(item=printer, min_quantity=D("10"))
    customer = make_customer()
    other = make_relation(item=printer, kind="cross_sell", priority=50)
    api = api_client(integrator)
    # the rules and all their prices: a fixed number of statements, not one per suggestion
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/suggestions/", {"item": printer.pk, "quantity": "2", "customer": customer.pk})
    assert response.status_code == 200, response.content
    assert [found["relation"] for found in response.json()] == [rule.pk, other.pk]
    assert response.json()[:1] == [
        {
            "relation": rule.pk,
            "kind": "cross_sell",
            "suggested_item": cable.pk,
            "suggested_item_number": "C-1",
            "suggested_item_name": "Cable",
            "pitch": "Needed to connect",
            "priority": 10,
            "unit_price": "7.5000",
            "discount_percent": "0.00",
            "price_source": "item_price",
        }
    ]
    missing = api.get("/api/v1/suggestions/", {"quantity": "2"})
    assert problem(missing, 400)["errors"][0]["field"] == "item"


def test_accept_a_suggestion_and_undo_it(integrator):
    printer, cable = ItemFactory(number="P-100"), ItemFactory(number="C-1", unit_price=D("7.50"))
    order = make_order(lines=[(printer, "2")])
    rule = make_relation(item=printer, suggested_item=cable)
    api = api_client(integrator)
    response = api.post(
        f"/api/v1/sales-orders/{order.pk}/accept-suggestion/",
        {"line": order.lines.get().pk, "relation": rule.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [line["item_number"] for line in body["order"]["lines"]] == ["P-100", "C-1"]
    assert (body["event"]["kind"], body["event"]["revenue"]) == ("accepted", "15.00")
    # accepting the same cross-sell on the same line again (a second click, a retried call) adds nothing
    again = api.post(
        f"/api/v1/sales-orders/{order.pk}/accept-suggestion/",
        {"line": order.lines.get(item__number="P-100").pk, "relation": rule.pk},
        format="json",
    )
    assert problem(again, 400)["code"] == "suggestion-not-applicable"
    assert list(order.lines.order_by("line_no").values_list("item__number", flat=True)) == ["P-100", "C-1"]
    # nor on a line the rule is not for
    refused = api.post(
        f"/api/v1/sales-orders/{order.pk}/accept-suggestion/",
        {"line": body["event"]["added_line"], "relation": rule.pk},
        format="json",
    )
    assert problem(refused, 400)["code"] == "suggestion-not-applicable"
    undone = api.post(f"/api/v1/suggestion-events/{body['event']['id']}/undo/")
    assert undone.status_code == 200, undone.content
    assert undone.json()["undone_at"] is not None
    assert list(order.lines.values_list("item__number", flat=True)) == ["P-100"]
    assert SuggestionEvent.objects.count() == 1


def test_standard_line_set_crud_and_insert(integrator):
    paper, toner = ItemFactory(number="PAPER", unit_price=D("4.00")), ItemFactory(number="TONER")
    customer = make_customer()
    api = api_client(integrator)
    response = api.post(
        "/api/v1/standard-line-sets/",
        {"name": "Monthly", "customer": customer.pk, "lines": [{"item": paper.pk, "quantity": "10"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    line_set = StandardLineSet.objects.get()
    assert response.json()["lines"] == [{"line_no": 10, "item": paper.pk, "item_number": "PAPER", "quantity": "10.000"}]
    patched = api.patch(
        f"/api/v1/standard-line-sets/{line_set.pk}/",
        {"lines": [{"item": toner.pk, "quantity": "1"}, {"item": paper.pk, "quantity": "5"}]},
        format="json",
    )
    assert [line["item_number"] for line in patched.json()["lines"]] == ["TONER", "PAPER"]
    order = make_order(customer=customer, lines=[(ItemFactory(), "1")])
    inserted = api.post(
        f"/api/v1/sales-orders/{order.pk}/insert-standard-lines/", {"line_set": line_set.pk}, format="json"
    )
    assert inserted.status_code == 200, inserted.content
    assert [line["item_number"] for line in inserted.json()["lines"]][1:] == ["TONER", "PAPER"]
    # another customer's order is refused, nothing added
    other = make_order(lines=[(ItemFactory(), "1")])
    refused = api.post(
        f"/api/v1/sales-orders/{other.pk}/insert-standard-lines/", {"line_set": line_set.pk}, format="json"
    )
    assert problem(refused, 400)["code"] == "standard-lines-refused"
    assert other.lines.count() == 1
    assert api.delete(f"/api/v1/standard-line-sets/{line_set.pk}/").status_code == 204
    assert not StandardLineSet.objects.exists()
    make_line_set(name="Kept")
    assert [row["name"] for row in api.get("/api/v1/standard-line-sets/").json()["results"]] == ["Kept"]
