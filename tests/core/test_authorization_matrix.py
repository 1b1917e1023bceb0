"""Who may do what, through every door (README's role table): the pages, the API and the admin, per role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import ADMINISTRATOR, BILLING_CLERK, INTEGRATOR, SALES_CLERK, SALES_MANAGER
from salesapp.models import Customer, SalesOrder
from tests.core.api.helpers import api_client
from tests.factories.salesapp import make_customer, make_order
from tests.factories.users import user_with_role

ROLES = [SALES_CLERK, SALES_MANAGER, BILLING_CLERK, INTEGRATOR, ADMINISTRATOR]


def user(role):
    return user_with_role(role, username=f"matrix {role}")


@pytest.mark.parametrize(
    ("role", "page", "api"),
    [
        (SALES_CLERK, 200, 200),
        (SALES_MANAGER, 200, 200),
        (BILLING_CLERK, 200, 200),
        (INTEGRATOR, 403, 200),  # an account for other systems: the API, not the pages
        (ADMINISTRATOR, 200, 200),
    ],
)
def test_who_uses_the_pages_and_the_api(client, db, role, page, api):
    # given
    someone = user(role)
    client.force_login(someone)

    # when / then
    assert client.get(reverse("salesapp:order_list")).status_code == page
    assert client.get(reverse("home")).status_code == page
    assert api_client(someone).get("/api/v1/sales-orders/").status_code == api


def test_an_api_account_is_told_why_a_page_is_closed(client, db):
    client.force_login(user(INTEGRATOR))
    response = client.get(reverse("salesapp:order_list"))
    assert "This is an API account: use the REST API under /api/v1/ with its token." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (SALES_CLERK, False),  # a clerk cannot lift billing's credit block
        (SALES_MANAGER, True),
        (BILLING_CLERK, True),
        (INTEGRATOR, True),
        (ADMINISTRATOR, True),
    ],
)
def test_who_may_change_a_customers_credit_terms_through_the_api(db, role, allowed):
    # given: a customer billing blocked
    customer = make_customer(blocked=True, blocked_reason="Two invoices overdue")
    before = Customer.objects.filter(pk=customer.pk).values().get()

    # when
    response = api_client(user(role)).patch(
        f"/api/v1/customers/{customer.pk}/", {"blocked": False, "credit_limit": "9000.00"}, format="json"
    )

    # then
    if allowed:
        assert response.status_code == 200
        customer.refresh_from_db()
        assert (customer.blocked, customer.credit_limit) == (False, Decimal("9000.00"))
    else:
        assert (response.status_code, response.json()["code"]) == (403, "customer-credit-forbidden")
        assert response.json()["detail"] == (
            "Your role does not allow changing a customer's credit terms: credit limit, blocked."
        )
        assert Customer.objects.filter(pk=customer.pk).values().get() == before


def test_a_clerk_sees_credit_terms_locked_on_the_page_and_a_forged_post_changes_nothing(client, clerk):
    # given
    customer = make_customer(blocked=True, blocked_reason="Two invoices overdue")
    terms = ("payment_terms_days", "credit_limit", "blocked", "blocked_reason")
    before = Customer.objects.filter(pk=customer.pk).values(*terms).get()
    client.force_login(clerk)
    url = reverse("salesapp:customer_update", args=[customer.pk])

    # when
    form = client.get(url).context["form"]
    client.post(url, {"currency": "EUR", "payment_terms_days": "60", "credit_limit": "9000", "blocked": ""})

    # then
    assert [name for name, field in form.fields.items() if field.disabled] == [
        "payment_terms_days",
        "credit_limit",
        "approval_threshold",
        "prepayment_required",
        "blocked",
        "blocked_reason",
    ]
    assert Customer.objects.filter(pk=customer.pk).values(*terms).get() == before


def test_a_manager_changes_credit_terms_on_the_page(client, manager):
    # given
    customer = make_customer()
    client.force_login(manager)

    # when
    client.post(
        reverse("salesapp:customer_update", args=[customer.pk]),
        {"currency": "EUR", "payment_terms_days": "60", "credit_limit": "9000", "blocked": ""},
    )

    # then
    customer.refresh_from_db()
    assert (customer.payment_terms_days, customer.credit_limit) == (60, Decimal("9000.00"))


@pytest.mark.parametrize(
    ("role", "confirms"),
    [(SALES_CLERK, True), (SALES_MANAGER, True), (BILLING_CLERK, False), (INTEGRATOR, False), (ADMINISTRATOR, True)],
)
def test_who_confirms_an_order_on_the_page(client, db, role, confirms):
    # given
    order = make_order()
    client.force_login(user(role))

    # when
    response = client.post(reverse("salesapp:order_confirm", args=[order.pk]))

    # then: billing may look but not confirm; the integrator does it through the API
    assert SalesOrder.objects.get(pk=order.pk).state == ("confirmed" if confirms else "open")
    assert response.status_code == (302 if confirms else 403)


@pytest.mark.parametrize(
    ("role", "confirms"),
    [(SALES_CLERK, True), (SALES_MANAGER, True), (BILLING_CLERK, False), (INTEGRATOR, True), (ADMINISTRATOR, True)],
)
def test_who_confirms_an_order_through_the_api(db, role, confirms):
    order = make_order()
    response = api_client(user(role)).post(f"/api/v1/sales-orders/{order.pk}/confirm/")
    assert (response.status_code, SalesOrder.objects.get(pk=order.pk).state) == (
        (200, "confirmed") if confirms else (403, "open")
    )


def test_the_admin_shows_credit_terms_read_only_to_a_staff_user_without_the_right(client, db):
    # given: a staff user who may change customers in the admin but has no credit right
    from django.contrib.auth.models import Permission

    staff = user(SALES_CLERK)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="change_customer", content_type__app_label="salesapp"))
    customer = make_customer()
    client.force_login(staff)

    # when
    response = client.get(reverse("admin:salesapp_customer_change", args=[customer.pk]))

    # then
    readonly = set(response.context["adminform"].readonly_fields)
    assert {"payment_terms_days", "credit_limit", "blocked", "blocked_reason"} <= readonly
