from decimal import Decimal

from core.models import NumberSeries
from invoicing.models import Invoice, JournalEntry, LedgerAccount
from tests.core.api.helpers import api_client, problem
from tests.factories.invoicing import draft_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

URL = "/api/v1/free-text-invoices/"


def account_id(number: str) -> int:
    return LedgerAccount.objects.get(number=number).pk


def line(**changes) -> dict:
    return {
        "revenue_account": account_id("8100"),
        "description": "Consulting, March",
        "quantity": "8",
        "unit_price": "95.00",
        "tax_code": "NL21",
        **changes,
    }


def create(client, customer, lines, **header):
    return client.post(URL, {"customer": customer.pk, "lines": lines, **header}, format="json")


def test_create_change_and_post_a_free_text_invoice(integrator):
    # given
    client = api_client(integrator)
    customer = make_customer(party=PartyFactory(name="Fabrikam"), payment_terms_days=14)

    # when: created with one line, a second line added, the first changed
    response = create(client, customer, [line()], customer_reference="PO 4711")
    assert response.status_code == 201, response.content
    body = response.json()
    invoice_id, first_line = body["id"], body["lines"][0]["id"]
    response = client.post(
        f"{URL}{invoice_id}/lines/",
        line(revenue_account=account_id("8000"), description="Parts", quantity="3", unit_price="20", tax_code="NL9"),
        format="json",
    )
    assert response.status_code == 201, response.content
    response = client.patch(f"{URL}{invoice_id}/lines/{first_line}/", {"quantity": "10"}, format="json")
    assert response.status_code == 200, response.content

    # then: 950.00 at 21 % (199.50) + 60.00 at 9 % (5.40)
    body = response.json()
    assert {k: body[k] for k in ("basis", "state", "number", "customer_name", "payment_terms_days")} == {
        "basis": "free_text",
        "state": "draft",
        "number": None,
        "customer_name": "Fabrikam",
        "payment_terms_days": 14,
    }
    assert (body["amount_net"], body["amount_tax"], body["amount_total"]) == ("1010.00", "204.90", "1214.90")
    assert [(row["revenue_account_number"], row["description"], row["tax_code"]) for row in body["lines"]] == [
        ("8100", "Consulting, March", "NL21"),
        ("8000", "Parts", "NL9"),
    ]
    assert body["customer_reference"] == "PO 4711"

    # when: posted
    response = client.post(f"{URL}{invoice_id}/post/", {}, format="json")

    # then: numbered from the invoice series and booked
    assert response.status_code == 200, response.content
    assert response.json()["number"].startswith("INV-")
    assert JournalEntry.objects.filter(invoice_id=invoice_id).count() == 1
    # and it is among the invoices, filtered by basis
    listed = client.get("/api/v1/invoices/", {"basis": "free_text"}).json()["results"]
    assert [row["id"] for row in listed] == [invoice_id]


def test_a_non_revenue_account_is_refused_naming_the_line(integrator):
    response = create(api_client(integrator), make_customer(), [line(), line(revenue_account=account_id("1300"))])
    body = problem(response, 400)
    assert [error["field"] for error in body["errors"]] == ["lines[1].revenue_account"]
    assert Invoice.objects.count() == 0


def test_unknown_fields_are_refused(integrator):
    response = create(api_client(integrator), make_customer(), [line(colour="red")], order=1)
    body = problem(response, 400)
    assert sorted(error["field"] for error in body["errors"]) == ["lines[0].colour", "order"]


def test_a_posted_invoice_refuses_changes(integrator):
    client = api_client(integrator)
    body = create(client, make_customer(), [line()]).json()
    client.post(f"{URL}{body['id']}/post/", {}, format="json")

    response = client.patch(f"{URL}{body['id']}/lines/{body['lines'][0]['id']}/", {"quantity": "1"}, format="json")
    assert problem(response, 409)["code"] == "invoice-posted"
    assert problem(client.delete(f"{URL}{body['id']}/"), 409)["code"] == "invoice-posted"
    assert problem(client.get(f"{URL}{body['id']}/pro-forma/"), 409)["code"] == "invoice-posted"


def test_pdf_pro_forma_and_revenue_accounts(integrator):
    client = api_client(integrator)
    body = create(client, make_customer(), [line()]).json()
    series = list(NumberSeries.objects.values_list("code", "next_value"))

    response = client.get(f"{URL}{body['id']}/pro-forma/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert list(NumberSeries.objects.values_list("code", "next_value")) == series

    accounts = client.get(f"{URL}revenue-accounts/").json()
    assert [account["number"] for account in accounts] == ["8000", "8100"]


def test_only_free_text_invoices_are_served_here(integrator):
    invoice = draft_invoice(by=integrator)
    assert api_client(integrator).get(f"{URL}{invoice.pk}/").status_code == 404


def test_order_pro_forma_and_its_refusal(integrator):
    client = api_client(integrator)
    invoice = draft_invoice(by=integrator, price="100.00")
    order = invoice.order

    response = client.get(f"/api/v1/sales-orders/{order.pk}/pro-forma/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/invoices/{invoice.pk}/pro-forma/").content.startswith(b"%PDF")

    response = client.get(f"/api/v1/sales-orders/{order.pk}/pro-forma/", {"basis": "packing_slips"})
    assert problem(response, 409)["code"] == "nothing-to-invoice"
    assert Decimal(invoice.amount_total) == Decimal("121.00")
