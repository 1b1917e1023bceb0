"""Canceling invoices from the admin: the action calls the service per invoice and reports each refusal."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from invoicing.models import Invoice
from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import posted_invoice

D = Decimal


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_cancel_action_cancels_the_unpaid_and_reports_the_paid(client, administrator, clerk, billing):
    # given: one unpaid invoice and one partly paid
    unpaid = posted_invoice(by=clerk, post_by=billing)
    paid = posted_invoice(by=clerk, post_by=billing)
    payment_register(
        customer=paid.customer, amount=D("10.00"), applications=[ApplicationInput(invoice=paid)], by=billing
    )
    client.force_login(administrator)

    # when
    response = client.post(
        reverse("admin:invoicing_invoice_changelist"),
        {"action": "cancel_invoices", "_selected_action": [unpaid.pk, paid.pk]},
    )

    # then: the unpaid one is canceled by a posted credit note; the paid one is refused with the reason
    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.state, paid.state) == ("canceled", "posted")
    assert unpaid.credit_notes.get().credit_kind == "cancellation"
    assert not paid.credit_notes.exists()
    assert (
        "error",
        f"{paid.number}: Invoice {paid.number} is paid or partly paid: use a credit note and a refund.",
    ) in messages_of(response)
    assert ("success", "1 invoice canceled.") in messages_of(response)
    assert Invoice.objects.filter(kind="credit_note").count() == 1
