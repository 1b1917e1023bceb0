import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from invoicing.models import ExchangeRate
from invoicing.services.exchange_rates import exchange_rate_set
from tests.core.api.helpers import api_client, problem

URL = "/api/v1/exchange-rates/"
DAY = datetime.date(2026, 3, 1)


def test_the_integrator_sets_lists_changes_and_removes_rates(integrator):
    api = api_client(integrator)

    created = api.post(URL, {"currency": "USD", "valid_from": "2026-03-01", "rate": "0.9231"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["currency"], body["valid_from"], body["rate"], body["created_by"]) == (
        "USD",
        "2026-03-01",
        "0.923100",
        integrator.username,
    )
    api.post(URL, {"currency": "SEK", "valid_from": "2026-03-01", "rate": "0.0874"}, format="json")

    listed = api.get(URL, {"currency": "USD"}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    changed = api.patch(f"{URL}{body['id']}/", {"rate": "0.93"}, format="json")
    assert changed.json()["rate"] == "0.930000"
    assert api.get(f"{URL}on/", {"currency": "USD", "date": "2026-03-05"}).json() == {
        "currency": "USD",
        "date": "2026-03-05",
        "rate": "0.930000",
    }
    assert api.delete(f"{URL}{body['id']}/").status_code == 204
    assert list(ExchangeRate.objects.values_list("currency", flat=True)) == ["SEK"]


def test_wrong_input_and_unknown_fields_are_refused_naming_the_field(integrator):
    api = api_client(integrator)

    company = problem(api.post(URL, {"currency": "EUR", "valid_from": "2026-03-01", "rate": "1"}, format="json"), 400)
    unknown = problem(
        api.post(URL, {"currency": "USD", "valid_from": "2026-03-01", "rate": "1", "note": "x"}, format="json"), 400
    )
    missing = problem(api.get(f"{URL}on/", {"currency": "USD", "date": "2026-03-05"}), 400)

    assert [error["field"] for error in company["errors"]] == ["currency"]
    assert "note" in [error["field"] for error in unknown["errors"]]
    assert missing["code"] == "exchange-rate-missing"
    assert not ExchangeRate.objects.exists()


def test_a_csv_file_is_imported_whole_or_refused_line_by_line(integrator):
    api = api_client(integrator)

    good = api.post(
        f"{URL}import/",
        {"file": SimpleUploadedFile("rates.csv", b"currency;date;rate\nUSD;2026-03-01;0.92\nSEK;2026-03-01;0.0874\n")},
        format="multipart",
    )
    bad = api.post(
        f"{URL}import/",
        {"file": SimpleUploadedFile("rates.csv", b"currency;date;rate\nUSD;2026-03-02;0.92\nGBP;2026-03-02;-1\n")},
        format="multipart",
    )

    assert (good.status_code, good.json()) == (201, {"imported": 2})
    errors = problem(bad, 400)["errors"]
    assert [error["message"].split(":")[0] for error in errors] == ["line 3"]
    assert ExchangeRate.objects.count() == 2


def test_a_clerk_reads_rates_but_does_not_keep_them(clerk, manager):
    exchange_rate_set(currency="USD", valid_from=DAY, rate=Decimal("0.9"), by=manager)
    api = api_client(clerk)

    assert api.get(URL).status_code == 200
    problem(api.post(URL, {"currency": "USD", "valid_from": "2026-03-02", "rate": "1"}, format="json"), 403)
    assert ExchangeRate.objects.count() == 1
