"""The approvals queue page, and the approval and hold buttons of the order page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from invoicing.services.invoices import invoice_create_from_order, invoice_post
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


def test_the_queue_shows_amount_exposure_limit_overdue_requester_and_reason(client, manager, billing, requester):
    # given: an invoice of 121.00 posted 60 days ago (30 days' terms: overdue), then an order of 242.00 over the
    # 100.00 limit
    customer = make_customer(payment_terms_days=30)
    earlier = order_confirm(
        order=make_order(customer=customer, lines=[(ItemFactory(unit_price=D("100.00")), "1")], by=manager),
        by=manager,
    )
    invoice_post(
        invoice=invoice_create_from_order(order=earlier, basis="order", by=billing),
        invoice_date=timezone.localdate() - datetime.timedelta(days=60),
        by=billing,
    )
    customer.credit_limit = D("100")
    customer.save()
    order = order_confirm(
        order=make_order(customer=customer, lines=[(ItemFactory(unit_price=D("100.00")), "2")], by=requester),
        by=requester,
    )
    assert order.state == "pending_approval"
    client.force_login(manager)

    # when
    response = client.get(QUEUE)

    # then: amount, exposure (121.00 open + 242.00 this order), limit, overdue, requester, reason, each in its cell
    assert response.status_code == 200
    row = response.content.decode().split(f'id="approval-{order.pk}"', 1)[1].split("</tr>", 1)[0]
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[2:7] == ["EUR 242.00", "363.00", "100.00", "121.00", "carl"]
    assert cells[7].startswith("Credit limit exceeded: exposure EUR 363.00")
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
