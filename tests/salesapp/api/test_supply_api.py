import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from salesapp.models import InboundSupplyLine, Item, StockMove
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory
from tests.factories.supply import make_supply_line

URL = "/api/v1/inbound-supply/"
D = Decimal
TODAY = datetime.date.today()
LATER = TODAY + datetime.timedelta(days=10)


def test_supply_line_through_the_api_from_entry_to_receipt(manager):
    # given
    vendor, item = PartyFactory(name="Acme"), ItemFactory(number="A-1", stock=0)
    client = api_client(manager)
    # when: entered, changed, received in two parts
    created = client.post(
        URL,
        {"vendor": vendor.pk, "item": item.pk, "quantity": "10", "expected_date": LATER.isoformat(), "reference": "P"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert (body["state"], body["vendor_name"], body["item_number"], body["remaining"]) == (
        "open",
        "Acme",
        "A-1",
        "10.000",
    )
    changed = client.patch(f"{URL}{pk}/", {"quantity": "8"}, format="json")
    assert changed.status_code == 200, changed.content
    first = client.post(f"{URL}{pk}/receive/", {"quantity": "5", "received_on": TODAY.isoformat()}, format="json")
    assert first.status_code == 200, first.content
    assert (first.json()["qty_received"], first.json()["state"]) == ("5.000", "open")
    over = client.post(f"{URL}{pk}/receive/", {"quantity": "4"}, format="json")
    assert problem(over, 409)["code"] == "supply-over-receipt"
    last = client.post(f"{URL}{pk}/receive/", {"quantity": "3"}, format="json")
    # then
    assert (last.json()["qty_received"], last.json()["state"]) == ("8.000", "received")
    assert Item.objects.get(pk=item.pk).on_hand == D("8")
    assert client.get(f"{URL}{pk}/").json()["remaining"] == "0.000"
    refused = client.patch(f"{URL}{pk}/", {"quantity": "9"}, format="json")
    assert problem(refused, 409)["code"] == "supply-line-not-editable"


def test_cancel_through_the_api(manager):
    line = make_supply_line(quantity="5", by=manager)
    response = api_client(manager).post(f"{URL}{line.pk}/cancel/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "canceled"


def test_list_filters_and_search(manager, django_assert_max_num_queries):
    acme, other = PartyFactory(name="Acme"), PartyFactory(name="Other")
    item = ItemFactory(stock=0)
    soon = make_supply_line(vendor=acme, item=item, expected_date=TODAY + datetime.timedelta(days=2), reference="PO-9")
    later = make_supply_line(vendor=acme, expected_date=LATER)
    make_supply_line(vendor=other, expected_date=LATER)
    client = api_client(manager)

    def numbers(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["number"] for row in response.json()["results"])

    assert numbers(f"vendor={acme.pk}") == sorted([soon.number, later.number])
    assert numbers(f"item={item.pk}") == [soon.number]
    assert numbers(f"vendor={acme.pk}&expected_after={LATER.isoformat()}") == [later.number]
    assert numbers(f"expected_before={(TODAY + datetime.timedelta(days=3)).isoformat()}") == [soon.number]
    assert numbers("search=po-9") == [soon.number]
    assert numbers("state=received") == []
    for _ in range(20):
        make_supply_line(vendor=other)
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 23


def test_a_clerk_reads_but_cannot_enter_receive_or_cancel(clerk):
    line = make_supply_line(quantity="5")
    client = api_client(clerk)
    assert client.get(f"{URL}{line.pk}/").status_code == 200
    created = client.post(
        URL,
        {"vendor": line.vendor_id, "item": line.item_id, "quantity": "1", "expected_date": LATER.isoformat()},
        format="json",
    )
    assert problem(created, 403)
    assert problem(client.post(f"{URL}{line.pk}/receive/", {"quantity": "1"}, format="json"), 403)
    assert problem(client.post(f"{URL}{line.pk}/cancel/"), 403)
    line.refresh_from_db()
    assert (line.state, line.qty_received, InboundSupplyLine.objects.count()) == ("open", D("0"), 1)


def test_unknown_fields_are_refused(manager):
    line = make_supply_line(quantity="5")
    client = api_client(manager)
    unknown = client.patch(f"{URL}{line.pk}/", {"expected": LATER.isoformat()}, format="json")
    assert [error["field"] for error in problem(unknown, 400)["errors"]] == ["expected"]
    read_only = client.post(f"{URL}{line.pk}/receive/", {"quantity": "1", "state": "received"}, format="json")
    assert [error["field"] for error in problem(read_only, 400)["errors"]] == ["state"]
    line.refresh_from_db()
    assert (line.expected_date, line.qty_received) != (LATER, D("1"))


def test_import_through_the_api_is_all_or_nothing(manager):
    vendor = PartyFactory(name="Acme")
    ItemFactory(number="A-1", stock=0)
    client = api_client(manager)
    good = f"vendor,item,quantity,expected_date\n{vendor.pk},A-1,4,{LATER.isoformat()}\n".encode()
    created = client.post(
        f"{URL}import/", {"file": SimpleUploadedFile("supply.csv", good, "text/csv")}, format="multipart"
    )
    assert created.status_code == 201, created.content
    assert [(row["item_number"], row["quantity"]) for row in created.json()] == [("A-1", "4.000")]
    bad = good + b"Nobody,A-1,1,2030-01-01\n"
    refused = client.post(
        f"{URL}import/", {"file": SimpleUploadedFile("supply.csv", bad, "text/csv")}, format="multipart"
    )
    body = problem(refused, 400)
    assert body["code"] == "supply-import-refused"
    assert [error["message"] for error in body["errors"]] == ["line 3: vendor: no party is named 'Nobody'."]
    assert InboundSupplyLine.objects.count() == 1


def test_item_stock_shows_figures_open_supply_and_moves_a_page_at_a_time(manager):
    # given: 30 on hand from 25 adjustments, a supply line to come
    item = ItemFactory(stock=6)
    client = api_client(manager)
    for _ in range(24):
        assert (
            client.post(
                f"/api/v1/items/{item.pk}/stock-adjustments/", {"quantity": "1", "reason": "Count"}, format="json"
            ).status_code
            == 201
        )
    line = make_supply_line(item=item, quantity="7", expected_date=LATER)
    # when
    response = client.get(f"/api/v1/items/{item.pk}/stock/")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body["stock"][key] for key in ("on_hand", "reserved", "free")} == {
        "on_hand": "30.000",
        "reserved": "0.000",
        "free": "30.000",
    }
    assert [(row["number"], row["remaining"]) for row in body["stock"]["open_supply"]] == [(line.number, "7.000")]
    assert len(body["moves"]["results"]) == 20 and body["moves"]["next"]
    rest = client.get(body["moves"]["next"]).json()["moves"]["results"]
    assert len(rest) == 5 and rest[-1]["reason"] == "Opening stock"
    listed = client.get(f"/api/v1/items/{item.pk}/").json()
    assert (listed["on_hand"], listed["free"]) == ("30.000", "30.000")


def test_stock_adjustment_through_the_api(manager, clerk):
    item = ItemFactory(stock=5)
    url = f"/api/v1/items/{item.pk}/stock-adjustments/"
    taken = api_client(manager).post(url, {"quantity": "-2", "reason": "Damaged"}, format="json")
    assert taken.status_code == 201, taken.content
    assert (taken.json()["kind"], taken.json()["quantity"]) == ("adjustment", "-2.000")
    refused = api_client(manager).post(url, {"quantity": "1", "reason": ""}, format="json")
    assert problem(refused, 400)
    denied = api_client(clerk).post(url, {"quantity": "1", "reason": "Found"}, format="json")
    assert problem(denied, 403)
    unknown = api_client(manager).post(url, {"quantity": "1", "reason": "x", "kind": "delivery"}, format="json")
    assert [error["field"] for error in problem(unknown, 400)["errors"]] == ["kind"]
    item.refresh_from_db()
    assert item.on_hand == D("3") and StockMove.objects.filter(item=item).count() == 2
