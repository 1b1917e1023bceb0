import datetime
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from procrastinate.contrib.django.models import ProcrastinateJob
from rest_framework.test import APIClient

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from marketing.models import Activity
from salesapp.models import OrderConfirmation
from salesapp.services.order_confirmations import order_confirmation_deliver, order_confirmation_send
from salesapp.services.orders import order_confirm, order_line_ship_date_confirm
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


@pytest.fixture
def order(clerk):
    customer = make_customer(party=PartyFactory(name="Bakker BV", email="inkoop@bakker.example"))
    order = make_order(customer=customer, lines=[(ItemFactory(number="A-100", unit_price=D("12.50")), "2")], by=clerk)
    return order_confirm(order=order, by=clerk)


def test_the_confirmation_is_emailed_with_its_pdf_by_a_job_and_recorded(order, clerk):
    # when
    confirmation = order_confirmation_send(order=order, by=clerk)

    # then: queued only; the job sends it
    assert (confirmation.version, confirmation.to, confirmation.status, mail.outbox) == (
        1,
        "inkoop@bakker.example",
        "queued",
        [],
    )
    [run] = jobs_run_due()
    assert run.status == "succeeded"
    [message] = mail.outbox
    assert message.subject == f"Order confirmation {order.number} from Northwind Trading B.V."
    assert "Thank you for your order" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{order.number}-confirmation-v1.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    confirmation.refresh_from_db()
    assert confirmation.status == "sent"
    assert Activity.objects.filter(
        subject=f"Confirmation of order {order.number} sent to inkoop@bakker.example", document_id=order.pk
    ).exists()


def test_sending_again_unchanged_keeps_the_version_and_after_a_change_it_is_revised(order, clerk):
    first = order_confirmation_send(order=order, by=clerk)
    again = order_confirmation_send(order=order, by=clerk)
    assert (first.version, again.version) == (1, 1)

    order_line_ship_date_confirm(
        order_line=order.lines.get(), confirmed_ship_date=order.order_date + datetime.timedelta(days=9), by=clerk
    )
    revised = order_confirmation_send(order=order, by=clerk)
    jobs_run_due()

    assert revised.version == 2
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects[-1] == f"Revised order confirmation {order.number} from Northwind Trading B.V."
    assert Activity.objects.filter(
        subject=f"Revised confirmation of order {order.number} (version 2) sent to inkoop@bakker.example"
    ).exists()


def test_refusals_say_why_and_queue_nothing(clerk, billing):
    draft = make_order(by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        order_confirmation_send(order=draft, by=clerk)
    assert "a confirmation is sent once the order is confirmed" in refused.value.reason

    confirmed = order_confirm(
        order=make_order(customer=make_customer(party=PartyFactory(email="")), by=clerk), by=clerk
    )
    with pytest.raises(ValidationFailed) as refused:
        order_confirmation_send(order=confirmed, by=clerk)
    assert "has no email address" in refused.value.field_errors["to"]
    with pytest.raises(ValidationFailed):
        order_confirmation_send(order=confirmed, to="not-an-address", by=clerk)
    with pytest.raises(ActionForbidden):
        order_confirmation_send(order=confirmed, to="a@b.example", by=billing)
    assert (OrderConfirmation.objects.count(), ProcrastinateJob.objects.count()) == (0, 0)


class RefusingBackend(LocmemBackend):
    code = 451

    def send_messages(self, messages):
        raise smtplib.SMTPResponseException(self.code, b"try later")


def test_a_try_later_answer_leaves_it_for_the_retry_and_a_refusal_marks_it_failed(order, clerk, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    confirmation = order_confirmation_send(order=order, by=clerk)
    with pytest.raises(Exception, match="try later"):
        order_confirmation_deliver(confirmation_id=confirmation.pk)
    confirmation.refresh_from_db()
    assert confirmation.status == "queued"

    RefusingBackend.code = 550
    try:
        order_confirmation_deliver(confirmation_id=confirmation.pk)
    finally:
        RefusingBackend.code = 451
    confirmation.refresh_from_db()
    assert confirmation.status == "failed"
    # a sent or failed confirmation is never mailed again by a retried job
    assert order_confirmation_deliver(confirmation_id=confirmation.pk).status == "failed"


def test_the_page_previews_the_pdf_and_sends_and_the_api_too(order, client, clerk):
    client.force_login(clerk)
    page = client.get(f"/sales/orders/{order.pk}/").content.decode()
    assert f'action="/sales/orders/{order.pk}/confirmation/send/"' in page
    pdf = client.get(f"/sales/orders/{order.pk}/confirmation.pdf")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:4]) == (200, "application/pdf", b"%PDF")

    response = client.post(f"/sales/orders/{order.pk}/confirmation/send/", {"to": "orders@bakker.example"})
    assert response.status_code == 302
    jobs_run_due()
    assert "orders@bakker.example" in client.get(f"/sales/orders/{order.pk}/").content.decode()

    api = APIClient()
    api.force_authenticate(clerk)
    sent = api.post(f"/api/v1/sales-orders/{order.pk}/send-confirmation/", {}, format="json")
    assert sent.status_code == 202, sent.content
    assert (sent.json()["version"], sent.json()["to"], sent.json()["status"]) == (1, "inkoop@bakker.example", "queued")
    listed = api.get(f"/api/v1/sales-orders/{order.pk}/confirmations/")
    assert [row["to"] for row in listed.json()] == ["inkoop@bakker.example", "orders@bakker.example"]
    pdf = api.get(f"/api/v1/sales-orders/{order.pk}/confirmation-pdf/")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
