"""Rescheduling backorder lines and telling the customers (DESIGN.md §4.4).

A clerk picks waiting lines and gives them a new confirmed ship date, or the date each is available to promise.
Each customer whose lines changed gets one email listing them (a ``BackorderNotice``, sent by a job after the
commit, once however often the job runs) and an activity on their timeline."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
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
from salesapp.jobs import backorder_notice_deliver_job
from salesapp.models import BackorderNotice, Customer, SalesOrder, SalesOrderLine
from salesapp.selectors.promising import atp_dates, waiting_lines
from salesapp.services.document_mail import email_deliver_once

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _fmt(quantity) -> str:
    return f"{quantity.normalize():f}"


@transaction.atomic
def backorders_reschedule(
    *, lines, date: datetime.date | None = None, use_atp: bool = False, by: User
) -> list[BackorderNotice]:
    """Set the confirmed ship date of the backorder ``lines`` (ids or lines) to ``date``, or with ``use_atp`` to
    the date each line's remainder is available to promise. Refused as a whole when a line is not waiting, a date
    is out of range or before its order's date, or a line has no date to promise. Returns the notices queued:
    one per customer whose lines changed and who has an email address."""
    if not by.has_perm("salesapp.change_salesorder"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow changing orders.")
        )
    ids = sorted({int(getattr(line, "pk", line)) for line in lines})
    if not ids:
        raise ValidationFailed(field_errors={"lines": gettext("Select at least one backorder line.")})
    if use_atp == (date is not None):
        raise ValidationFailed(
            field_errors={"confirmed_ship_date": gettext("Give either a new confirmed ship date or take the ATP date.")}
        )
    if date is not None and not date_in_window(date):
        raise ValidationFailed(field_errors={"confirmed_ship_date": date_window_message()})
    # Lock order: orders, then their lines (DESIGN.md §2.4).
    order_ids = sorted(set(SalesOrderLine.objects.filter(pk__in=ids).values_list("order_id", flat=True)))
    list(SalesOrder.objects.select_for_update(of=("self",)).filter(pk__in=order_ids).order_by("id").values("id"))
    found = {
        line.pk: line
        for line in waiting_lines()
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("order", "item")
        .order_by("order_id", "id")
    }
    errors = {
        f"lines[{pk}]": gettext("Line %(line)s is not a backorder line of a confirmed order.") % {"line": pk}
        for pk in ids
        if pk not in found
    }
    if errors:
        raise ValidationFailed(field_errors=errors)
    chosen = [found[pk] for pk in ids]
    new_dates = _atp_dates(chosen, errors) if use_atp else {line.pk: date for line in chosen}
    for line in chosen:
        new = new_dates.get(line.pk)
        if new is not None and new < line.order.order_date:
            errors[f"lines[{line.pk}]"] = gettext(
                "The confirmed ship date cannot be before the order date (%(date)s)."
            ) % {"date": line.order.order_date.isoformat()}
    if errors:
        raise ValidationFailed(field_errors=errors)
    changed = [line for line in chosen if line.confirmed_ship_date != new_dates[line.pk]]
    column_update(SalesOrderLine, "confirmed_ship_date", {line.pk: new_dates[line.pk] for line in changed})
    SalesOrder.objects.filter(pk__in={line.order_id for line in changed}).update(updated_at=timezone.now())
    return _notices_queue(changed, new_dates, by=by)


def _atp_dates(lines, errors: dict) -> dict[int, datetime.date]:
    """The date each line's remainder is available to promise, the lines' own demand left out."""
    promises = atp_dates(
        [(line.item, line.deliver_remainder) for line in lines], exclude_line_ids=[line.pk for line in lines]
    )
    dates = {}
    for line, promise in zip(lines, promises, strict=True):
        if promise.date is None:
            errors[f"lines[{line.pk}]"] = gettext("Order %(order)s line %(line_no)s: %(text)s") % {
                "order": line.order.number,
                "line_no": line.line_no,
                "text": promise.text(),
            }
        else:
            dates[line.pk] = promise.date
    return dates


def _notices_queue(changed, new_dates, *, by: User) -> list[BackorderNotice]:
    by_customer: dict[int, list[SalesOrderLine]] = defaultdict(list)
    for line in changed:
        by_customer[line.order.customer_id].append(line)
    customers = Customer.objects.select_related("party").in_bulk(list(by_customer))
    notices = []
    for customer_id in sorted(by_customer):
        customer = customers[customer_id]
        changes = [
            {
                "order": line.order.number,
                "line_no": line.line_no,
                "item": line.item.number if line.item else "",
                "description": line.description,
                "remainder": _fmt(line.deliver_remainder),
                "unit": line.unit,
                "old": line.confirmed_ship_date.isoformat() if line.confirmed_ship_date else None,
                "new": new_dates[line.pk].isoformat(),
            }
            for line in sorted(by_customer[customer_id], key=lambda line: (line.order.number, line.line_no))
        ]
        if not customer.party.email:
            # Nobody to write to: the timeline says so, and the clerk phones.
            _activity(customer, changes, by=by, to=None)
            continue
        notice = BackorderNotice.objects.create(
            customer=customer, to=customer.party.email, changes=changes, created_by=by
        )
        job_enqueue(backorder_notice_deliver_job, notice_id=notice.pk)
        notices.append(notice)
    return notices


def _activity(customer: Customer, changes: list, *, by: User, to: str | None) -> None:
    lines = ", ".join(f"{change['order']}/{change['line_no']} → {change['new']}" for change in changes)
    subject = (
        gettext("New ship dates of backorder lines sent to %(to)s") % {"to": to}
        if to
        else gettext("New ship dates of backorder lines (no email address to send them to)")
    )
    activity_create(
        by=by, activity_type=ActivityType.EMAIL, subject=subject, notes=lines, party=customer.party, done=True
    )


def _message(notice: BackorderNotice) -> EmailMessage:
    party = notice.customer.party
    context = {
        "party": party,
        "changes": notice.changes,
        "sender": notice.created_by,
        "company": settings.SALESFLOW_COMPANY,
    }
    with translation.override(party.language or settings.LANGUAGE_CODE):
        subject = gettext("New delivery dates for your orders from %(company)s") % {
            "company": settings.SALESFLOW_COMPANY["name"]
        }
        body = render_to_string("email/backorder_notice.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[notice.to])


def backorder_notice_deliver(*, notice_id: int) -> BackorderNotice:
    """Send one queued backorder notice, once (salesapp.services.document_mail). Runs as a job."""
    notice = BackorderNotice.objects.select_related("customer__party", "created_by").get(pk=notice_id)
    return email_deliver_once(
        notice,
        message_for=_message,
        on_sent=lambda sent: _activity(sent.customer, sent.changes, by=sent.created_by, to=sent.to),
    )
