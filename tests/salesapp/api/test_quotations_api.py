from decimal import Decimal

from salesapp.models import Quotation, SalesOrder
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory

URL = "/api/v1/quotations/"
D = Decimal


def test_prospect_quotation_through_the_api_to_an_order(integrator):
    # given
    lamp = ItemFactory(number="A", name="Lamp", unit_price=D("12.50"))
    desk = ItemFactory(number="B", name="Desk", unit_price=D("30.00"))
    prospect = PartyFactory(name="Prospect BV")
    client = api_client(integrator)

    # when: a draft with one line, a second added, the first changed, then sent
    created = client.post(URL, {"party": prospect.pk, "lines": [{"item": lamp.pk, "quantity": "10"}]}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        client.post(
            f"{URL}{pk}/lines/", {"item": desk.pk, "quantity": "2", "unit_price": "28"}, format="json"
        ).status_code
        == 201
    )
    first_line = created.json()["lines"][0]["id"]
    changed = client.patch(f"{URL}{pk}/lines/{first_line}/", {"quantity": "8"}, format="json")
    assert changed.status_code == 200, changed.content
    sent = client.post(f"{URL}{pk}/send/")
    assert sent.json()["current_revision"] == 1

    # revised and sent again with a change: r2
    assert client.post(f"{URL}{pk}/revise/").json()["state"] == "draft"
    assert client.patch(f"{URL}{pk}/lines/{first_line}/", {"quantity": "9"}, format="json").status_code == 200
    assert client.post(f"{URL}{pk}/send/").json()["current_revision"] == 2

    # then: the revisions, their comparison, a stale acceptance refused, the current one accepted
    revisions = client.get(f"{URL}{pk}/revisions/").json()
    assert [(r["number"], r["amount_net"]) for r in revisions] == [(1, "156.00"), (2, "168.50")]
    compared = client.get(f"{URL}{pk}/compare/?a=1&b=2").json()
    assert [(line["item"], line["change"], line["changed"]) for line in compared["lines"]] == [
        ("A", "changed", ["quantity"]),
        ("B", "same", []),
    ]
    assert compared["net_delta"] == "12.50"
    stale = client.post(f"{URL}{pk}/accept/", {"revision": 1, "convert_to": "order"}, format="json")
    assert problem(stale, 409)["code"] == "quotation-revision-stale"
    accepted = client.post(f"{URL}{pk}/accept/", {"revision": 2, "convert_to": "order"}, format="json")
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    order = SalesOrder.objects.get()
    assert (body["state"], body["accepted_revision"], body["sales_order"], body["party"]) == (
        "accepted",
        2,
        order.pk,
        None,
    )
    assert order.amount_total == Quotation.objects.get(pk=pk).amount_total


def test_unknown_compare_revision_names_the_parameter(integrator):
    lamp = ItemFactory()
    client = api_client(integrator)
    pk = client.post(
        URL, {"party": PartyFactory().pk, "lines": [{"item": lamp.pk, "quantity": "1"}]}, format="json"
    ).json()["id"]
    response = client.get(f"{URL}{pk}/compare/?a=1&b=x")
    assert {error["field"] for error in problem(response, 400)["errors"]} == {"a", "b"}


def test_unknown_revisions_are_named_in_the_clients_language(integrator):
    # given: a quotation sent once
    client = api_client(integrator)
    created = client.post(
        URL, {"party": PartyFactory().pk, "lines": [{"item": ItemFactory().pk, "quantity": "1"}]}, format="json"
    ).json()
    pk, number = created["id"], created["number"]
    client.post(f"{URL}{pk}/send/")

    # when: revisions that do not exist, asked in English and in Dutch
    compared = client.get(f"{URL}{pk}/compare/?a=1&b=4")
    pdf = client.get(f"{URL}{pk}/pdf/?revision=x", HTTP_ACCEPT="application/json")
    dutch = client.get(f"{URL}{pk}/compare/?a=3&b=1", HTTP_ACCEPT_LANGUAGE="nl")

    # then: 400, naming the field, the quotation and the value
    assert problem(compared, 400)["errors"] == [{"field": "b", "message": f"Quotation {number} has no revision '4'."}]
    assert problem(pdf, 400)["errors"] == [{"field": "revision", "message": f"Quotation {number} has no revision 'x'."}]
    assert problem(dutch, 400)["errors"] == [{"field": "a", "message": f"Offerte {number} heeft geen revisie '3'."}]


def test_draft_delete_and_pdf(integrator, clerk):
    lamp = ItemFactory()
    client = api_client(integrator)
    pk = client.post(
        URL, {"party": PartyFactory().pk, "lines": [{"item": lamp.pk, "quantity": "1"}]}, format="json"
    ).json()["id"]
    client.post(f"{URL}{pk}/send/")
    pdf = api_client(clerk).get(f"{URL}{pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "-r1.pdf" in pdf["Content-Disposition"]
    refused = client.delete(f"{URL}{pk}/")
    assert problem(refused, 409)["code"] == "quotation-not-editable"

    other = client.post(URL, {"party": PartyFactory().pk, "lines": []}, format="json").json()["id"]
    assert client.delete(f"{URL}{other}/").status_code == 204
    assert not Quotation.objects.filter(pk=other).exists()


def test_lose_needs_a_listed_reason(integrator):
    client = api_client(integrator)
    pk = client.post(URL, {"party": PartyFactory().pk}, format="json").json()["id"]
    assert problem(client.post(f"{URL}{pk}/lose/", {"reason": "nope"}, format="json"), 400)
    lost = client.post(f"{URL}{pk}/lose/", {"reason": "price", "note": "too dear"}, format="json")
    assert (lost.json()["state"], lost.json()["lost_reason"]) == ("lost", "price")


def test_accept_into_an_invoice_draft_through_the_api(integrator):
    # given: a sent quotation of services for a prospect
    service = ItemFactory(number="S", name="Consulting", unit_price=D("80.00"), item_type="service")
    client = api_client(integrator)
    pk = client.post(
        URL, {"party": PartyFactory().pk, "lines": [{"item": service.pk, "quantity": "3"}]}, format="json"
    ).json()["id"]
    client.post(f"{URL}{pk}/send/")

    # when: an unknown conversion, then the invoice
    unknown = client.post(f"{URL}{pk}/accept/", {"revision": 1, "convert_to": "shipment"}, format="json")
    accepted = client.post(f"{URL}{pk}/accept/", {"revision": 1, "convert_to": "invoice"}, format="json")

    # then: the refusal names the field and the choices; the invoice draft is found by its quotation
    errors = problem(unknown, 400)["errors"]
    assert [error["field"] for error in errors] == ["convert_to"]
    assert "'order' (Sales order), 'invoice' (Invoice draft)" in errors[0]["message"]
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["state"], accepted.json()["sales_order"]) == ("accepted", None)
    invoices = client.get(f"/api/v1/invoices/?quotation={pk}").json()["results"]
    assert [(i["quotation"], i["basis"], i["state"], i["order"], i["amount_net"]) for i in invoices] == [
        (pk, "direct", "draft", None, "240.00")
    ]
    # the quotation links its invoice beside the (empty) order link: a draft has no number yet
    invoice = invoices[0]["id"]
    link = ("invoice", "invoice_number", "invoice_url", "sales_order")
    assert tuple(accepted.json()[key] for key in link) == (invoice, None, f"/invoicing/invoices/{invoice}/", None)
    listed = client.get(URL).json()["results"]
    assert [tuple(row[key] for key in link) for row in listed] == [
        (invoice, None, f"/invoicing/invoices/{invoice}/", None)
    ]

    # when: the invoice is posted
    posted = client.post(f"/api/v1/invoices/{invoice}/post/")
    assert posted.status_code == 200, posted.content

    # then: the quotation shows its number
    assert client.get(f"{URL}{pk}/").json()["invoice_number"] == posted.json()["number"]


def test_the_schema_documents_the_invoice_link(integrator):
    schema = api_client(integrator).get("/api/schema/?format=json").json()
    properties = schema["components"]["schemas"]["Quotation"]["properties"]
    assert properties["invoice"] == {
        "type": "integer",
        "nullable": True,
        "readOnly": True,
        "description": "The invoice draft the quotation was accepted into (convert_to=invoice), else null.",
    }
    assert (properties["invoice_number"]["type"], properties["invoice_url"]["nullable"]) == ("string", True)


def test_the_list_reads_accepted_quotations_orders_with_the_quotations(integrator, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from salesapp.services.quotations import quotation_accept, quotation_send
    from tests.factories.quotations import make_quotation

    def accepted():
        quotation = quotation_send(quotation=make_quotation(lines=[(ItemFactory(), "1")], by=clerk), by=clerk)
        return quotation_accept(quotation=quotation, revision=1, by=clerk)

    api = api_client(integrator)
    accepted()
    api.get(URL)  # warm up (token, permissions)
    with CaptureQueriesContext(connection) as one:
        assert api.get(URL).status_code == 200
    accepted(), accepted()
    with CaptureQueriesContext(connection) as three:
        body = api.get(URL).json()
    # the same statements for one accepted quotation and for three: their orders come with them
    assert len(three.captured_queries) == len(one.captured_queries)
    assert len(body["results"]) == 3
    assert all(row["sales_order_number"].startswith("SO-") for row in body["results"])
    assert all(row["invoice"] is None for row in body["results"])


def test_the_list_reads_the_invoices_of_quotations_accepted_into_invoices_in_one_query(integrator, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from salesapp.services.quotations import quotation_accept, quotation_send
    from tests.factories.quotations import make_quotation

    def invoiced():
        service = ItemFactory(item_type="service")
        quotation = quotation_send(quotation=make_quotation(lines=[(service, "1")], by=clerk), by=clerk)
        return quotation_accept(quotation=quotation, revision=1, convert_to="invoice", by=clerk)

    api = api_client(integrator)
    invoiced()
    api.get(URL)  # warm up (token, permissions)
    with CaptureQueriesContext(connection) as one:
        assert api.get(URL).status_code == 200
    made = [invoiced().converted_document, invoiced().converted_document]
    with CaptureQueriesContext(connection) as three:
        body = api.get(URL).json()
    assert len(three.captured_queries) == len(one.captured_queries)
    assert {row["invoice"] for row in body["results"]} >= {invoice.pk for invoice in made}
