"""Reads of sales agreements: lists, the agreement page, its versions, and fulfilment.

Fulfilment is read from the ledger of the order lines released from each agreement line (DESIGN.md §4.3), never
from a counter: released is what those lines order (canceled orders left out), delivered and invoiced what their
``qty_delivered`` and ``qty_invoiced`` (less ``qty_credited``) say. A quantity commitment is measured in
quantities, a value commitment in net amounts (a delivered or invoiced amount is its quantity at the line's
price after discount). A commitment is met when what was released reaches what was committed."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from core.listing import order_by_sort
from core.money import HUNDRED, ZERO, round_money
from core.search import contains_any, search_filter
from salesapp.choices import AgreementState, CommitmentType, OrderState
from salesapp.models import SalesAgreement, SalesAgreementLine, SalesAgreementVersion, SalesOrderLine
from salesapp.selectors.customers import customers_matching

AGREEMENT_SORTS = {
    "number": ("number",),
    "customer": ("customer__party__name",),
    "commitment_type": ("commitment_type",),
    "valid_from": ("valid_from",),
    "valid_to": ("valid_to",),
    "state": ("state",),
}

# Agreements whose validity ended may still owe their commitment: an effective or closed one is followed up,
# one canceled before it took effect committed nothing.
FOLLOWED_UP_STATES = (AgreementState.EFFECTIVE, AgreementState.CLOSED)


def agreement_list(
    *,
    search: str = "",
    state: str = "",
    customer_id: int | None = None,
    commitment_type: str = "",
    expiring_within_days: int | None = None,
    ordering: str = "",
) -> QuerySet[SalesAgreement]:
    """Sales agreements; ``search`` looks in the number, the description and the customer.
    ``expiring_within_days``: effective agreements whose validity ends within that many days from today."""
    agreements = SalesAgreement.objects.select_related("customer__party")
    if search:
        agreements = search_filter(
            agreements, contains_any(search, "number", "description"), Q(customer_id__in=customers_matching(search))
        )
    if state:
        agreements = agreements.filter(state=state)
    if customer_id:
        agreements = agreements.filter(customer_id=customer_id)
    if commitment_type:
        agreements = agreements.filter(commitment_type=commitment_type)
    if expiring_within_days is not None:
        today = timezone.localdate()
        agreements = agreements.filter(
            state=AgreementState.EFFECTIVE,
            valid_to__gte=today,
            valid_to__lte=today + datetime.timedelta(days=expiring_within_days),
        )
    return order_by_sort(agreements, ordering, sorts=AGREEMENT_SORTS, default=["-id"])


def agreement_get(*, pk: int) -> SalesAgreement:
    return SalesAgreement.objects.select_related("customer__party", "created_by").get(pk=pk)


def agreement_versions(agreement: SalesAgreement) -> list[SalesAgreementVersion]:
    return list(agreement.versions.select_related("created_by").order_by("-number"))


@dataclass(frozen=True)
class LineFulfilment:
    line: SalesAgreementLine
    by_amount: bool  # a value commitment: the figures are net amounts, else quantities
    committed: Decimal | None
    released: Decimal
    delivered: Decimal
    invoiced: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.committed is None else max(self.committed - self.released, ZERO)

    @property
    def met(self) -> bool:
        return self.committed is None or self.released >= self.committed

    def _percent(self, value: Decimal) -> int:
        if not self.committed:
            return 0
        return int(min(value * HUNDRED / self.committed, HUNDRED))

    @property
    def released_percent(self) -> int:
        return self._percent(self.released)

    @property
    def delivered_percent(self) -> int:
        return self._percent(self.delivered)

    @property
    def invoiced_percent(self) -> int:
        return self._percent(self.invoiced)


@dataclass(frozen=True)
class Fulfilment:
    """An agreement's fulfilment per line and in total (in the commitment's measure)."""

    agreement: SalesAgreement
    lines: list[LineFulfilment]

    @property
    def by_amount(self) -> bool:
        return self.agreement.commits_value

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(line, name) or ZERO for line in self.lines), ZERO)

    @property
    def total(self) -> LineFulfilment:
        committed = self._sum("committed") if self.agreement.commits else None
        return LineFulfilment(
            line=None,
            by_amount=self.by_amount,
            committed=committed,
            released=self._sum("released"),
            delivered=self._sum("delivered"),
            invoiced=self._sum("invoiced"),
        )

    @property
    def met(self) -> bool:
        return all(line.met for line in self.lines)

    @property
    def short(self) -> Decimal:
        """What the lines still miss of their commitments, added up: a line released beyond its commitment
        does not make up for another line's shortfall."""
        return sum((line.remaining or ZERO for line in self.lines), ZERO)


def _money(field: str):
    """``field`` of an order line at its price after discount, for the value measure: rounded per line to the
    cent as ``core.money.line_net`` rounds a line's net (PostgreSQL rounds numeric halves away from zero, i.e.
    half up for these amounts), so a fully delivered line counts exactly its net amount."""
    return Round(
        ExpressionWrapper(
            F(field) * F("unit_price") * (HUNDRED - F("discount_percent")) / HUNDRED,
            output_field=DecimalField(max_digits=30, decimal_places=8),
        ),
        2,
        output_field=DecimalField(max_digits=30, decimal_places=2),
    )


def _ledger_by_line(agreement_ids: list[int]) -> dict[int, dict]:
    """Per agreement line, the sums of its released order lines' ledger: one statement for all agreements."""
    invoiced = ExpressionWrapper(
        F("qty_invoiced") - F("qty_credited"), output_field=DecimalField(max_digits=15, decimal_places=3)
    )
    rows = (
        SalesOrderLine.objects.filter(agreement_line__agreement_id__in=agreement_ids)
        .exclude(order__state=OrderState.CANCELED)
        .values("agreement_line_id")
        .annotate(
            quantity=Sum("quantity"),
            delivered=Sum("qty_delivered"),
            invoiced=Sum(invoiced),
            amount=Sum("net_amount"),
            delivered_amount=Sum(_money("qty_delivered")),
            invoiced_amount=Sum(_money("qty_invoiced")) - Sum(_money("qty_credited")),
        )
        .order_by()
    )
    return {row["agreement_line_id"]: row for row in rows}


def agreements_fulfilment(agreements: Iterable[SalesAgreement]) -> dict[int, Fulfilment]:
    """The fulfilment of every agreement given, by id, in two statements whatever their number."""
    agreements = list(agreements)
    if not agreements:
        return {}
    ids = [agreement.pk for agreement in agreements]
    ledger = _ledger_by_line(ids)
    lines_of: dict[int, list[SalesAgreementLine]] = {pk: [] for pk in ids}
    for line in SalesAgreementLine.objects.filter(agreement_id__in=ids).select_related("item").order_by("line_no"):
        lines_of[line.agreement_id].append(line)
    found = {}
    for agreement in agreements:
        by_amount = agreement.commits_value
        rows = []
        for line in lines_of[agreement.pk]:
            line.agreement = agreement
            sums = ledger.get(line.pk, {})
            if by_amount:
                figures = [
                    round_money(sums.get(name) or ZERO) for name in ("amount", "delivered_amount", "invoiced_amount")
                ]
            else:
                figures = [sums.get(name) or ZERO for name in ("quantity", "delivered", "invoiced")]
            committed = None
            if agreement.commitment_type == CommitmentType.PRODUCT_QUANTITY:
                committed = line.committed_quantity
            elif by_amount:
                committed = line.committed_amount
            rows.append(LineFulfilment(line, by_amount, committed, *figures))
        found[agreement.pk] = Fulfilment(agreement=agreement, lines=rows)
    return found


def agreement_fulfilment(agreement: SalesAgreement) -> Fulfilment:
    return agreements_fulfilment([agreement])[agreement.pk]


def _released(total: str):
    return Coalesce(
        Subquery(
            SalesOrderLine.objects.filter(agreement_line_id=OuterRef("pk"))
            .exclude(order__state=OrderState.CANCELED)
            .values("agreement_line_id")
            .annotate(total=Sum(total))
            .values("total")
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=18, decimal_places=3),
    )


def agreements_unmet(*, today: datetime.date | None = None, customer_id: int | None = None):
    """Agreements whose validity ended with a commitment unmet (a line released less than it committed), for
    follow-up, the longest ended first. One statement: the lines' released sums are subqueries."""
    today = today or timezone.localdate()
    short = (
        SalesAgreementLine.objects.filter(agreement_id=OuterRef("pk"))
        .annotate(released_quantity=_released("quantity"), released_amount=_released("net_amount"))
        .filter(
            Q(
                agreement__commitment_type=CommitmentType.PRODUCT_QUANTITY,
                committed_quantity__gt=F("released_quantity"),
            )
            | Q(
                agreement__commitment_type__in=(CommitmentType.PRODUCT_VALUE, CommitmentType.TOTAL_VALUE),
                committed_amount__gt=F("released_amount"),
            )
        )
    )
    agreements = SalesAgreement.objects.select_related("customer__party").filter(
        Exists(short), state__in=FOLLOWED_UP_STATES, valid_to__lt=today
    )
    if customer_id:
        agreements = agreements.filter(customer_id=customer_id)
    return agreements.order_by("valid_to", "id")
