from salesapp.models import Item
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, tax_code

URL = "/api/v1/items/"


def test_create_item(integrator):
    # when
    response = api_client(integrator).post(
        URL,
        {"number": "A-100", "name": "Desk lamp", "unit_price": "12.5", "tax_code": "NL9"},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    item = Item.objects.get()
    body = response.json()
    del body["created_at"], body["updated_at"]
    assert body == {
        "id": item.pk,
        "number": "A-100",
        "name": "Desk lamp",
        "item_type": "stocked",
        "unit": "pcs",
        "unit_price": "12.5000",
        "tax_code": "NL9",
        "active": True,
        "on_hand": "0.000",
        "reserved": "0.000",
        "free": "0.000",
        "version": 1,
    }
    assert item.created_by == integrator


def test_create_item_with_taken_number_and_unknown_tax_code(integrator):
    # given
    ItemFactory(number="A-100")
    api = api_client(integrator)

    # when
    duplicate = api.post(URL, {"number": "A-100", "name": "Lamp", "tax_code": "NL21"}, format="json")
    unknown = api.post(URL, {"number": "A-101", "name": "Lamp", "tax_code": "XX99"}, format="json")

    # then
    assert problem(duplicate, 400)["errors"] == [
        {"field": "number", "message": "Item with this Number already exists."}
    ]
    assert problem(unknown, 400)["errors"] == [
        {"field": "tax_code", "message": "Object with code=XX99 does not exist."}
    ]
    assert Item.objects.count() == 1


def test_partial_update_item(integrator):
    # given
    item = ItemFactory(number="A-100", unit_price="10")

    # when
    response = api_client(integrator).patch(
        f"{URL}{item.pk}/", {"unit_price": "11.95", "active": False, "tax_code": "NL0"}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["unit_price"], response.json()["active"], response.json()["tax_code"]) == (
        "11.9500",
        False,
        "NL0",
    )
    item.refresh_from_db()
    assert item.tax_code == tax_code("NL0")


def test_partial_update_refuses_negative_price(integrator):
    # given
    item = ItemFactory(number="A-100", unit_price="10")

    # when
    response = api_client(integrator).patch(f"{URL}{item.pk}/", {"unit_price": "-1"}, format="json")

    # then: the model's validator speaks through the service
    body = problem(response, 400)
    assert body["errors"] == [{"field": "unit_price", "message": "Ensure this value is greater than or equal to 0."}]
    item.refresh_from_db()
    assert str(item.unit_price) == "10.0000"


def test_list_filters_and_search(integrator):
    # given
    ItemFactory(number="A-100", name="Desk lamp")
    ItemFactory(number="S-200", name="Installation", item_type="service")
    ItemFactory(number="A-300", name="Floor lamp", active=False)
    api = api_client(integrator)

    def numbers(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["results"]]

    # then
    assert numbers({}) == ["A-300", "S-200", "A-100"]
    assert numbers({"item_type": "service"}) == ["S-200"]
    assert numbers({"active": "false"}) == ["A-300"]
    assert numbers({"search": "lamp", "active": "true"}) == ["A-100"]


def test_list_query_count_is_constant(integrator, django_assert_max_num_queries):
    # given
    api = api_client(integrator)
    ItemFactory.create_batch(3)

    # then
    with django_assert_max_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 3

    # when
    ItemFactory.create_batch(27, tax_code=tax_code("NL9"))

    # then
    with django_assert_max_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 30


def test_clerk_cannot_create_items_and_unknown_item_is_404(clerk):
    # when
    refused = api_client(clerk).post(URL, {"number": "A-1", "name": "Lamp", "tax_code": "NL21"}, format="json")
    missing = api_client(clerk).get(f"{URL}999999/")

    # then
    assert problem(refused, 403)["code"] == "permission-denied"
    assert problem(missing, 404)["code"] == "not-found"


def test_sales_price_beyond_the_limit_is_a_400_naming_the_field(integrator):
    # given
    item = ItemFactory(number="A-100", unit_price="10")

    # when
    response = api_client(integrator).patch(f"{URL}{item.pk}/", {"unit_price": "99999999999999.9999"}, format="json")

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "unit_price", "message": "Ensure this value is less than or equal to 9999999999.9999."}
    ]
    item.refresh_from_db()
    assert str(item.unit_price) == "10.0000"
