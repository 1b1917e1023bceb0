"""Billing a subscription order's period (DESIGN.md §4.2, §5): one posted invoice per period, in one
transaction with the period row that makes it billable once."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ActionForbidden
from core.errors import ErrorCode as CoreErrorCode
from invoicing.choices import InvoiceBasis
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.lock_objects import lock_order, lock_order_lines
from salesapp.models import SalesOrder
from salesapp.services.subscriptions import subscription_period_close, subscription_period_open

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BILLING_RUN_PERMISSION = "invoicing.add_billingrun"


def billing_permission_guard(by: User) -> None:
    if not by.has_perm(BILLING_RUN_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow billing subscriptions."),
        )


@transaction.atomic
def subscription_period_bill(
    *,
    order: SalesOrder,
    bill_until: datetime.date,
    by: User,
    invoice_date: datetime.date | None = None,
    store_pdf: bool = True,
    check_permission: bool = True,
) -> Invoice:
    """Bill the next period of a confirmed subscription that is due by ``bill_until``: the period row, an
    order-basis invoice of everything the order carries (what is not delivered yet is delivered with it),
    posted on ``invoice_date`` (default today), then the period's quantities kept, the ledger reset and the
    order renewed for the next period (salesapp.services.subscriptions).

    Refused, with the reason and nothing written, when the order is not a confirmed subscription, not due,
    ended, on hold, its customer blocked, nothing on it has a price, or the period is billed already.
    ``store_pdf``: as for ``invoice_post``.
    ``check_permission=False``: for a billing run, whose start was authorized (``billing_run_start``)."""
    if check_permission:
        billing_permission_guard(by)
    order = lock_order(order.pk)
    lock_order_lines(order, related=())
    period = subscription_period_open(order=order, bill_until=bill_until, by=by)
    invoice = invoice_create_from_order(order=order, basis=InvoiceBasis.ORDER, subscription_period=period, by=by)
    invoice = invoice_post(
        invoice=invoice,
        invoice_date=invoice_date or timezone.localdate(),
        store_pdf=store_pdf,
        by=by,
        check_permission=False,
    )
    # Posting delivered and invoiced the lines and made the order invoiced: read them as they are now.
    order = lock_order(order.pk)
    lock_order_lines(order, related=())
    subscription_period_close(order=order, period=period, invoice_number=invoice.number, by=by)
    return invoice
