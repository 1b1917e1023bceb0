import datetime
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from core.errors import ActionForbidden, ValidationFailed
from core.jobs import jobs_run_due
from marketing.models import Activity
from salesapp.models import BackorderNotice, SalesOrderLine
from salesapp.services.backorders import backorder_notice_deliver, backorders_reschedule
from tests.factories.backorders import confirmed, supply
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def customer_named(name, email):
    return make_customer(party=PartyFactory(name=name, email=email))


def test_rescheduling_tells_each_customer_once_about_their_changed_lines(clerk):
    bakker = customer_named("Bakker BV", "inkoop@bakker.example")
    visser = customer_named("Visser", "visser@example.com")
    item = ItemFactory(number="A-100", stock=0)
    first = confirmed(item, "3", by=clerk, customer=bakker, ship=TODAY)
    second = confirmed(item, "2", by=clerk, customer=bakker, ship=TODAY)
    confirmed(item, "2", by=clerk, customer=visser, ship=TODAY)  # not selected
    lines = [first.lines.get(), second.lines.get()]
    new = TODAY + 10 * DAY

    notices = backorders_reschedule(lines=[line.pk for line in lines], date=new, by=clerk)

    assert SalesOrderLine.objects.filter(pk__in=[line.pk for line in lines], confirmed_ship_date=new).count() == 2
    assert [notice.customer_id for notice in notices] == [bakker.pk] and mail.outbox == []
    runs = jobs_run_due()
    assert [run.status for run in runs] == ["succeeded"]
    [message] = mail.outbox
    assert message.to == ["inkoop@bakker.example"]
    assert message.subject == "New delivery dates for your orders from Northwind Trading B.V."
    assert f"Order {first.number}, line 10: 3 pcs A-100, new ship date {new.isoformat()} (was {TODAY})" in message.body
    assert f"Order {second.number}, line 10" in message.body
    assert Activity.objects.filter(
        party=bakker.party, subject="New ship dates of backorder lines sent to inkoop@bakker.example"
    ).exists()
    # Run again (a retry): nothing more goes out.
    backorder_notice_deliver(notice_id=notices[0].pk)
    assert len(mail.outbox) == 1


def test_taking_the_atp_date_uses_the_inbound_supply(clerk):
    item = ItemFactory(stock=2)
    order = confirmed(item, "5", by=clerk, customer=customer_named("Bakker BV", "b@example.com"))
    supply(item, "10", TODAY + 6 * DAY)
    line = order.lines.get()

    backorders_reschedule(lines=[line], use_atp=True, by=clerk)

    line.refresh_from_db()
    assert line.confirmed_ship_date == TODAY + 6 * DAY


def test_a_line_without_supply_cannot_take_an_atp_date_and_nothing_changes(clerk):
    item = ItemFactory(number="A-9", stock=0)
    order = confirmed(item, "5", by=clerk, ship=TODAY)
    line = order.lines.get()
    with pytest.raises(ValidationFailed) as refused:
        backorders_reschedule(lines=[line.pk], use_atp=True, by=clerk)
    assert refused.value.field_errors == {
        f"lines[{line.pk}]": f"Order {order.number} line 10: Not promisable: 5 short, and no inbound supply covers it."
    }
    line.refresh_from_db()
    assert line.confirmed_ship_date == TODAY and BackorderNotice.objects.count() == 0


def test_bad_input_is_refused_naming_the_field(clerk):
    item = ItemFactory(stock=10)
    served = confirmed(item, "2", by=clerk).lines.get()
    served.qty_delivered = served.quantity
    SalesOrderLine.objects.filter(pk=served.pk).update(qty_delivered=2, qty_reserved=0)
    with pytest.raises(ValidationFailed) as no_lines:
        backorders_reschedule(lines=[], date=TODAY, by=clerk)
    with pytest.raises(ValidationFailed) as both:
        backorders_reschedule(lines=[served.pk], date=TODAY, use_atp=True, by=clerk)
    with pytest.raises(ValidationFailed) as not_waiting:
        backorders_reschedule(lines=[served.pk], date=TODAY, by=clerk)
    assert list(no_lines.value.field_errors) == ["lines"]
    assert list(both.value.field_errors) == ["confirmed_ship_date"]
    assert not_waiting.value.field_errors == {
        f"lines[{served.pk}]": f"Line {served.pk} is not a backorder line of a confirmed order."
    }


def test_only_those_who_may_change_orders_reschedule(clerk, billing):
    line = confirmed(ItemFactory(stock=0), "1", by=clerk).lines.get()
    with pytest.raises(ActionForbidden):
        backorders_reschedule(lines=[line.pk], date=TODAY, by=billing)


def test_a_customer_without_email_gets_a_timeline_note_instead(clerk):
    customer = customer_named("No Mail", "")
    line = confirmed(ItemFactory(stock=0), "1", by=clerk, customer=customer).lines.get()
    assert backorders_reschedule(lines=[line.pk], date=TODAY + DAY, by=clerk) == []
    assert Activity.objects.filter(
        party=customer.party, subject="New ship dates of backorder lines (no email address to send them to)"
    ).exists()


def test_a_mail_server_that_refuses_for_good_marks_the_notice_failed(clerk, monkeypatch):
    customer = customer_named("Bakker BV", "b@example.com")
    line = confirmed(ItemFactory(stock=0), "1", by=clerk, customer=customer).lines.get()
    [notice] = backorders_reschedule(lines=[line.pk], date=TODAY + DAY, by=clerk)

    def refuse(self, messages):
        raise smtplib.SMTPResponseException(550, b"mailbox unavailable")

    monkeypatch.setattr(LocmemBackend, "send_messages", refuse)
    backorder_notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == "failed" and "mailbox unavailable" in notice.error
