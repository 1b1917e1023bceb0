"""The aging of receivables: what each customer had open on a date, by how long it was overdue then."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

# What a posted document had open on the day: its total less what settled it by then (payments by their
# payment date, set-offs by the day they were made), counting an application taken back later. A credit
# note's amounts are negative; its set-offs against invoices settle it too (the rows that name it as credit).
_OPEN_ON_DAY = """
SELECT i.customer_id, i.kind, i.due_date,
       -- the rate the document was booked at (its own entry, the first linked to it; 1 in the company currency)
       COALESCE((SELECT e.exchange_rate FROM invoicing_journalentry e WHERE e.invoice_id = i.id
                  ORDER BY e.id LIMIT 1), 1) AS rate,
       i.amount_total - COALESCE((
         SELECT SUM(CASE WHEN a.invoice_id = i.id THEN a.amount ELSE -a.amount END)
           FROM invoicing_paymentapplication a
           LEFT JOIN invoicing_payment p ON p.id = a.payment_id
          WHERE (a.invoice_id = i.id OR a.credit_note_id = i.id)
            AND COALESCE(p.payment_date, (a.applied_at AT TIME ZONE %(tz)s)::date) <= %(as_of)s
            AND (a.unapplied_at IS NULL OR (a.unapplied_at AT TIME ZONE %(tz)s)::date > %(as_of)s)
       ), 0) AS open
  FROM invoicing_invoice i
 WHERE i.state = 'posted' AND i.invoice_date <= %(as_of)s
   -- a canceled invoice and the credit note that canceled it offset each other (selectors.invoices)
   AND i.credit_kind IS DISTINCT FROM 'cancellation'
"""

# One pass over the open documents, grouped per customer; a credit note is never overdue (it is current).
_AGING = f"""
WITH docs AS ({_OPEN_ON_DAY}),
aged AS (
  SELECT customer_id,
         SUM(open) FILTER (WHERE kind = 'credit_note' OR due_date >= %(as_of)s) AS current,
         SUM(open) FILTER (WHERE kind = 'invoice' AND %(as_of)s - due_date BETWEEN 1 AND 30) AS days_1_30,
         SUM(open) FILTER (WHERE kind = 'invoice' AND %(as_of)s - due_date BETWEEN 31 AND 60) AS days_31_60,
         SUM(open) FILTER (WHERE kind = 'invoice' AND %(as_of)s - due_date BETWEEN 61 AND 90) AS days_61_90,
         SUM(open) FILTER (WHERE kind = 'invoice' AND %(as_of)s - due_date > 90) AS days_over_90,
         SUM(open) AS total,
         SUM(ROUND(open * rate, 2)) AS total_company
    FROM docs WHERE open <> 0 GROUP BY customer_id
)
SELECT c.id, c.number, p.name, c.currency, a.current, a.days_1_30, a.days_31_60, a.days_61_90, a.days_over_90,
       a.total, a.total_company, COUNT(*) OVER () AS customers
  FROM aged a
  JOIN salesapp_customer c ON c.id = a.customer_id
  JOIN marketing_party p ON p.id = c.party_id
 WHERE %(search)s = '' OR p.name ILIKE %(like)s OR c.number ILIKE %(like)s
 ORDER BY p.name, c.number
 LIMIT %(limit)s OFFSET %(offset)s
"""

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


@dataclass(frozen=True)
class AgingRow:
    customer_id: int
    customer_number: str
    customer_name: str
    currency: str
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal
    # The total in the company currency, each document at the rate it was booked at.
    total_company: Decimal


class AgingReport:
    """The aging rows of all customers with something open on ``as_of`` (name order), read a page at a time:
    it counts and slices like a queryset, so the paginator and the CSV export read it as one."""

    def __init__(self, *, as_of: datetime.date, search: str = ""):
        self.as_of = as_of
        self.search = search.strip()
        self._count: int | None = None

    def _rows(self, *, limit: int | None, offset: int) -> list[AgingRow]:
        params = {
            "as_of": self.as_of,
            "tz": timezone.get_current_timezone_name(),
            "search": self.search,
            "like": f"%{self.search}%",
            "limit": limit,
            "offset": offset,
        }
        with connection.cursor() as cursor:
            cursor.execute(_AGING, params)
            rows = cursor.fetchall()
        if rows:
            self._count = rows[0][-1]
        elif offset == 0:
            self._count = 0
        zero = Decimal("0.00")
        return [AgingRow(*row[:4], *((value or zero) for value in row[4:11])) for row in rows]

    def count(self) -> int:
        if self._count is None:
            self._rows(limit=1, offset=0)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = index.start or 0
            limit = None if index.stop is None else max(index.stop - start, 0)
            return self._rows(limit=limit, offset=start)
        return self._rows(limit=1, offset=index)[0]

    def __iter__(self):
        return iter(self._rows(limit=None, offset=0))

    def iterator(self, chunk_size: int = 2000):
        offset = 0
        while True:
            chunk = self._rows(limit=chunk_size, offset=offset)
            yield from chunk
            if len(chunk) < chunk_size:
                return
            offset += chunk_size
