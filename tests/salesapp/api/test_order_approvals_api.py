"""The approval and hold actions on sales orders through the API."""

from decimal import Decimal

from django.db import reset_queries

from core import roles
from salesapp.models import SalesOrder
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.factories.users import user_with_role

URL = "/api/v1/sales-orders/"
D = Decimal


def _over_limit_order(by):
    customer = make_customer(credit_limit=D("100"))
    return make_order(customer=customer, lines=[(ItemFactory(unit_price=D("100.00")), "1")], by=by)


def test_confirm_answers_pending_approval_with_the_reason_then_another_manager_approves(integrator, manager):
    # given: 121.00 against a credit limit of 100.00
    order = _over_limit_order(integrator)

    # when
    response = api_client(integrator).post(f"{URL}{order.pk}/confirm/")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["approval_requested_by"]) == ("pending_approval", integrator.pk)
    assert body["approval_reason"].startswith("Credit limit exceeded: exposure EUR 121.00")

    # when the manager approves
    response = api_client(manager).post(f"{URL}{order.pk}/approve/", {"comment": "OK this once"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "confirmed"


def test_the_requester_cannot_approve_through_the_api(manager):
    order = _over_limit_order(manager)
    api_client(manager).post(f"{URL}{order.pk}/confirm/")
    body = problem(api_client(manager).post(f"{URL}{order.pk}/approve/", {}, format="json"), 403)
    assert body["code"] == "order-approver-is-requester"
    assert SalesOrder.objects.get(pk=order.pk).state == "pending_approval"


def test_reject_needs_a_comment_naming_the_field(manager, clerk):
    order = _over_limit_order(clerk)
    api_client(clerk).post(f"{URL}{order.pk}/confirm/")
    body = problem(api_client(manager).post(f"{URL}{order.pk}/reject/", {}, format="json"), 400)
    assert body["errors"] == [{"field": "comment", "message": "Say why the order is rejected."}]
    response = api_client(manager).post(f"{URL}{order.pk}/reject/", {"comment": "Too much"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "open"


def test_a_clerk_may_not_approve(clerk):
    other = user_with_role(roles.SALES_CLERK, username="other_clerk")
    order = _over_limit_order(other)
    api_client(other).post(f"{URL}{order.pk}/confirm/")
    problem(api_client(clerk).post(f"{URL}{order.pk}/approve/", {}, format="json"), 403)
    assert SalesOrder.objects.get(pk=order.pk).state == "pending_approval"


def test_hold_and_release_through_the_api(manager, integrator):
    # given
    order = make_order(by=integrator)
    api_client(integrator).post(f"{URL}{order.pk}/confirm/")
    # when
    response = api_client(manager).post(f"{URL}{order.pk}/hold/", {"reason": "Check address"}, format="json")
    # then
    assert response.status_code == 200, response.content
    assert (response.json()["on_hold"], response.json()["hold_reason"]) == (True, "Check address")
    body = problem(api_client(integrator).post(f"{URL}{order.pk}/invoice/", {"basis": "order"}, format="json"), 409)
    assert body["detail"] == f"Order {order.number} is on hold: Check address. A sales manager can release it."
    # an integrator may not release it
    problem(api_client(integrator).post(f"{URL}{order.pk}/release-hold/"), 403)
    response = api_client(manager).post(f"{URL}{order.pk}/release-hold/")
    assert response.status_code == 200 and response.json()["on_hold"] is False


def test_the_order_list_reads_approval_fields_in_a_fixed_number_of_queries(integrator, django_assert_max_num_queries):
    for _ in range(3):
        order = _over_limit_order(integrator)
        api_client(integrator).post(f"{URL}{order.pk}/confirm/")
    client = api_client(integrator)
    reset_queries()  # the query log is bounded: a full one would count nothing
    with django_assert_max_num_queries(8) as few:
        response = client.get(URL)
    assert [row["state"] for row in response.json()["results"]] == ["pending_approval"] * 3
    three_rows = len(few)  # read now: the log it counts from is cleared below
    # ten times the rows: not one query more
    for _ in range(27):
        order = _over_limit_order(integrator)
        api_client(integrator).post(f"{URL}{order.pk}/confirm/")
    reset_queries()
    with django_assert_max_num_queries(three_rows):
        response = client.get(URL)
    assert len(response.json()["results"]) == 30
