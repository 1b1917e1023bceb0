"""Shipping notices: posting a delivery emails the customer its delivery note once, through a job."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from marketing.models import Activity
from salesapp.models import ShippingNotice
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import order_deliver_remainder, packing_slip_cancel, packing_slip_create
from salesapp.services.returns import returned_goods_receive, returned_order_create
from salesapp.services.shipping_notices import shipping_notice_deliver, shipping_notice_send
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def confirmed_for(party, clerk):
    customer = make_customer(party=party)
    order = make_order(customer=customer, lines=[(ItemFactory(stock=10), "2")], by=clerk)
    return order_confirm(order=order, by=clerk)


@pytest.fixture
def order(clerk):
    return confirmed_for(PartyFactory(name="Bakker BV", email="inkoop@bakker.example"), clerk)


def test_posting_a_delivery_emails_the_notice_once_with_the_delivery_note(order, clerk):
    # when: the delivery is posted; the notice is queued with it
    slip = order_deliver_remainder(order=order, by=clerk)
    notice = ShippingNotice.objects.get(packing_slip=slip)
    assert (notice.to, notice.status, mail.outbox) == ("inkoop@bakker.example", "queued", [])

    # then: the job sends it
    [run] = jobs_run_due()
    assert run.status == "succeeded"
    [message] = mail.outbox
    assert message.subject == f"Your order {order.number} has been shipped ({slip.number})"
    assert message.to == ["inkoop@bakker.example"]
    assert f"Your order {order.number} was shipped on {slip.ship_date.isoformat()}" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{slip.number}.pdf", "application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert f"Delivery note {slip.number}" in text
    notice.refresh_from_db()
    assert notice.status == "sent"
    activity = Activity.objects.get(document_id=slip.pk)
    assert activity.subject == f"Shipping notice for {slip.number} (order {order.number}) sent to inkoop@bakker.example"
    assert activity.party_id == order.customer.party_id

    # when: the job runs again (a retry) — nothing more is sent
    shipping_notice_deliver(notice_id=notice.pk)
    assert len(mail.outbox) == 1
    assert Activity.objects.filter(document_id=slip.pk).count() == 1


def test_a_customer_without_email_gets_no_notice_and_posting_goes_on(clerk):
    order = confirmed_for(PartyFactory(name="Quiet BV", email=""), clerk)
    slip = order_deliver_remainder(order=order, by=clerk)
    assert (slip.state, ShippingNotice.objects.count(), jobs_run_due(), mail.outbox) == ("posted", 0, [], [])


def test_a_return_receipt_sends_no_notice(order, clerk):
    slip = order_deliver_remainder(order=order, by=clerk)
    line = order.lines.get()
    returned = order_confirm(
        order=returned_order_create(order=order, quantities={line.pk: D("1")}, return_reason="Broken", by=clerk),
        by=clerk,
    )
    receipt = returned_goods_receive(order=returned, by=clerk)
    assert list(ShippingNotice.objects.values_list("packing_slip_id", flat=True)) == [slip.pk]
    with pytest.raises(TransitionRefused, match="there is no shipping notice for it"):
        shipping_notice_send(packing_slip=receipt, by=clerk)


def test_the_clerk_sends_it_again_to_another_address(order, clerk):
    slip = order_deliver_remainder(order=order, by=clerk)
    jobs_run_due()
    again = shipping_notice_send(packing_slip=slip, to="logistics@bakker.example", by=clerk)
    jobs_run_due()
    assert [message.to for message in mail.outbox] == [["inkoop@bakker.example"], ["logistics@bakker.example"]]
    again.refresh_from_db()
    assert again.status == "sent"


def test_refusals_queue_nothing(order, clerk, billing, manager):
    draft = packing_slip_create(order=order, by=clerk)
    with pytest.raises(TransitionRefused, match="is draft: a shipping notice goes for a posted delivery"):
        shipping_notice_send(packing_slip=draft, by=clerk)
    quiet = confirmed_for(PartyFactory(name="Quiet BV", email=""), clerk)
    quiet_slip = order_deliver_remainder(order=quiet, by=clerk)
    with pytest.raises(ValidationFailed) as refused:
        shipping_notice_send(packing_slip=quiet_slip, by=clerk)
    assert refused.value.field_errors == {
        "to": "Quiet BV has no email address: add one to the party, or name the recipient."
    }
    with pytest.raises(ActionForbidden):
        shipping_notice_send(packing_slip=quiet_slip, to="x@example.com", by=billing)
    packing_slip_cancel(packing_slip=quiet_slip, reason="Not shipped", by=manager)
    with pytest.raises(TransitionRefused, match="is canceled"):
        shipping_notice_send(packing_slip=quiet_slip, to="x@example.com", by=clerk)
    assert ShippingNotice.objects.count() == 0


def test_the_page_lists_notices_offers_a_resend_and_says_why_none_went(client, clerk):
    client.force_login(clerk)
    quiet = confirmed_for(PartyFactory(name="Quiet BV", email=""), clerk)
    slip = order_deliver_remainder(order=quiet, by=clerk)
    page = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk])).content.decode()
    assert "No shipping notice was sent: Quiet BV has no email address." in page
    notify = reverse("salesapp:packing_slip_notify", args=[slip.pk])
    assert f'action="{notify}"' in page

    response = client.post(notify, {"to": "goods@quiet.example"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        f"The shipping notice of {slip.number} is on its way; it shows under “Shipping notices” once sent."
    ]
    jobs_run_due()
    page = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk])).content.decode()
    assert "goods@quiet.example" in page and "No shipping notice was sent" not in page
    assert [message.to for message in mail.outbox] == [["goods@quiet.example"]]


def test_the_api_sends_it_again(order, clerk, integrator):
    slip = order_deliver_remainder(order=order, by=clerk)
    response = api_client(clerk).post(f"/api/v1/packing-slips/{slip.pk}/shipping-notice/", {}, format="json")
    assert response.status_code == 202, response.content
    assert (response.json()["to"], response.json()["status"]) == ("inkoop@bakker.example", "queued")
    refused = api_client(clerk).post(
        f"/api/v1/packing-slips/{slip.pk}/shipping-notice/", {"to": "not an address"}, format="json"
    )
    assert [error["field"] for error in problem(refused, 400)["errors"]] == ["to"]
    assert ShippingNotice.objects.count() == 2
