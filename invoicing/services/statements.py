"""Emailing a customer statement: the PDF attached to a short message in the customer's language, sent once by
a job through Django's email backend, recorded on the party's timeline (salesapp.services.document_mail)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext

from core.errors import ActionForbidden, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from invoicing.documents import customer_statement_pdf
from invoicing.errors import ErrorCode
from invoicing.jobs import customer_statement_deliver_job
from invoicing.models import CustomerStatement
from invoicing.selectors.statements import customer_statement, statement_period_errors
from marketing.choices import ActivityType
from marketing.services.activities import activity_create
from salesapp.models import Customer
from salesapp.services.document_mail import email_deliver_once, pdf_message, recipient_checked

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEND_PERMISSION = "invoicing.add_customerstatement"


@transaction.atomic
def customer_statement_send(
    *, customer: Customer, date_from: datetime.date, date_to: datetime.date, by: User, to: str | None = None
) -> CustomerStatement:
    """Queue the statement of ``customer`` for the period to ``to`` (default: the party's email); the job is
    committed with the request, or not at all."""
    if not by.has_perm(SEND_PERMISSION):
        raise ActionForbidden(code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You may not send statements."))
    errors = statement_period_errors(date_from, date_to)
    if errors:
        raise ValidationFailed(code=ErrorCode.STATEMENT_INVALID, field_errors=errors)
    party = customer.party
    to = recipient_checked(to, default=party.email, recipient=party.name, code=ErrorCode.STATEMENT_INVALID)
    statement = CustomerStatement.objects.create(
        customer=customer, date_from=date_from, date_to=date_to, to=to, created_by=by
    )
    job_enqueue(customer_statement_deliver_job, statement_id=statement.pk)
    return statement


def _message(row: CustomerStatement) -> EmailMessage:
    statement = customer_statement(customer=row.customer, date_from=row.date_from, date_to=row.date_to)
    party = row.customer.party
    content, filename = customer_statement_pdf(statement)
    context = {
        "statement": statement,
        "customer": row.customer,
        "party": party,
        "sender": row.created_by,
        "company": settings.SALESFLOW_COMPANY,
    }
    return pdf_message(
        to=row.to,
        language=party.language,
        subject=lambda: (
            gettext("Statement of account %(number)s from %(company)s")
            % {"number": row.customer.number, "company": settings.SALESFLOW_COMPANY["name"]}
        ),
        template="email/customer_statement_message.txt",
        context=context,
        pdf=(content, filename),
    )


def _sent_record(row: CustomerStatement) -> None:
    activity_create(
        by=row.created_by,
        activity_type=ActivityType.EMAIL,
        subject=gettext("Statement %(start)s – %(end)s sent to %(to)s")
        % {"start": row.date_from, "end": row.date_to, "to": row.to},
        party=row.customer.party,
        done=True,
    )


def customer_statement_deliver(*, statement_id: int) -> CustomerStatement:
    """Send one queued statement, once. Runs as a job."""
    row = CustomerStatement.objects.select_related("customer__party", "created_by").get(pk=statement_id)
    return email_deliver_once(row, message_for=_message, on_sent=_sent_record)
