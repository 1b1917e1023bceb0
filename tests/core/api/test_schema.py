from django.core.management import call_command
from django.test import Client

from tests.core.api.helpers import api_client


def test_schema_is_served(integrator):
    # when
    response = api_client(integrator).get("/api/schema/", HTTP_ACCEPT="application/json")

    # then: every resource is described, errors as problem+json
    assert response.status_code == 200
    schema = response.json()
    assert sorted(path for path in schema["paths"] if path.count("/") == 4) == [
        "/api/v1/activities/",
        "/api/v1/aging/",
        "/api/v1/atp/",
        "/api/v1/billing-runs/",
        "/api/v1/campaign-targets/",
        "/api/v1/campaigns/",
        "/api/v1/customer-tax-groups/",
        "/api/v1/customers/",
        "/api/v1/events/",
        "/api/v1/exchange-rates/",
        "/api/v1/free-text-invoices/",
        "/api/v1/inbound-supply/",
        "/api/v1/invoices/",
        "/api/v1/item-groups/",
        "/api/v1/item-tax-groups/",
        "/api/v1/items/",
        "/api/v1/leads/",
        "/api/v1/opportunities/",
        "/api/v1/opportunity-stages/",
        "/api/v1/packing-slips/",
        "/api/v1/parties/",
        "/api/v1/payments/",
        "/api/v1/price-groups/",
        "/api/v1/prices/",
        "/api/v1/product-relations/",
        "/api/v1/quotations/",
        "/api/v1/sales-agreements/",
        "/api/v1/sales-orders/",
        "/api/v1/segments/",
        "/api/v1/set-offs/",
        "/api/v1/standard-line-sets/",
        "/api/v1/suggestion-events/",
        "/api/v1/suggestions/",
        "/api/v1/tax-codes/",
        "/api/v1/tax-determinations/",
        "/api/v1/trade-agreements/",
        "/api/v1/webhook-deliveries/",
        "/api/v1/webhook-subscriptions/",
    ]
    cancel = schema["paths"]["/api/v1/sales-orders/{id}/cancel/"]["post"]
    assert cancel["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderCancelInputRequest"
    }
    assert cancel["responses"]["409"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    invoice_action = schema["paths"]["/api/v1/sales-orders/{id}/invoice/"]["post"]
    assert invoice_action["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Invoice"
    }
    pdf = schema["paths"]["/api/v1/invoices/{id}/pdf/"]["get"]
    assert pdf["responses"]["200"]["content"] == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def test_schema_validates_without_warnings(db, tmp_path):
    # when: warnings fail the command
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    # then
    assert "/api/v1/sales-orders/{id}/confirm/" in (tmp_path / "schema.yml").read_text()


def test_docs_page_is_served(integrator):
    # when
    response = api_client(integrator).get("/api/docs/")
    script = api_client(integrator).get("/api/docs/?script=")

    # then: the page loads its start script from a URL of its own (no inline script under the CSP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert '<script src="/api/docs/?script="></script>' in html
    assert "<script>" not in html and "<style>" not in html
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in script.content


def test_schema_and_docs_need_a_token_or_a_session(clerk):
    # when
    anonymous = [api_client().get(url) for url in ("/api/schema/", "/api/docs/", "/api/docs/?script=")]
    client = Client()
    client.force_login(clerk)
    signed_in = [client.get(url) for url in ("/api/schema/", "/api/docs/")]

    # then
    assert [response.status_code for response in anonymous] == [401, 401, 401]
    assert [response.status_code for response in signed_in] == [200, 200]


def test_api_docs_load_nothing_from_a_cdn(client, clerk):
    # Users may run without internet: Swagger UI comes from the installed sidecar package.
    client.force_login(clerk)
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "https://" not in html.split("<body", 1)[0]


def test_the_problem_schema_lists_every_error_code(integrator):
    # when
    schema = api_client(integrator).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    # then: core's, each app's (errors.py) and the API's own codes
    codes = schema["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    for code in (
        "unknown-field",
        "invalid-data",
        "permission-denied",
        "method-not-allowed",
        "lead-not-convertible",
        "order-not-confirmable",
        "order-type-not-available",
        "customer-credit-forbidden",
        "invoice-posted",
    ):
        assert code in codes
    assert codes == sorted(codes)
