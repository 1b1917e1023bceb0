"""Approving and rejecting orders that wait for a sales manager (DESIGN.md §4.2, §7): the approver is never the
requester; every decision is logged, put on the party's timeline and emailed to the requester (a job)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.errors import ActionForbidden, ValidationFailed
from core.events import event_record
from core.jobs import job_enqueue
from core.transitions import transition_run, transition_save, transitions_saved
from marketing.choices import ActivityType
from marketing.services.activities import activity_create
from salesapp import events
from salesapp.choices import ApprovalDecision
from salesapp.errors import ErrorCode
from salesapp.jobs import order_approval_notify_job
from salesapp.lock_objects import lock_order
from salesapp.models import OrderApprovalDecision, SalesOrder
from salesapp.services.document_mail import DeliveryColumns, email_deliver_once
from salesapp.services.orders import prepayment_hold
from salesapp.services.promising import order_ship_dates_default
from salesapp.services.reservations import order_reservations_take

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

COMMENT_MAX = 1000


def _requester_guard(order: SalesOrder, by: User) -> None:
    # Separation of duties (DESIGN.md §7): whoever asked for the approval cannot give it, whatever their role.
    if order.is_approval_requester(by):
        raise ActionForbidden(
            code=ErrorCode.ORDER_APPROVER_IS_REQUESTER,
            reason=gettext(
                "You asked for the approval of order %(number)s: another sales manager must approve or reject it."
            )
            % {"number": order.number},
        )


def _comment_checked(comment: str, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationFailed(field_errors={"comment": gettext("Say why the order is rejected.")})
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            field_errors={"comment": gettext("Enter at most %(max)s characters.") % {"max": COMMENT_MAX}}
        )
    return comment


def _decision_record(order: SalesOrder, *, decision: str, comment: str, requester: User, reason: str, by: User):
    """The decision row, the requester's activity on the party's timeline and the email job, in the
    decision's transaction."""
    recorded = OrderApprovalDecision.objects.create(
        order=order, decision=decision, comment=comment, requested_by=requester, request_reason=reason, decided_by=by
    )
    context = {"number": order.number, "by": by.get_full_name() or by.get_username(), "comment": comment or "—"}
    if decision == ApprovalDecision.APPROVED:
        subject = gettext("Order %(number)s approved by %(by)s: %(comment)s") % context
    else:
        subject = gettext("Order %(number)s rejected by %(by)s: %(comment)s") % context
    # A rejection leaves work for the requester (change the order, confirm it again): an open task for them.
    activity_create(
        by=by,
        activity_type=ActivityType.TASK,
        subject=subject[:200],
        notes=comment,
        owner=requester,
        party=order.customer.party,
        document=order,
        done=decision == ApprovalDecision.APPROVED,
    )
    job_enqueue(order_approval_notify_job, decision_id=recorded.pk)
    return recorded


@transaction.atomic
def order_approve(*, order: SalesOrder, by: User, comment: str = "") -> SalesOrder:
    """Confirm an order that waited for approval. A customer who pays in advance gets it held until paid."""
    comment = _comment_checked(comment, required=False)
    order = lock_order(order.pk)
    _requester_guard(order, by)
    requester, reason = order.approval_requested_by, order.approval_reason
    # The confirmation's event rides in the state's own UPDATE (core.events).
    with transitions_saved(order):
        transition_run(order.approve, by=by, description=comment)
        event_record(type=events.ORDER_CONFIRMED, subject=order, by=by, data=events.order_data(order))
    order_reservations_take(order)
    order_ship_dates_default(order)
    prepayment_hold(order, by=by)
    _decision_record(
        order, decision=ApprovalDecision.APPROVED, comment=comment, requester=requester, reason=reason, by=by
    )
    return order


@transaction.atomic
def order_reject(*, order: SalesOrder, by: User, comment: str) -> SalesOrder:
    """Send an order that waited for approval back to open, so the clerk can change it and confirm it again."""
    comment = _comment_checked(comment, required=True)
    order = lock_order(order.pk)
    _requester_guard(order, by)
    requester, reason = order.approval_requested_by, order.approval_reason
    transition_run(order.reject, by=by, description=comment)
    transition_save(order)
    _decision_record(
        order, decision=ApprovalDecision.REJECTED, comment=comment, requester=requester, reason=reason, by=by
    )
    return order


def _message(decision: OrderApprovalDecision) -> EmailMessage:
    order = decision.order
    requester = decision.requested_by
    context = {
        "decision": decision,
        "order": order,
        "requester": requester,
        "decided_by": decision.decided_by.get_full_name() or decision.decided_by.get_username(),
        "url": settings.SALESFLOW_BASE_URL + reverse("salesapp:order_detail", args=[order.pk]),
        "company": settings.SALESFLOW_COMPANY,
    }
    with translation.override(settings.LANGUAGE_CODE):
        if decision.decision == ApprovalDecision.APPROVED:
            subject = gettext("Order %(number)s approved") % {"number": order.number}
        else:
            subject = gettext("Order %(number)s rejected") % {"number": order.number}
        body = render_to_string("email/order_approval_decision.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[requester.email])


def order_approval_notify(*, decision_id: int) -> OrderApprovalDecision:
    """Email the requester one approval decision. Runs as a job, outside any transaction.

    Sent once, as every queued document email (salesapp.services.document_mail). A requester without an email
    address is recorded too: the timeline's activity still tells them."""
    decision = OrderApprovalDecision.objects.select_related("order__customer__party", "requested_by", "decided_by").get(
        pk=decision_id
    )
    if decision.notified_at or decision.notify_error:
        return decision
    if not decision.requested_by.email:
        decision.notify_error = gettext("The requester has no email address.")
        OrderApprovalDecision.objects.filter(pk=decision.pk).update(notify_error=decision.notify_error)
        return decision
    return email_deliver_once(
        decision,
        message_for=_message,
        on_sent=lambda decision: None,  # the decision's activity was recorded with the decision itself
        columns=DeliveryColumns(sent="notified_at", failed=None, error="notify_error"),
    )
