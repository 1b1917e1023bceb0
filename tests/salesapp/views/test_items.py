from decimal import Decimal

from django.urls import reverse

from salesapp.models import Item
from tests.factories.salesapp import ItemFactory, tax_code

D = Decimal


def item_numbers(response) -> list[str]:
    return [item.number for item in response.context["page_obj"]]


def test_item_list_searches_and_filters_type_and_active(client, clerk):
    # given
    ItemFactory(number="A-100", name="Desk lamp")
    ItemFactory(number="B-200", name="Office chair", active=False)
    ItemFactory(number="S-1", name="Installation", item_type="service")
    client.force_login(clerk)
    url = reverse("salesapp:item_list")

    # when / then
    assert item_numbers(client.get(url)) == ["A-100", "B-200", "S-1"]
    assert item_numbers(client.get(url, {"q": "lamp"})) == ["A-100"]
    assert item_numbers(client.get(url, {"q": "b-2"})) == ["B-200"]
    assert item_numbers(client.get(url, {"item_type": "service"})) == ["S-1"]
    assert item_numbers(client.get(url, {"active": "no"})) == ["B-200"]
    assert item_numbers(client.get(url, {"active": "yes", "item_type": "stocked"})) == ["A-100"]


def test_item_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    ItemFactory()
    client.force_login(clerk)
    url = reverse("salesapp:item_list")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200

    # when
    ItemFactory.create_batch(30, tax_code=tax_code("NL9"))

    # then
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25


def test_item_create_and_update_go_through_the_services(client, manager):
    # given
    client.force_login(manager)
    data = {
        "number": "A-100",
        "name": "Desk lamp",
        "item_type": "stocked",
        "unit": "pcs",
        "unit_price": "12.50",
        "tax_code": tax_code("NL21").pk,
        "active": "on",
    }

    # when
    response = client.post(reverse("salesapp:item_create"), data)

    # then
    item = Item.objects.get()
    assert response["Location"] == reverse("salesapp:item_detail", args=[item.pk])
    assert (item.number, item.unit_price, item.tax_code.code, item.active, item.created_by) == (
        "A-100",
        D("12.5000"),
        "NL21",
        True,
        manager,
    )

    # when: repriced, moved to 9 % and retired
    response = client.post(
        reverse("salesapp:item_update", args=[item.pk]),
        {**data, "unit_price": "14.00", "tax_code": tax_code("NL9").pk, "active": ""},
    )

    # then
    item.refresh_from_db()
    assert response["Location"] == reverse("salesapp:item_detail", args=[item.pk])
    assert (item.unit_price, item.tax_code.code, item.active) == (D("14.0000"), "NL9", False)
    page = client.get(reverse("salesapp:item_detail", args=[item.pk])).content.decode()
    assert "No: cannot be ordered" in page and "NL9 (9 %)" in page


def test_item_create_refuses_a_duplicate_number_on_the_field(client, manager):
    # given
    ItemFactory(number="A-100")
    client.force_login(manager)

    # when
    response = client.post(
        reverse("salesapp:item_create"),
        {
            "number": "A-100",
            "name": "Copy",
            "item_type": "stocked",
            "unit": "pcs",
            "unit_price": "1",
            "tax_code": tax_code().pk,
        },
    )

    # then
    assert list(response.context["form"].errors) == ["number"]
    assert Item.objects.count() == 1


def test_sales_clerks_see_items_but_do_not_edit_them(client, clerk):
    # given
    item = ItemFactory()
    client.force_login(clerk)

    # when / then
    assert client.get(reverse("salesapp:item_detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("salesapp:item_create")).status_code == 403
    assert client.get(reverse("salesapp:item_update", args=[item.pk])).status_code == 403
