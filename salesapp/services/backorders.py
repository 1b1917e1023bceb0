"""Rescheduling backorders (DESIGN.md §4.4): new confirmed ship dates for chosen waiting lines, typed or taken from
order promising, and one email per affected customer listing its changed lines, sent once by a job, with an
activity on the customer's timeline."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.bulk import column_update
from core.dates import date_in_window, date_window_message
from core.errors import ActionForbidden, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from marketing.choices import ActivityType
from marketing.services.activities import activity_create
from salesapp.choices import LineType, OrderState
from salesapp.jobs import ship_date_notice_deliver_job
from salesapp.models import Customer, SalesOrder, SalesOrderLine, ShipDateNotice
from salesapp.selectors.promising import Promise, atp_dates
from salesapp.services.document_mail import email_deliver_once

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RESCHEDULE_PERMISSION = "salesapp.change_salesorder"
# Enough for a page of a backorder view; a larger selection is a mistake or a batch job.
MAX_LINES = 500


@dataclass
class Rescheduled:
    """What a rescheduling did: the lines whose date changed, those order promising found no date for (left
    as they were), the notices queued and the customers without an email address (told on the timeline only)."""

    changed: list[SalesOrderLine] = field(default_factory=list)
    unpromisable: list[tuple[SalesOrderLine, Promise]] = field(default_factory=list)
    notices: list[ShipDateNotice] = field(default_factory=list)
    unreachable: list[Customer] = field(default_factory=list)


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _line_ids(lines) -> list[int]:
    ids, bad = [], []
    for value in lines or []:
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            bad.append(value)
    if bad or not ids:
        raise ValidationFailed(
            field_errors={"lines": gettext("Choose the order lines to reschedule (by their id).")}
            if not bad
            else {"lines": gettext("'%(value)s' is not an order line id.") % {"value": bad[0]}}
        )
    if len(set(ids)) > MAX_LINES:
        raise ValidationFailed(
            field_errors={"lines": gettext("Choose at most %(max)s lines at a time.") % {"max": MAX_LINES}}
        )
    return sorted(set(ids))


def _locked(ids: list[int]) -> tuple[dict[int, SalesOrder], list[SalesOrderLine]]:
    """The orders of the lines, then the lines, locked in id order (DESIGN.md §2.4: order → lines)."""
    order_ids = sorted(set(SalesOrderLine.objects.filter(pk__in=ids).values_list("order_id", flat=True)))
    orders = {
        order.pk: order
        for order in SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer__party")
        .filter(pk__in=order_ids)
        .order_by("pk")
    }
    lines = list(
        SalesOrderLine.objects.select_for_update(of=("self",)).select_related("item").filter(pk__in=ids).order_by("pk")
    )
    for line in lines:
        line.order = orders[line.order_id]
    return orders, lines


def _refusals(ids: list[int], lines: list[SalesOrderLine]) -> dict[str, str]:
    found = {line.pk: line for line in lines}
    errors = {}
    for pk in ids:
        line = found.get(pk)
        if line is None:
            errors[f"lines[{pk}]"] = gettext("Order line %(line)s does not exist.") % {"line": pk}
        elif line.order.state != OrderState.CONFIRMED or line.line_type == LineType.COMMENT:
            errors[f"lines[{pk}]"] = gettext(
                "Line %(line_no)s of order %(number)s is not waiting on a confirmed order: it has no ship date to move."
            ) % {"line_no": line.line_no, "number": line.order.number}
        elif line.deliver_remainder <= 0:
            errors[f"lines[{pk}]"] = gettext("Line %(line_no)s of order %(number)s has nothing left to deliver.") % {
                "line_no": line.line_no,
                "number": line.order.number,
            }
    return errors


def _promised_dates(lines: list[SalesOrderLine], today: datetime.date) -> dict[int, Promise]:
    """The ATP date of each chosen line's remainder. The chosen lines' own demand is left out of the committed
    demand (their reservations stay in on-hand), and lines of the same item are promised one after the other in
    order of priority, each asking for its remainder on top of those before it, so two lines never count on the
    same stock or supply."""
    ordered = sorted(lines, key=lambda line: (line.item_id, line.order.order_date, line.order_id, line.line_no))
    requests, asked = [], defaultdict(Decimal)
    for line in ordered:
        asked[line.item_id] += line.deliver_remainder
        requests.append((line.item, asked[line.item_id]))
    promises = atp_dates(requests, today, exclude_line_ids=[line.pk for line in lines])
    return {line.pk: promise for line, promise in zip(ordered, promises, strict=True)}


@transaction.atomic
def backorders_reschedule(
    *,
    lines,
    confirmed_ship_date: datetime.date | None = None,
    use_atp: bool = False,
    by: User,
) -> Rescheduled:
    """Set a new confirmed ship date on the chosen waiting lines: ``confirmed_ship_date`` for all, or with
    ``use_atp`` each line's own ATP date (a line with none keeps its date and is reported). Each customer whose
    lines changed gets one email listing them (queued with this transaction) and an activity once it went."""
    if not by.has_perm(RESCHEDULE_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow changing orders.")
        )
    ids = _line_ids(lines)
    if use_atp == (confirmed_ship_date is not None):
        raise ValidationFailed(
            field_errors={
                "confirmed_ship_date": gettext("Enter the new confirmed ship date, or take the ATP date, not both.")
                if use_atp
                else gettext("Enter the new confirmed ship date, or take the ATP date.")
            }
        )
    if confirmed_ship_date is not None and not date_in_window(confirmed_ship_date):
        raise ValidationFailed(field_errors={"confirmed_ship_date": date_window_message()})
    _orders, locked = _locked(ids)
    errors = _refusals(ids, locked)
    if errors:
        raise ValidationFailed(field_errors=errors)
    today = timezone.localdate()
    result = Rescheduled()
    promises = _promised_dates(locked, today) if use_atp else {}
    new_dates: dict[int, datetime.date] = {}
    for line in locked:
        if use_atp:
            promise = promises[line.pk]
            if not promise.promisable:
                result.unpromisable.append((line, promise))
                continue
            date = max(promise.date, line.order.order_date)
        else:
            date = confirmed_ship_date
            if date < line.order.order_date:
                raise ValidationFailed(
                    field_errors={
                        "confirmed_ship_date": gettext(
                            "The confirmed ship date cannot be before the order date (%(date)s) of order %(number)s."
                        )
                        % {"date": line.order.order_date.isoformat(), "number": line.order.number}
                    }
                )
        if date != line.confirmed_ship_date:
            new_dates[line.pk] = date
    changed = [line for line in locked if line.pk in new_dates]
    before = {line.pk: line.confirmed_ship_date or line.requested_ship_date for line in changed}
    column_update(SalesOrderLine, "confirmed_ship_date", new_dates)
    SalesOrder.objects.filter(pk__in={line.order_id for line in changed}).update(updated_at=timezone.now())
    for line in changed:
        line.confirmed_ship_date = new_dates[line.pk]
    result.changed = changed
    _notify(changed, before, result, by=by)
    return result


def _notify(changed: list[SalesOrderLine], before: dict, result: Rescheduled, *, by: User) -> None:
    by_customer: dict[int, list[SalesOrderLine]] = defaultdict(list)
    for line in changed:
        by_customer[line.order.customer_id].append(line)
    for lines in by_customer.values():
        customer = lines[0].order.customer
        changes = [
            {
                "order": line.order.number,
                "order_id": line.order_id,
                "customer_reference": line.order.customer_reference,
                "line_no": line.line_no,
                "item": line.item.number,
                "description": line.description,
                "quantity": _fmt(line.deliver_remainder),
                "unit": line.unit,
                "before": before[line.pk].isoformat() if before[line.pk] else "",
                "after": line.confirmed_ship_date.isoformat(),
            }
            for line in sorted(lines, key=lambda line: (line.order_id, line.line_no))
        ]
        email = (customer.party.email or "").strip()
        try:
            validate_email(email)
        except Exception:
            result.unreachable.append(customer)
            _activity(customer, changes, by=by, to=None)
            continue
        notice = ShipDateNotice.objects.create(customer=customer, changes=changes, to=email, created_by=by)
        job_enqueue(ship_date_notice_deliver_job, notice_id=notice.pk)
        result.notices.append(notice)


def _orders_text(changes: list[dict]) -> str:
    return ", ".join(dict.fromkeys(change["order"] for change in changes))


def _activity(customer: Customer, changes: list[dict], *, by: User, to: str | None) -> None:
    if to:
        subject = gettext("New ship dates for orders %(orders)s emailed to %(to)s") % {
            "orders": _orders_text(changes),
            "to": to,
        }
    else:
        subject = gettext(
            "New ship dates for orders %(orders)s: the customer has no email address, tell them another way"
        ) % {"orders": _orders_text(changes)}
    activity_create(
        by=by,
        activity_type=ActivityType.EMAIL if to else ActivityType.TASK,
        subject=subject,
        notes="\n".join(
            gettext("%(order)s line %(line_no)s, %(quantity)s %(unit)s %(item)s: %(before)s → %(after)s")
            % {**change, "before": change["before"] or "—"}
            for change in changes
        ),
        party=customer.party,
        done=bool(to),
    )


def _message(notice: ShipDateNotice) -> EmailMessage:
    party = notice.customer.party
    context = {"notice": notice, "party": party, "company": settings.SALESFLOW_COMPANY, "changes": notice.changes}
    with translation.override(party.language or settings.LANGUAGE_CODE):
        subject = gettext("New ship dates for your orders %(orders)s from %(company)s") % {
            "orders": _orders_text(notice.changes),
            "company": settings.SALESFLOW_COMPANY["name"],
        }
        body = render_to_string("email/ship_date_notice_message.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[notice.to])


def ship_date_notice_deliver(*, notice_id: int) -> ShipDateNotice:
    """Send one queued ship date notice, once (salesapp.services.document_mail). Runs as a job."""
    notice = ShipDateNotice.objects.select_related("customer__party", "created_by").get(pk=notice_id)
    return email_deliver_once(
        notice,
        message_for=_message,
        on_sent=lambda sent: _activity(sent.customer, sent.changes, by=sent.created_by, to=sent.to),
    )
