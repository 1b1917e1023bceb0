"""Goods a customer sends back (DESIGN.md §4.2): a returned order, with its RMA number, for lines of an order
that were delivered. Receiving it is a return receipt (``packing_slip_create``/``packing_slip_post`` on the
returned order), invoicing it a credit note (invoicing)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from marketing.choices import ActivityType
from marketing.services.activities import activity_create
from salesapp.choices import OrderType
from salesapp.errors import ErrorCode
from salesapp.models import PackingSlip, SalesOrder
from salesapp.order_types import policy_for
from salesapp.services.orders import OrderLineInput, order_create
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_INPUT_KEY = re.compile(r"^lines\[(\d+)\]")


@transaction.atomic
def returned_order_create(
    *, order: SalesOrder, quantities: dict[int, Decimal], return_reason: str = "", by: User
) -> SalesOrder:
    """A new open returned order (with its RMA number) for ``quantities`` per line id of ``order`` coming back,
    at the prices they were sold at, through ``order_create``: the customer's checks run again, and no line
    returns more than was delivered and is not already being returned. Errors are keyed by the line numbers of
    ``order`` (``lines[<line_no>].quantity``)."""
    source = SalesOrder.objects.select_related("customer__party", "campaign").get(pk=order.pk)
    if policy_for(source.order_type).receives:
        raise ValidationFailed(
            field_errors={"order": gettext("Order %(number)s is itself a return.") % {"number": source.number}}
        )
    lines = {line.pk: line for line in source.lines.all()}
    unknown = [line_id for line_id in quantities if int(line_id) not in lines]
    if unknown:
        raise ValidationFailed(
            field_errors={
                f"lines[{unknown[0]}]": gettext("Line %(line)s is not a line of order %(number)s.")
                % {"line": unknown[0], "number": source.number}
            }
        )
    chosen = [(lines[int(line_id)], quantity) for line_id, quantity in quantities.items() if quantity]
    if not chosen:
        raise ValidationFailed(field_errors={"lines": gettext("Enter a quantity to return on at least one line.")})
    try:
        returned = order_create(
            customer=source.customer,
            by=by,
            order_type=OrderType.RETURNED_ORDER,
            customer_reference=source.customer_reference,
            return_reason=return_reason,
            payment_terms_days=source.payment_terms_days,
            delivery_address=source.delivery_address,
            lines=[OrderLineInput(item=None, quantity=quantity, returned_line=line) for line, quantity in chosen],
        )
    except ValidationFailed as error:
        # The inputs are numbered in the order chosen here; the person returning goods knows the order's lines.
        raise ValidationFailed(
            code=error.code,
            field_errors={
                _INPUT_KEY.sub(lambda match: f"lines[{chosen[int(match.group(1))][0].line_no}]", key): message
                for key, message in error.field_errors.items()
            },
        ) from None
    # The return undoes part of a sale: it keeps the sale's attribution, so campaign revenue nets the credit.
    if source.campaign_id or source.opportunity_id:
        returned.campaign_id, returned.opportunity_id = source.campaign_id, source.opportunity_id
        returned.save(update_fields=["campaign", "opportunity", "updated_at"])
    activity_create(
        by=by,
        activity_type=ActivityType.TASK,
        subject=gettext("Returned order %(number)s (RMA %(rma)s) entered for order %(source)s")
        % {"number": returned.number, "rma": returned.rma_number, "source": source.number},
        party=source.customer.party,
        campaign=source.campaign,
        document=returned,
        done=True,
    )
    return returned


@transaction.atomic
def returned_goods_receive(
    *,
    order: SalesOrder,
    quantities: dict[int, Decimal] | None = None,
    dispositions: dict[int, str] | None = None,
    receipt_date: datetime.date | None = None,
    by: User,
) -> PackingSlip:
    """Receive what came back on a returned order in one step: a return receipt created and posted (every
    remainder when ``quantities`` is None; ``dispositions`` per line, default back to stock). All or nothing."""
    if not policy_for(order.order_type).receives:
        raise TransitionRefused(
            code=ErrorCode.ORDER_NOT_DELIVERABLE,
            reason=gettext("Order %(number)s is not a returned order: ship it on a packing slip.")
            % {"number": order.number},
        )
    receipt = packing_slip_create(
        order=order, quantities=quantities, ship_date=receipt_date, dispositions=dispositions, by=by
    )
    return packing_slip_post(packing_slip=receipt, by=by)
