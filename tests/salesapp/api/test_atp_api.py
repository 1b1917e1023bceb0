import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from salesapp.models import InboundSupplyLine
from salesapp.services.orders import order_confirm
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal
URL = "/api/v1/atp/"
TODAY = timezone.localdate()


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_one_item_by_id_or_number(integrator):
    item = ItemFactory(number="LAMP-1", stock=4)
    InboundSupplyLine.objects.create(
        number="IS-A1", vendor=PartyFactory(), item=item, quantity=D("6"), expected_date=day(7)
    )
    api = api_client(integrator)
    by_id = api.get(URL, {"item": item.pk, "quantity": "3"}).json()
    assert by_id == {
        "item": item.pk,
        "item_number": "LAMP-1",
        "quantity": "3.000",
        "date": TODAY.isoformat(),
        "promisable": True,
        "shortfall": "0.000",
        "unstocked": False,
        "text": f"Available to promise on {day(0).day} {day(0).strftime('%b %Y')}.",
    }
    later = api.get(URL, {"item": "LAMP-1", "quantity": "8", "from_date": day(2).isoformat()}).json()
    assert (later["date"], later["promisable"]) == (day(7).isoformat(), True)
    short = api.get(URL, {"item": "LAMP-1", "quantity": "12"}).json()
    assert (short["date"], short["promisable"], short["shortfall"]) == (None, False, "2.000")
    assert short["text"] == "Not promisable: 2 short, and no inbound supply covers it."


def test_many_lines_at_once_counting_orders_waiting(integrator, clerk, django_assert_max_num_queries):
    lamp, chair, _service = (
        ItemFactory(number="LAMP", stock=5),
        ItemFactory(number="CHAIR", stock=1),
        ItemFactory(number="FIT", item_type="service"),
    )
    order_confirm(order=make_order(lines=[(lamp, "4")], by=clerk), by=clerk)
    api = api_client(integrator)
    lines = [{"item": "LAMP", "quantity": "1"}, {"item": chair.pk, "quantity": "2"}, {"item": "FIT", "quantity": "9"}]
    lines += [{"item": "LAMP", "quantity": "2"}] * 50
    response = api.get(URL, {"item": "LAMP", "quantity": "1"})  # the token's first use
    with django_assert_max_num_queries(8):
        response = api.post(URL, {"lines": lines}, format="json")
    answers = response.json()["lines"]
    assert len(answers) == 53
    assert [(a["item_number"], a["date"], a["shortfall"], a["unstocked"]) for a in answers[:4]] == [
        ("LAMP", TODAY.isoformat(), "0.000", False),
        ("CHAIR", None, "1.000", False),
        ("FIT", TODAY.isoformat(), "0.000", True),
        ("LAMP", None, "1.000", False),
    ]


def test_bad_input_is_refused_naming_the_field(integrator):
    ItemFactory(number="LAMP")
    api = api_client(integrator)
    body = problem(api.get(URL, {"item": "NOPE", "quantity": "0"}), 400)
    assert {error["field"] for error in body["errors"]} == {"quantity"}
    body = problem(api.get(URL, {"item": "NOPE", "quantity": "1"}), 400)
    assert body["errors"] == [{"field": "item", "message": "No item with id or number “NOPE”."}]
    body = problem(
        api.post(URL, {"lines": [{"item": "LAMP", "quantity": "1"}, {"item": "X", "quantity": "-1"}]}, format="json"),
        400,
    )
    assert [error["field"] for error in body["errors"]] == ["lines[1].quantity"]
    body = problem(api.post(URL, {"lines": [{"item": "LAMP", "quantity": "1", "price": "3"}]}, format="json"), 400)
    assert body["code"] == "unknown-field"
    assert [error["field"] for error in body["errors"]] == ["lines[0].price"]
    body = problem(api.post(URL, {"lines": [{"item": "LAMP", "quantity": "1"}] * 101}, format="json"), 400)
    assert body["errors"] == [{"field": "lines", "message": "At most 100 lines can be looked up at once."}]


def test_reading_items_is_what_it_takes(db):
    nobody = get_user_model().objects.create_user("nobody")
    item = ItemFactory(number="LAMP")
    problem(api_client(nobody).get(URL, {"item": item.pk, "quantity": "1"}), 403)
    problem(api_client().get(URL, {"item": item.pk, "quantity": "1"}), 401)
    nobody.user_permissions.add(Permission.objects.get(codename="view_item"))
    answer = api_client(nobody).post(URL, {"lines": [{"item": "LAMP", "quantity": "1"}]}, format="json")
    assert answer.status_code == 200 and answer.json()["lines"][0]["promisable"] is True


def test_order_lines_show_what_is_reserved_for_them(integrator, clerk):
    item = ItemFactory(stock=3)
    order = order_confirm(order=make_order(lines=[(item, "5")], by=clerk), by=clerk)
    line = api_client(integrator).get(f"/api/v1/sales-orders/{order.pk}/").json()["lines"][0]
    assert (line["qty_reserved"], line["deliver_remainder"], line["confirmed_ship_date"]) == ("3.000", "5.000", None)
