from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from core.dates import date_in_window, date_window_message
from core.errors import DomainError
from core.money import ZERO
from core.numbering import number_take
from invoicing.choices import AccountRole
from invoicing.errors import ErrorCode
from invoicing.models import JournalEntry, JournalLine, LedgerAccount, TaxCodeAccount


@dataclass(frozen=True)
class Posting:
    account: LedgerAccount
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    description: str = ""
    customer_id: int | None = None


# The dates money can be booked on (invoice and payment dates). A wider window lets typos such as year 1 or
# 9999 into the ledger, where they sort first or last in every report. Kept here, where both invoices and
# payments book, until the project shares one date window.
def booking_date_error(date: datetime.date | None) -> str | None:
    """Why ``date`` cannot be booked, or None (no date means today): the window every document date keeps to."""
    if date is None or date_in_window(date):
        return None
    return date_window_message()


def account_for_role(role: str) -> LedgerAccount:
    account = LedgerAccount.objects.filter(role=role).first()
    if account is None:
        raise DomainError(
            code=ErrorCode.POSTING_SETUP_MISSING,
            reason=gettext("No ledger account has the posting role '%(role)s': set it up in the admin.")
            % {"role": AccountRole(role).label},
        )
    return account


def tax_accounts(tax_code_ids) -> dict[int, LedgerAccount]:
    links = {
        link.tax_code_id: link.account
        for link in TaxCodeAccount.objects.select_related("account").filter(tax_code_id__in=tax_code_ids)
    }
    missing = set(tax_code_ids) - set(links)
    if missing:
        raise DomainError(
            code=ErrorCode.POSTING_SETUP_MISSING,
            reason=gettext("No output tax account is set up for tax code(s) %(codes)s")
            % {"codes": ", ".join(sorted(str(code_id) for code_id in missing))},
        )
    return links


@transaction.atomic
def journal_entry_post(
    *,
    entry_date: datetime.date,
    description: str,
    postings: list[Posting],
    currency: str = "EUR",
    invoice=None,
    payment=None,
) -> JournalEntry:
    """Write a balanced journal entry; an unbalanced one is a programming error and is refused."""
    postings = [p for p in postings if p.debit or p.credit]
    debit = sum((p.debit for p in postings), ZERO)
    credit = sum((p.credit for p in postings), ZERO)
    if debit != credit or not postings:
        raise DomainError(
            code=ErrorCode.JOURNAL_UNBALANCED,
            reason=gettext("Journal entry does not balance: debit %(debit)s, credit %(credit)s.")
            % {"debit": debit, "credit": credit},
        )
    entry = JournalEntry.objects.create(
        number=number_take(code="journal"),
        entry_date=entry_date,
        description=description,
        currency=currency,
        invoice=invoice,
        payment=payment,
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            account=p.account,
            debit=p.debit,
            credit=p.credit,
            description=p.description,
            customer_id=p.customer_id,
        )
        for p in postings
    )
    return entry
