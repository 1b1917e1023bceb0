import datetime
from decimal import Decimal

from django.contrib.auth.models import Permission, User
from django.utils import timezone

from invoicing.models import Invoice, InvoiceLine, JournalEntry
from invoicing.services.invoices import invoice_create_from_order
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.core.api.helpers import api_client, problem
from tests.factories.invoicing import confirmed_order, partly_delivered_order, posted_slip_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer, make_order

URL = "/api/v1/invoices/"


def invoice_url(order) -> str:
    return f"/api/v1/sales-orders/{order.pk}/invoice/"


def test_invoice_order_from_packing_slips(integrator):
    # given: 6 A and 4 B delivered
    order, slip = partly_delivered_order(by=integrator, customer=make_customer(party=PartyFactory(name="Fabrikam")))
    slip_line_a, slip_line_b = slip.lines.order_by("order_line__line_no")

    # when
    response = api_client(integrator).post(invoice_url(order), {"basis": "packing_slips"}, format="json")

    # then: a draft for what was delivered
    assert response.status_code == 201, response.content
    invoice = Invoice.objects.get()
    body = response.json()
    assert body["id"] == invoice.pk
    assert {
        k: body[k]
        for k in (
            "number",
            "state",
            "payment_state",
            "basis",
            "order",
            "order_number",
            "customer_name",
            "amount_net",
            "amount_tax",
            "amount_total",
            "amount_paid",
            "amount_open",
            "invoice_date",
        )
    } == {
        "number": None,
        "state": "draft",
        "payment_state": "unpaid",
        "basis": "packing_slips",
        "order": order.pk,
        "order_number": "SO-000001",
        "customer_name": "Fabrikam",
        "amount_net": "195.00",
        "amount_tax": "26.55",
        "amount_total": "221.55",
        "amount_paid": "0.00",
        "amount_open": "221.55",
        "invoice_date": None,
    }
    assert [
        (line["line_no"], line["item_number"], line["quantity"], line["net_amount"], line["packing_slip_line"])
        for line in body["lines"]
    ] == [(10, "A", "6.000", "75.00", slip_line_a.pk), (20, "B", "4.000", "120.00", slip_line_b.pk)]
    assert body["taxes"] == [
        {"tax_code": "NL21", "rate": "21.00", "base": "75.00", "amount": "15.75"},
        {"tax_code": "NL9", "rate": "9.00", "base": "120.00", "amount": "10.80"},
    ]
    assert invoice.created_by == integrator


def test_invoice_chosen_packing_slips_only(integrator):
    # given: two posted slips
    order, _first = partly_delivered_order(by=integrator)
    second = packing_slip_post(packing_slip=packing_slip_create(order=order, by=integrator), by=integrator)

    # when
    response = api_client(integrator).post(
        invoice_url(order), {"basis": "packing_slips", "packing_slips": [second.pk]}, format="json"
    )

    # then: only the last 4 A
    assert response.status_code == 201, response.content
    assert [(line["item_number"], line["quantity"]) for line in response.json()["lines"]] == [("A", "4.000")]
    assert (response.json()["amount_net"], response.json()["amount_total"]) == ("50.00", "60.50")


def test_invoice_order_basis_bills_everything_left(integrator):
    # given: nothing delivered
    order = confirmed_order(by=integrator)

    # when
    response = api_client(integrator).post(invoice_url(order), {"basis": "order"}, format="json")

    # then
    assert response.status_code == 201, response.content
    assert [(line["item_number"], line["quantity"]) for line in response.json()["lines"]] == [
        ("A", "10.000"),
        ("B", "4.000"),
    ]
    assert response.json()["amount_total"] == "282.05"


def test_invoice_action_validation_and_refusals(integrator):
    # given
    open_order = make_order(by=integrator)
    order, _slip = partly_delivered_order(by=integrator)
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)
    api = api_client(integrator)

    # when
    no_basis = api.post(invoice_url(order), {}, format="json")
    bad_basis = api.post(invoice_url(order), {"basis": "weekly"}, format="json")
    not_confirmed = api.post(invoice_url(open_order), {"basis": "order"}, format="json")
    second_draft = api.post(invoice_url(order), {"basis": "order"}, format="json")
    missing = api.post("/api/v1/sales-orders/999999/invoice/", {"basis": "order"}, format="json")

    # then
    assert problem(no_basis, 400)["errors"] == [{"field": "basis", "message": "This field is required."}]
    assert problem(bad_basis, 400)["errors"] == [{"field": "basis", "message": '"weekly" is not a valid choice.'}]
    body = problem(not_confirmed, 409)
    assert (body["code"], body["detail"]) == ("order-not-invoiceable", "Order SO-000001 is open: confirm it first.")
    body = problem(second_draft, 409)
    assert (body["code"], body["detail"]) == (
        "draft-invoice-exists",
        f"Order SO-000002 already has draft invoice #{draft.pk}: post or delete it first.",
    )
    assert problem(missing, 404)["code"] == "not-found"
    assert Invoice.objects.count() == 1


def test_invoice_action_needs_add_invoice_permission(integrator):
    # given: a user in no role at all
    order, _slip = partly_delivered_order(by=integrator)
    nobody = User.objects.create_user(username="nobody", password="pw-123456")

    # when
    response = api_client(nobody).post(invoice_url(order), {"basis": "order"}, format="json")

    # then
    assert problem(response, 403)["code"] == "permission-denied"
    assert Invoice.objects.count() == 0


def test_post_invoice(integrator):
    # given
    order, _slip = partly_delivered_order(by=integrator, customer=make_customer(payment_terms_days=14))
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)
    api = api_client(integrator)

    # when
    response = api.post(f"{URL}{invoice.pk}/post/")

    # then: numbered and due after the customer's payment terms; the order line ledger follows
    assert response.status_code == 200, response.content
    body = response.json()
    today = timezone.localdate()
    assert (body["number"], body["state"], body["invoice_date"], body["due_date"]) == (
        "INV-000001",
        "posted",
        today.isoformat(),
        (today + datetime.timedelta(days=14)).isoformat(),
    )
    lines = api.get(f"/api/v1/sales-orders/{order.pk}/").json()["lines"]
    assert [(line["qty_invoiced"], line["invoice_remainder"]) for line in lines] == [
        ("6.000", "0.000"),
        ("4.000", "0.000"),
    ]


def test_post_invoice_with_date(integrator):
    # given
    order, _slip = partly_delivered_order(by=integrator, customer=make_customer(payment_terms_days=30))
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)

    # when
    response = api_client(integrator).post(f"{URL}{invoice.pk}/post/", {"invoice_date": "2025-01-31"}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["invoice_date"], response.json()["due_date"]) == ("2025-01-31", "2025-03-02")


def test_post_invoice_twice_is_refused(integrator):
    # given
    invoice = posted_slip_invoice(by=integrator)

    # when
    response = api_client(integrator).post(f"{URL}{invoice.pk}/post/")

    # then
    body = problem(response, 409)
    assert body["code"] == "invoice-posted"
    assert body["detail"] == "Invoice INV-000001 is posted and cannot be posted again: correct it with a credit note."


def test_clerk_may_not_post_invoices(clerk, integrator):
    # given: clerks may change invoices but posting needs invoicing.post_invoice
    order, _slip = partly_delivered_order(by=integrator)
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)

    # when
    response = api_client(clerk).post(f"{URL}{invoice.pk}/post/")

    # then: the service refuses, nothing posted
    body = problem(response, 403)
    assert (body["code"], body["title"], body["detail"]) == (
        "permission-denied",
        "Action forbidden",
        "You are not allowed to post invoices.",
    )
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number) == ("draft", None)


def test_post_unknown_invoice_is_404(integrator):
    # when
    response = api_client(integrator).post(f"{URL}999999/post/")

    # then
    assert problem(response, 404)["code"] == "not-found"


def test_list_filters(integrator):
    # given
    alpha = make_customer(party=PartyFactory(name="Alpha"))
    posted = posted_slip_invoice(by=integrator, customer=alpha)
    order, _slip = partly_delivered_order(by=integrator)
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)
    Invoice.objects.filter(pk=posted.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    api = api_client(integrator)

    def ids(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # then
    assert ids({}) == [draft.pk, posted.pk]
    assert ids({"state": "posted"}) == [posted.pk]
    assert ids({"payment_state": "unpaid"}) == [draft.pk, posted.pk]
    assert ids({"payment_state": "paid"}) == []
    assert ids({"customer": alpha.pk}) == [posted.pk]
    assert ids({"number": "inv-000001"}) == [posted.pk]
    assert ids({"updated_since": (timezone.now() - datetime.timedelta(days=1)).isoformat()}) == [draft.pk]


def test_list_query_count_is_constant(integrator, django_assert_max_num_queries):
    # given
    api = api_client(integrator)
    for _ in range(3):
        invoice_create_from_order(order=confirmed_order(by=integrator), basis="order", by=integrator)

    # then: token, permissions (one query), invoices with customer and order codes, lines, taxes
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 3

    # when
    for _ in range(27):
        invoice_create_from_order(order=confirmed_order(by=integrator), basis="order", by=integrator)

    # then
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 30


def test_pdf_of_a_draft_is_pro_forma(integrator):
    # given
    order, _slip = partly_delivered_order(by=integrator)
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)

    # when
    response = api_client(integrator).get(f"{URL}{invoice.pk}/pdf/")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="pro-forma-{invoice.pk}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_pdf_of_unknown_invoice_is_a_problem_even_when_asking_for_pdf(integrator):
    # when
    response = api_client(integrator).get(f"{URL}999999/pdf/", HTTP_ACCEPT="application/pdf")

    # then
    assert problem(response, 404)["code"] == "not-found"


def test_invoices_are_read_only_resources(integrator):
    # given
    invoice = posted_slip_invoice(by=integrator)
    api = api_client(integrator)

    # when
    patch = api.patch(f"{URL}{invoice.pk}/", {"amount_total": "1.00"}, format="json")
    create = api.post(URL, {"customer": invoice.customer_id}, format="json")

    # then
    assert problem(patch, 405)["code"] == "method-not-allowed"
    assert problem(create, 405)["code"] == "method-not-allowed"
    invoice.refresh_from_db()
    assert invoice.amount_total == Decimal("221.55")


def invoice_rows() -> list[tuple]:
    return list(Invoice.objects.order_by("pk").values_list("pk", "state", "number", "amount_total"))


def test_delete_a_draft_invoice(integrator):
    # given: a draft for the delivered part of an order
    order, _slip = partly_delivered_order(by=integrator)
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)

    # when
    response = api_client(integrator).delete(f"{URL}{draft.pk}/")

    # then: gone with its lines, and the order can be invoiced again
    assert (response.status_code, response.content) == (204, b"")
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == (0, 0)
    again = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)
    assert again.amount_total == Decimal("221.55")


def test_delete_a_posted_invoice_is_refused(integrator):
    # given
    invoice = posted_slip_invoice(by=integrator)
    before = (invoice_rows(), InvoiceLine.objects.count(), JournalEntry.objects.count())

    # when
    response = api_client(integrator).delete(f"{URL}{invoice.pk}/")

    # then
    body = problem(response, 409)
    assert (body["code"], body["detail"]) == (
        "invoice-posted",
        "Invoice INV-000001 is posted and cannot be deleted: correct it with a credit note.",
    )
    assert (invoice_rows(), InvoiceLine.objects.count(), JournalEntry.objects.count()) == before
    assert before == ([(invoice.pk, "posted", "INV-000001", Decimal("221.55"))], 2, 1)


def test_delete_needs_the_delete_invoice_permission(integrator, billing):
    # given: a draft; a user whose role may view invoices but not delete them
    order, _slip = partly_delivered_order(by=integrator)
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)
    viewer = billing
    viewer.groups.clear()
    viewer.user_permissions.set([Permission.objects.get(codename="view_invoice")])
    before = invoice_rows()

    # when
    response = api_client(User.objects.get(pk=viewer.pk)).delete(f"{URL}{draft.pk}/")

    # then
    assert problem(response, 403)["code"] == "permission-denied"
    assert invoice_rows() == before == [(draft.pk, "draft", None, Decimal("221.55"))]


def test_invoice_date_outside_the_booking_window_is_refused(integrator):
    # given
    order, _slip = partly_delivered_order(by=integrator)
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)

    # when
    responses = [
        api_client(integrator).post(f"{URL}{draft.pk}/post/", {"invoice_date": date}, format="json")
        for date in ("0001-01-01", "9999-12-31")
    ]

    # then
    for response in responses:
        body = problem(response, 400)
        assert (body["code"], body["errors"]) == (
            "invoice-date-invalid",
            [{"field": "invoice_date", "message": "Enter a date between 2000-01-01 and 2099-12-31."}],
        )
    assert invoice_rows() == [(draft.pk, "draft", None, Decimal("221.55"))]
    assert JournalEntry.objects.count() == 0
