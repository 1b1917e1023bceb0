import datetime
from decimal import Decimal

import pytest
from django.core import mail

from core.errors import ActionForbidden, ValidationFailed
from core.jobs import jobs_run_due
from marketing.models import Activity
from salesapp.models import SalesOrderLine, ShipDateNotice
from salesapp.services.backorders import backorders_reschedule, ship_date_notice_deliver
from salesapp.services.orders import order_confirm
from salesapp.services.supply import supply_line_create
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal
TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def waiting_line(item, quantity, *, by, email="buyer@example.com", name=None):
    """A confirmed line whose promised date was withdrawn (confirming gives it its ATP date)."""
    customer = make_customer(party=PartyFactory(name=name or "Bakker BV", email=email))
    order = order_confirm(order=make_order(customer=customer, lines=[(item, quantity)], by=by), by=by)
    order.lines.update(confirmed_ship_date=None)
    return order.lines.get()


def test_a_new_date_is_set_and_each_customer_is_told_once_listing_its_lines(clerk):
    item = ItemFactory(number="A-100", stock=0)
    other = ItemFactory(number="B-200", stock=0)
    customer = make_customer(party=PartyFactory(name="Bakker BV", email="inkoop@bakker.example"))
    order = order_confirm(order=make_order(customer=customer, lines=[(item, "3"), (other, "2")], by=clerk), by=clerk)
    first, second = order.lines.order_by("line_no")
    elsewhere = waiting_line(item, "1", by=clerk, email="buyer@jansen.example", name="Jansen")
    untouched = waiting_line(item, "1", by=clerk, email="buyer@visser.example", name="Visser")

    result = backorders_reschedule(lines=[first.pk, second.pk, elsewhere.pk], confirmed_ship_date=days(20), by=clerk)

    assert sorted(line.pk for line in result.changed) == sorted([first.pk, second.pk, elsewhere.pk])
    assert set(SalesOrderLine.objects.filter(confirmed_ship_date=days(20)).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
        elsewhere.pk,
    }
    assert SalesOrderLine.objects.get(pk=untouched.pk).confirmed_ship_date is None
    assert [notice.to for notice in result.notices] == ["inkoop@bakker.example", "buyer@jansen.example"]
    assert mail.outbox == []  # the job sends them
    jobs_run_due()
    assert sorted(message.to[0] for message in mail.outbox) == ["buyer@jansen.example", "inkoop@bakker.example"]
    bakker = next(message for message in mail.outbox if message.to == ["inkoop@bakker.example"])
    assert bakker.subject == f"New ship dates for your orders {order.number} from Northwind Trading B.V."
    assert f"Order {order.number}, line 10: 3 pcs A-100" in bakker.body
    assert f"Order {order.number}, line 20: 2 pcs B-200" in bakker.body
    assert f"now {days(20).isoformat()}" in bakker.body
    assert Activity.objects.filter(
        party=customer.party, subject=f"New ship dates for orders {order.number} emailed to inkoop@bakker.example"
    ).exists()
    # A retried job sends nothing again.
    ship_date_notice_deliver(notice_id=result.notices[0].pk)
    assert len(mail.outbox) == 2


def test_lines_whose_date_does_not_change_notify_nobody(clerk):
    line = waiting_line(ItemFactory(stock=0), "2", by=clerk)
    backorders_reschedule(lines=[line.pk], confirmed_ship_date=days(5), by=clerk)
    result = backorders_reschedule(lines=[line.pk], confirmed_ship_date=days(5), by=clerk)
    assert (result.changed, result.notices) == ([], [])
    assert ShipDateNotice.objects.count() == 1


def test_the_atp_date_is_taken_line_after_line_in_priority_order(clerk, manager):
    item = ItemFactory(stock=1)
    vendor = PartyFactory(name="Contoso")
    supply_line_create(vendor=vendor, item=item, quantity="3", expected_date=days(7), by=manager)
    supply_line_create(vendor=vendor, item=item, quantity="5", expected_date=days(14), by=manager)
    first = waiting_line(item, "3", by=clerk)  # the 1 on hand (reserved) and 2 of day 7's 3
    second = waiting_line(item, "2", by=clerk, name="Jansen", email="j@example.com")  # 1 left on day 7: day 14
    third = waiting_line(item, "9", by=clerk, name="Visser", email="v@example.com")  # 4 left after them: 5 short

    result = backorders_reschedule(lines=[third.pk, second.pk, first.pk], use_atp=True, by=clerk)

    dates = dict(
        SalesOrderLine.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "confirmed_ship_date")
    )
    assert (dates[first.pk], dates[second.pk], dates[third.pk]) == (days(7), days(14), None)
    [(line, promise)] = result.unpromisable
    assert (line.pk, promise.shortfall) == (third.pk, D("5"))
    assert len(result.notices) == 2


def test_a_customer_without_email_is_told_on_the_timeline(clerk):
    line = waiting_line(ItemFactory(stock=0), "2", by=clerk, email="")
    result = backorders_reschedule(lines=[line.pk], confirmed_ship_date=days(3), by=clerk)
    assert result.notices == [] and [customer.pk for customer in result.unreachable] == [line.order.customer_id]
    activity = Activity.objects.get(party=line.order.customer.party, subject__startswith="New ship dates")
    assert "has no email address" in activity.subject and not activity.done


def test_refusals_name_the_field_and_change_nothing(clerk, billing):
    line = waiting_line(ItemFactory(stock=0), "2", by=clerk)
    delivered = waiting_line(ItemFactory(stock=5), "1", by=clerk, name="Jansen", email="j@example.com")
    SalesOrderLine.objects.filter(pk=delivered.pk).update(qty_delivered=D("1"), qty_reserved=D("0"))
    with pytest.raises(ActionForbidden):
        backorders_reschedule(lines=[line.pk], confirmed_ship_date=days(3), by=billing)
    with pytest.raises(ValidationFailed) as refused:
        backorders_reschedule(lines=[line.pk], by=clerk)
    assert set(refused.value.field_errors) == {"confirmed_ship_date"}
    with pytest.raises(ValidationFailed) as refused:
        backorders_reschedule(lines=[line.pk, delivered.pk, 999999], confirmed_ship_date=days(3), by=clerk)
    assert set(refused.value.field_errors) == {f"lines[{delivered.pk}]", "lines[999999]"}
    with pytest.raises(ValidationFailed) as refused:
        backorders_reschedule(lines=[line.pk], confirmed_ship_date=days(-30), by=clerk)
    assert "order date" in refused.value.field_errors["confirmed_ship_date"]
    with pytest.raises(ValidationFailed):
        backorders_reschedule(lines=["x"], confirmed_ship_date=days(3), by=clerk)
    assert SalesOrderLine.objects.filter(confirmed_ship_date__isnull=False).count() == 0
    assert ShipDateNotice.objects.count() == 0


def test_the_page_action_reschedules_and_says_who_is_told(client, clerk):
    line = waiting_line(ItemFactory(stock=0), "2", by=clerk, name="Bakker BV", email="inkoop@bakker.example")
    client.force_login(clerk)
    response = client.post(
        "/sales/backorders/reschedule/",
        {"lines": [line.pk], "confirmed_ship_date": days(8).isoformat(), "next": "/sales/orders/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/sales/orders/"
    texts = [str(message) for message in response.context["messages"]]
    assert texts == ["New ship date on 1 line.", "Emailing Bakker BV the new dates."]
    assert SalesOrderLine.objects.get(pk=line.pk).confirmed_ship_date == days(8)
    response = client.post(
        "/sales/backorders/reschedule/", {"lines": [line.pk], "confirmed_ship_date": "soon"}, follow=True
    )
    assert [str(message) for message in response.context["messages"]] == ["Enter a date as YYYY-MM-DD, not 'soon'."]


def test_the_api_reschedules_with_atp_dates_and_refuses_unknown_fields(integrator, clerk):
    from tests.core.api.helpers import api_client

    line = waiting_line(ItemFactory(stock=5), "2", by=clerk)
    api = api_client(integrator)
    response = api.post("/api/v1/backorders/reschedule/", {"lines": [line.pk], "use_atp": True}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == [
        {"id": line.pk, "order": line.order.number, "line_no": 10, "confirmed_ship_date": TODAY.isoformat()}
    ]
    assert [notice["to"] for notice in body["notices"]] == ["buyer@example.com"]
    response = api.post(
        "/api/v1/backorders/reschedule/", {"lines": [line.pk], "use_atp": True, "notify": False}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown-field"
