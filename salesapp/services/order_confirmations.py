"""Emailing an order confirmation: the order as it stands, as a PDF attached to a short message in the customer's
language, through Django's email backend and a job (DESIGN.md §2.3). Sent again after the order changed, it is a
revised confirmation, numbered (salesapp.models.OrderConfirmation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext

from core.errors import ActionForbidden, TransitionRefused
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from marketing.choices import ActivityType
from marketing.services.activities import activity_create
from salesapp.choices import OrderState
from salesapp.documents import order_confirmation_pdf
from salesapp.errors import ErrorCode
from salesapp.jobs import order_confirmation_deliver_job
from salesapp.lock_objects import lock_order, lock_order_lines
from salesapp.models import OrderConfirmation, SalesOrder
from salesapp.selectors.order_confirmations import confirmation_fingerprint, confirmation_last
from salesapp.services.document_mail import email_deliver_once, pdf_message, recipient_checked

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEND_PERMISSION = "salesapp.send_orderconfirmation"
# A confirmation states what the customer will get: an open order is not agreed yet, a canceled one is gone.
CONFIRMABLE_STATES = (OrderState.CONFIRMED, OrderState.DELIVERED, OrderState.INVOICED)


def confirmation_refusal(order: SalesOrder) -> str | None:
    if order.state not in CONFIRMABLE_STATES:
        return gettext("Order %(number)s is %(state)s: a confirmation is sent once the order is confirmed.") % {
            "number": order.number,
            "state": order.get_state_display().lower(),
        }
    return None


@transaction.atomic
def order_confirmation_send(*, order: SalesOrder, by: User, to: str | None = None) -> OrderConfirmation:
    """Queue the confirmation of ``order`` to ``to`` (default: the customer's email). Its version goes up when
    the order changed since the last confirmation; the job is committed with the request, or not at all."""
    if not by.has_perm(SEND_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You may not send order confirmations.")
        )
    order = lock_order(order.pk)
    reason = confirmation_refusal(order)
    if reason:
        raise TransitionRefused(code=ErrorCode.ORDER_CONFIRMATION_NOT_SENDABLE, reason=reason)
    party = order.customer.party
    to = recipient_checked(to, default=party.email, recipient=party.name)
    fingerprint = confirmation_fingerprint(order, lock_order_lines(order, related=()).values())
    last = confirmation_last(order)
    if last is None:
        version = 1
    else:
        version = last.version if last.fingerprint == fingerprint else last.version + 1
    confirmation = OrderConfirmation.objects.create(
        order=order, version=version, fingerprint=fingerprint, to=to, created_by=by
    )
    job_enqueue(order_confirmation_deliver_job, confirmation_id=confirmation.pk)
    return confirmation


def _message(confirmation: OrderConfirmation) -> EmailMessage:
    order = confirmation.order
    party = order.customer.party
    content, filename = order_confirmation_pdf(order, version=confirmation.version)
    context = {
        "order": order,
        "confirmation": confirmation,
        "party": party,
        "sender": confirmation.created_by,
        "company": settings.SALESFLOW_COMPANY,
    }
    return pdf_message(
        to=confirmation.to,
        language=party.language,
        subject=lambda: (
            (
                gettext("Revised order confirmation %(number)s from %(company)s")
                if confirmation.is_revised
                else gettext("Order confirmation %(number)s from %(company)s")
            )
            % {"number": order.number, "company": settings.SALESFLOW_COMPANY["name"]}
        ),
        template="email/order_confirmation_message.txt",
        context=context,
        pdf=(content, filename),
    )


def _sent_record(confirmation: OrderConfirmation) -> None:
    order = confirmation.order
    subject = (
        gettext("Revised confirmation of order %(number)s (version %(version)s) sent to %(to)s")
        if confirmation.is_revised
        else gettext("Confirmation of order %(number)s sent to %(to)s")
    )
    activity_create(
        by=confirmation.created_by,
        activity_type=ActivityType.EMAIL,
        subject=subject % {"number": order.number, "version": confirmation.version, "to": confirmation.to},
        party=order.customer.party,
        campaign=order.campaign,
        document=order,
        done=True,
    )


def order_confirmation_deliver(*, confirmation_id: int) -> OrderConfirmation:
    """Send one queued order confirmation, once (salesapp.services.document_mail). Runs as a job."""
    confirmation = OrderConfirmation.objects.select_related(
        "order__customer__party", "order__campaign", "created_by"
    ).get(pk=confirmation_id)
    return email_deliver_once(confirmation, message_for=_message, on_sent=_sent_record)
