from decimal import Decimal

from salesapp.models import TaxCode
from tests.core.api.helpers import api_client, problem

URL = "/api/v1/tax-codes/"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_integrator_lists_tax_codes_with_their_rates(integrator):
    # given: the codes the migrations made
    api = api_client(integrator)

    # when
    response = api.get(URL)

    # then: newest first, as every list
    rows = [
        {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")}
        for row in response.json()["results"]
    ]
    assert response.status_code == 200
    assert rows == [
        {"code": code.code, "name": code.name, "rate": f"{code.rate:.2f}", "active": code.active, "version": 1}
        for code in TaxCode.objects.order_by("-id")
    ]
    assert {"code": "NL21", "name": "NL standard rate 21 %", "rate": "21.00", "active": True, "version": 1} in rows


def test_list_filters_active_and_searches_code_and_name(integrator):
    # given
    TaxCode.objects.create(code="DE19", name="DE standard rate 19 %", rate=Decimal("19"), active=False)
    api = api_client(integrator)

    # then
    assert codes(api.get(URL, {"active": "false"})) == ["DE19"]
    assert "DE19" not in codes(api.get(URL, {"active": "true"}))
    assert codes(api.get(URL, {"search": "de19"})) == ["DE19"]
    assert codes(api.get(URL, {"search": "reverse charge"})) == ["EURC"]


def test_one_tax_code(integrator):
    # given
    code = TaxCode.objects.get(code="NL9")

    # when
    response = api_client(integrator).get(f"{URL}{code.pk}/")

    # then
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in ("id", "code", "name", "rate", "active")} == {
        "id": code.pk,
        "code": "NL9",
        "name": "NL reduced rate 9 %",
        "rate": "9.00",
        "active": True,
    }


def test_tax_codes_are_read_only_even_for_administrators(administrator):
    # given
    code = TaxCode.objects.get(code="NL9")
    before = list(TaxCode.objects.order_by("pk").values_list("pk", "code", "name", "rate", "active"))
    api = api_client(administrator)

    # when
    created = api.post(URL, {"code": "XX", "name": "X", "rate": "1"}, format="json")
    changed = api.patch(f"{URL}{code.pk}/", {"rate": "10"}, format="json")
    deleted = api.delete(f"{URL}{code.pk}/")

    # then
    for response in (created, changed, deleted):
        assert problem(response, 405)["code"] == "method-not-allowed"
    assert list(TaxCode.objects.order_by("pk").values_list("pk", "code", "name", "rate", "active")) == before


def test_anonymous_callers_are_refused(db):
    # when
    response = api_client().get(URL)

    # then
    assert problem(response, 401)["code"] == "not-authenticated"
