"""Shipping notices: the customer is told by email that a delivery left, with its delivery note attached
(salesapp.documents), through a job (DESIGN.md §2.3). Posting a delivery queues the first notice; a clerk may send
it again. Each notice is one row that the job sends once (salesapp.services.document_mail)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ActionForbidden, TransitionRefused
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from marketing.choices import ActivityType
from marketing.models import Party
from marketing.services.activities import activity_create
from salesapp.choices import PackingSlipState
from salesapp.documents import delivery_note_pdf
from salesapp.errors import ErrorCode
from salesapp.jobs import shipping_notice_deliver_job
from salesapp.lock_objects import lock_packing_slip
from salesapp.models import Customer, PackingSlip, SalesOrder, ShippingNotice
from salesapp.services.document_mail import email_deliver_once, pdf_message, recipient_checked

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEND_PERMISSION = "salesapp.send_shippingnotice"

_QUEUE_SQL = f"""
INSERT INTO {ShippingNotice._meta.db_table} (packing_slip_id, "to", queued_at, error, created_by_id)
SELECT %(slip)s, p.email, %(now)s, '', %(by)s
FROM {SalesOrder._meta.db_table} o
JOIN {Customer._meta.db_table} c ON c.id = o.customer_id
JOIN {Party._meta.db_table} p ON p.id = c.party_id
WHERE o.id = %(order)s AND p.email <> ''
RETURNING id, "to"
"""


def shipping_notice_refusal(slip: PackingSlip) -> str | None:
    """Why no shipping notice can go for ``slip`` now, or None."""
    if slip.is_return_receipt:
        return gettext("A return receipt takes goods back: there is no shipping notice for it.")
    if slip.state != PackingSlipState.POSTED:
        return gettext("Packing slip %(number)s is %(state)s: a shipping notice goes for a posted delivery.") % {
            "number": slip.number or gettext("draft"),
            "state": slip.get_state_display().lower(),
        }
    return None


def shipping_notice_queue(*, slip: PackingSlip, by: User) -> ShippingNotice | None:
    """In the posting's transaction: queue the notice of a delivery just posted to the customer's email address.
    A customer without one gets none (the slip's page says so); posting never fails for it."""
    # One statement that reads the address and writes the notice (posting is on every delivery's path).
    with connection.cursor() as cursor:
        cursor.execute(_QUEUE_SQL, {"slip": slip.pk, "order": slip.order_id, "by": by.pk, "now": timezone.now()})
        row = cursor.fetchone()
    if row is None:
        return None
    job_enqueue(shipping_notice_deliver_job, notice_id=row[0])
    return ShippingNotice(pk=row[0], packing_slip=slip, to=row[1], created_by=by)


@transaction.atomic
def shipping_notice_send(*, packing_slip: PackingSlip, by: User, to: str | None = None) -> ShippingNotice:
    """Queue the shipping notice of a posted delivery (again) to ``to`` (default: the customer's email)."""
    if not by.has_perm(SEND_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You may not send shipping notices.")
        )
    slip = lock_packing_slip(packing_slip.pk)
    slip.order = SalesOrder.objects.select_related("customer__party").get(pk=slip.order_id)
    reason = shipping_notice_refusal(slip)
    if reason:
        raise TransitionRefused(code=ErrorCode.SHIPPING_NOTICE_NOT_SENDABLE, reason=reason)
    party = slip.order.customer.party
    to = recipient_checked(to, default=party.email, recipient=party.name)
    notice = ShippingNotice.objects.create(packing_slip=slip, to=to, created_by=by)
    job_enqueue(shipping_notice_deliver_job, notice_id=notice.pk)
    return notice


def _message(notice: ShippingNotice) -> EmailMessage:
    slip = notice.packing_slip
    order = slip.order
    party = order.customer.party
    return pdf_message(
        to=notice.to,
        language=party.language,
        subject=lambda: (
            gettext("Your order %(order)s has been shipped (%(number)s)")
            % {"order": order.number, "number": slip.number}
        ),
        template="email/shipping_notice_message.txt",
        context={"slip": slip, "order": order, "party": party, "company": settings.SALESFLOW_COMPANY},
        pdf=delivery_note_pdf(slip),
    )


def _sent_record(notice: ShippingNotice) -> None:
    slip = notice.packing_slip
    activity_create(
        by=notice.created_by,
        activity_type=ActivityType.EMAIL,
        subject=gettext("Shipping notice for %(number)s (order %(order)s) sent to %(to)s")
        % {"number": slip.number, "order": slip.order.number, "to": notice.to},
        party=slip.order.customer.party,
        campaign=slip.order.campaign,
        document=slip,
        done=True,
    )


def shipping_notice_deliver(*, notice_id: int) -> ShippingNotice:
    """Send one queued shipping notice, once (salesapp.services.document_mail). Runs as a job."""
    notice = ShippingNotice.objects.select_related(
        "packing_slip__order__customer__party", "packing_slip__order__campaign", "created_by"
    ).get(pk=notice_id)
    return email_deliver_once(notice, message_for=_message, on_sent=_sent_record)
