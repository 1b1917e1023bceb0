"""External references through the API: an order or customer coupled to its id in another system, once."""

from core.models import ExternalReference
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import make_customer, make_order


def url(order) -> str:
    return f"/api/v1/sales-orders/{order.pk}/external-references/"


def test_an_order_is_coupled_to_its_crm_id_and_found_by_it(integrator):
    # given
    order, other = make_order(by=integrator), make_order(by=integrator)
    api = api_client(integrator)

    # when: coupled, and the same call retried
    first = api.post(url(order), {"system": "CRM", "external_id": "OPP-4471"}, format="json")
    again = api.post(url(order), {"system": "crm", "external_id": "OPP-4471"}, format="json")

    # then: one coupling, listed and findable
    assert first.status_code == 201, first.content
    assert [(r["system"], r["external_id"]) for r in first.json()] == [("crm", "OPP-4471")]
    assert again.status_code == 201
    assert ExternalReference.objects.count() == 1
    assert [(r["system"], r["external_id"]) for r in api.get(url(order)).json()] == [("crm", "OPP-4471")]
    found = api.get("/api/v1/sales-orders/", {"external_reference": "crm:OPP-4471"}).json()["results"]
    assert [row["id"] for row in found] == [order.pk]
    assert api.get("/api/v1/sales-orders/", {"external_reference": "crm:OPP-0000"}).json()["results"] == []
    assert other.pk not in [row["id"] for row in found]


def test_an_id_coupled_once_refuses_a_second_record_and_a_second_id(integrator):
    # given: order A coupled to OPP-1
    order_a, order_b = make_order(by=integrator), make_order(by=integrator)
    api = api_client(integrator)
    api.post(url(order_a), {"system": "crm", "external_id": "OPP-1"}, format="json")

    # when
    same_id_elsewhere = api.post(url(order_b), {"system": "crm", "external_id": "OPP-1"}, format="json")
    second_id = api.post(url(order_a), {"system": "crm", "external_id": "OPP-2"}, format="json")
    bad_system = api.post(url(order_b), {"system": "CRM system!", "external_id": ""}, format="json")

    # then: each refused naming the field; nothing written
    assert problem(same_id_elsewhere, 400)["errors"] == [
        {"field": "external_id", "message": f"crm id OPP-1 is already coupled to {order_a}."}
    ]
    body = problem(second_id, 400)
    assert body["code"] == "external-reference-taken"
    assert body["errors"] == [
        {"field": "system", "message": f"{order_a} is already coupled to crm id OPP-1: uncouple that first."}
    ]
    assert {error["field"] for error in problem(bad_system, 400)["errors"]} == {"external_id"}
    assert list(ExternalReference.objects.values_list("object_id", "external_id")) == [(order_a.pk, "OPP-1")]


def test_uncoupling_frees_the_id_and_customers_take_references_too(integrator):
    # given
    customer = make_customer()
    api = api_client(integrator)
    coupled = api.post(
        f"/api/v1/customers/{customer.pk}/external-references/",
        {"system": "webshop", "external_id": "C-88"},
        format="json",
    )
    assert coupled.status_code == 201, coupled.content
    found = api.get("/api/v1/customers/", {"external_reference": "webshop:C-88"}).json()["results"]
    assert [row["id"] for row in found] == [customer.pk]

    # when
    removed = api.delete(f"/api/v1/customers/{customer.pk}/external-references/webshop/")
    missing = api.delete(f"/api/v1/customers/{customer.pk}/external-references/webshop/")

    # then
    assert removed.status_code == 204
    assert problem(missing, 400)["errors"] == [{"field": "system", "message": f"{customer} is not coupled to webshop."}]
    assert not ExternalReference.objects.exists()


def test_a_reader_lists_references_but_may_not_couple(integrator, django_user_model):
    from django.contrib.auth.models import Permission

    # given: a user who may only view orders
    order = make_order(by=integrator)
    reader = django_user_model.objects.create_user("reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_salesorder"))
    api = api_client(reader)

    # then
    assert api.get(url(order)).status_code == 200
    assert api.post(url(order), {"system": "crm", "external_id": "X"}, format="json").status_code == 403
    assert not ExternalReference.objects.exists()


def test_the_order_page_and_the_admin_show_the_references(client, integrator, clerk, administrator):
    from core.external_references import external_reference_couple

    # given
    order = make_order(by=clerk)
    external_reference_couple(instance=order, system="crm", external_id="OPP-9", by=integrator)
    external_reference_couple(instance=order.customer, system="webshop", external_id="C-1", by=integrator)

    # when
    client.force_login(clerk)
    page = client.get(f"/sales/orders/{order.pk}/").content.decode()
    client.force_login(administrator)
    order_admin = client.get(f"/admin/salesapp/salesorder/{order.pk}/change/").content.decode()
    customer_admin = client.get(f"/admin/salesapp/customer/{order.customer.pk}/change/").content.decode()

    # then
    assert '<dd id="external-references">crm: OPP-9</dd>' in page
    assert "OPP-9" in order_admin
    assert "webshop: C-1" in customer_admin
