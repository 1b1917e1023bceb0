"""The approvals queue page, and the approval and hold buttons of the order page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core import roles
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.factories.users import user_with_role

D = Decimal
QUEUE = reverse("salesapp:approval_queue")


@pytest.fixture
def requester(db):
    return user_with_role(roles.SALES_CLERK, username="carl")


def _pending(requester, count=1):
    customer = make_customer(credit_limit=D("100"))
    item = ItemFactory(unit_price=D("100.00"))
    return [
        order_confirm(order=make_order(customer=customer, lines=[(item, "2")], by=requester), by=requester)
        for _ in range(count)
    ]


def test_the_queue_shows_amount_exposure_limit_overdue_requester_and_reason(client, manager, requester):
    # given
    [order] = _pending(requester)
    client.force_login(manager)
    # when
    response = client.get(QUEUE)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split(f'id="approval-{order.pk}"', 1)[1].split("</tr>", 1)[0]
    assert order.number in row and "EUR 242.00" in row  # 2 × 100.00 + 21 %
    assert "242.00" in row and "100.00" in row and "carl" in row and "Credit limit exceeded" in row
    assert reverse("salesapp:order_approve", args=[order.pk]) in row


def test_the_queue_reads_a_fixed_number_of_queries_and_paginates(
    client, manager, requester, django_assert_max_num_queries
):
    _pending(requester, count=3)
    client.force_login(manager)
    client.get(QUEUE)  # warm the session and content types
    with django_assert_max_num_queries(9) as few:
        client.get(QUEUE)
    _pending(requester, count=30)
    with django_assert_max_num_queries(len(few)):
        response = client.get(QUEUE)
    assert response.context["page_obj"].paginator.count == 33
    assert len(response.context["orders"]) == 25 and 'rel="next"' in response.content.decode()


def test_approve_from_the_queue_with_a_comment(client, manager, requester):
    [order] = _pending(requester)
    client.force_login(manager)
    response = client.post(
        reverse("salesapp:order_approve", args=[order.pk]), {"reason": "Fine", "back": "queue"}, follow=True
    )
    assert response.redirect_chain[-1][0] == QUEUE
    assert f"Order {order.number} approved." in response.content.decode()
    assert SalesOrder.objects.get(pk=order.pk).state == "confirmed"


def test_reject_from_the_order_page_without_a_comment_says_why(client, manager, requester):
    [order] = _pending(requester)
    client.force_login(manager)
    page = client.get(reverse("salesapp:order_detail", args=[order.pk])).content.decode()
    assert "Waiting for a sales manager's approval, asked by carl" in page
    assert reverse("salesapp:order_reject", args=[order.pk]) in page
    response = client.post(reverse("salesapp:order_reject", args=[order.pk]), {"reason": ""}, follow=True)
    assert "Say why the order is rejected." in response.content.decode()
    assert SalesOrder.objects.get(pk=order.pk).state == "pending_approval"


def test_the_queue_and_its_menu_entry_are_for_those_who_approve(client, clerk, manager):
    client.force_login(clerk)
    assert client.get(QUEUE).status_code == 403
    assert QUEUE not in client.get(reverse("salesapp:order_list")).content.decode()
    client.force_login(manager)
    assert QUEUE in client.get(reverse("salesapp:order_list")).content.decode()


def test_hold_and_release_from_the_order_page(client, manager, requester):
    order = order_confirm(order=make_order(by=requester), by=requester)
    client.force_login(manager)
    url = reverse("salesapp:order_detail", args=[order.pk])
    assert reverse("salesapp:order_hold", args=[order.pk]) in client.get(url).content.decode()
    client.post(reverse("salesapp:order_hold", args=[order.pk]), {"reason": "Customs papers missing"})
    page = client.get(url).content.decode()
    assert "On hold: Customs papers missing." in page
    assert reverse("salesapp:order_release_hold", args=[order.pk]) in page
    client.post(reverse("salesapp:order_release_hold", args=[order.pk]))
    assert not SalesOrder.objects.get(pk=order.pk).on_hold
