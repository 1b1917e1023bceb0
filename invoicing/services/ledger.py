from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import connection
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext

from core.bulk import rows_insert
from core.dates import date_in_window, date_window_message
from core.errors import DomainError
from core.money import ZERO, round_money
from core.numbering import number_take
from invoicing.choices import AccountRole
from invoicing.errors import ErrorCode
from invoicing.models import JournalEntry, JournalLine, LedgerAccount, TaxCodeAccount
from invoicing.selectors.exchange_rates import ONE, rate_on


@dataclass(frozen=True)
class Posting:
    account_id: int
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    description: str = ""
    customer_id: int | None = None

    @classmethod
    def signed(cls, *, account_id: int, amount: Decimal, description: str = "", customer_id: int | None = None):
        """A debit of ``amount``, or a credit when it is negative (a credit note books an invoice's sides
        reversed)."""
        side = {"debit": amount} if amount >= 0 else {"credit": -amount}
        return cls(account_id=account_id, description=description, customer_id=customer_id, **side)


@dataclass(frozen=True)
class PostingAccounts:
    """The ledger accounts one posting books on: by posting role, and the output tax account per tax code."""

    by_role: dict[str, int]
    by_tax_code: dict[int, int]

    def role(self, role: str) -> int:
        return self.by_role[role]

    def tax(self, tax_code_id: int) -> int:
        return self.by_tax_code[tax_code_id]


# The dates money can be booked on (invoice and payment dates). A wider window lets typos such as year 1 or
# 9999 into the ledger, where they sort first or last in every report. Kept here, where both invoices and
# payments book, until the project shares one date window.
def booking_date_error(date: datetime.date | None) -> str | None:
    """Why ``date`` cannot be booked, or None (no date means today): the window every document date keeps to."""
    if date is None or date_in_window(date):
        return None
    return date_window_message()


def posting_accounts(*, roles=(), tax_code_ids=()) -> PostingAccounts:
    """The accounts of ``roles`` and the output tax accounts of ``tax_code_ids``, in one query. A role or tax
    code without an account is a setup error the user must fix in the admin: refused, naming what is missing."""
    roles, tax_code_ids = set(roles), set(tax_code_ids)
    # Every posting asks this: one plain statement (arrays, so it is the same SQL whatever the number of codes).
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT a.id, a.role, t.tax_code_id FROM "{LedgerAccount._meta.db_table}" a'
            f' LEFT JOIN "{TaxCodeAccount._meta.db_table}" t ON t.account_id = a.id'
            " WHERE a.role = ANY(%s::varchar[]) OR t.tax_code_id = ANY(%s::bigint[])",
            [sorted(roles), sorted(tax_code_ids)],
        )
        rows = cursor.fetchall()
    by_role: dict[str, int] = {}
    by_tax_code: dict[int, int] = {}
    for account_id, role, tax_code_id in rows:
        if role in roles:
            by_role.setdefault(role, account_id)
        if tax_code_id in tax_code_ids:
            by_tax_code[tax_code_id] = account_id
    missing_role = sorted(roles - set(by_role))
    if missing_role:
        raise DomainError(
            code=ErrorCode.POSTING_SETUP_MISSING,
            reason=gettext("No ledger account has the posting role '%(role)s': set it up in the admin.")
            % {"role": AccountRole(missing_role[0]).label},
        )
    missing_tax = tax_code_ids - set(by_tax_code)
    if missing_tax:
        raise DomainError(
            code=ErrorCode.POSTING_SETUP_MISSING,
            reason=gettext("No output tax account is set up for tax code(s) %(codes)s")
            % {"codes": ", ".join(sorted(str(code_id) for code_id in missing_tax))},
        )
    return PostingAccounts(by_role=by_role, by_tax_code=by_tax_code)


def journal_entry_post(
    *,
    entry_date: datetime.date,
    description: str,
    postings: list[Posting],
    currency: str = "EUR",
    invoice=None,
    payment=None,
    number: str | None = None,
) -> JournalEntry:
    """Write a balanced journal entry; an unbalanced one is a programming error and is refused.

    The ledger is kept in the company currency: postings in another ``currency`` are converted at its rate on
    ``entry_date`` (refused when there is none), which the entry stores with the document's currency.

    Runs in the transaction of the document it books (the number it takes requires one). ``number``: the
    journal number the caller took already, together with its own (``numbers_take``)."""
    if not connection.in_atomic_block:
        # The entry and its lines are two statements: outside a transaction they could commit apart. (No atomic
        # block of its own: inside the caller's it would only add a savepoint to every posting.)
        raise TransactionManagementError("journal_entry_post runs inside the transaction of the document it books.")
    postings = [p for p in postings if p.debit or p.credit]
    rate = rate_on(currency, entry_date)
    if rate != ONE:
        postings = _in_company_currency(postings, rate)
    debit = sum((p.debit for p in postings), ZERO)
    credit = sum((p.credit for p in postings), ZERO)
    if debit != credit or not postings:
        raise DomainError(
            code=ErrorCode.JOURNAL_UNBALANCED,
            reason=gettext("Journal entry does not balance: debit %(debit)s, credit %(credit)s.")
            % {"debit": debit, "credit": credit},
        )
    (entry,) = rows_insert(
        [
            JournalEntry(
                number=number or number_take(code="journal"),
                entry_date=entry_date,
                description=description,
                currency=currency,
                exchange_rate=rate,
                invoice=invoice,
                payment=payment,
            )
        ]
    )
    rows_insert(
        [
            JournalLine(
                entry=entry,
                account_id=p.account_id,
                debit=p.debit,
                credit=p.credit,
                description=p.description,
                customer_id=p.customer_id,
            )
            for p in postings
        ]
    )
    return entry


def _in_company_currency(postings: list[Posting], rate: Decimal) -> list[Posting]:
    """Each posting at ``rate``, rounded to cents (DESIGN.md §5). The entry balanced in its own currency, so
    rounding leaves at most a cent per line between the sides: the largest posting of the short side takes it,
    where it changes the amount the least in proportion."""
    converted = [replace(p, debit=round_money(p.debit * rate), credit=round_money(p.credit * rate)) for p in postings]
    difference = sum((p.debit for p in converted), ZERO) - sum((p.credit for p in converted), ZERO)
    if difference:
        side = "credit" if difference > 0 else "debit"
        index = max(range(len(converted)), key=lambda i: getattr(converted[i], side))
        converted[index] = replace(converted[index], **{side: getattr(converted[index], side) + abs(difference)})
    return converted
