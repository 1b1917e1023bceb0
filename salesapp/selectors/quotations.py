"""Reads of quotations: lists, the quotation page, its revisions and their comparison, and conversion figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import extensions
from core.listing import order_by_sort
from core.money import ZERO
from core.search import contains_any, search_filter
from salesapp.choices import QuotationState
from salesapp.models import Quotation, QuotationEmail, QuotationRevision, QuotationRevisionLine
from salesapp.selectors.customer_terms import customer_terms_for
from salesapp.selectors.customers import customers_matching

QUOTATION_SORTS = {
    "number": ("number",),
    "recipient": ("customer__party__name", "party__name"),
    "quotation_date": ("quotation_date",),
    "valid_until": ("valid_until",),
    "state": ("state",),
    "owner": ("owner__username",),
    "total": ("amount_total",),
}

# A quotation is decided once the customer said yes or no; canceled and expired ones are not decisions.
DECIDED_STATES = (QuotationState.ACCEPTED, QuotationState.LOST)


def quotation_list(
    *,
    search: str = "",
    state: str = "",
    customer_id: int | None = None,
    party_id: int | None = None,
    owner_id: int | None = None,
    expiring_within_days: int | None = None,
    ordering: str = "",
) -> QuerySet[Quotation]:
    """Quotations; ``search`` looks in the number, the external document number and the recipient's name.
    ``party_id`` finds the quotations of a party whether it is a prospect or a customer by now.
    ``expiring_within_days``: sent quotations whose validity ends within that many days from today."""
    quotations = Quotation.objects.select_related("customer__party", "party", "owner")
    if search:
        quotations = search_filter(
            quotations,
            contains_any(search, "number", "external_document_number"),
            Q(customer_id__in=customers_matching(search)),
            Q(party__name__icontains=search),
        )
    if state:
        quotations = quotations.filter(state=state)
    if customer_id:
        quotations = quotations.filter(customer_id=customer_id)
    if party_id:
        quotations = quotations.filter(Q(party_id=party_id) | Q(customer__party_id=party_id))
    if owner_id:
        quotations = quotations.filter(owner_id=owner_id)
    if expiring_within_days is not None:
        today = timezone.localdate()
        quotations = quotations.filter(
            state=QuotationState.SENT,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=expiring_within_days),
        )
    return order_by_sort(quotations, ordering, sorts=QUOTATION_SORTS, default=["-id"])


def quotations_expiring(*, days: int = 7, limit: int = 10) -> list[Quotation]:
    """Sent quotations whose validity ends within ``days``, soonest first (the dashboard panel)."""
    return list(quotation_list(expiring_within_days=days).order_by("valid_until", "id")[:limit])


def quotation_get(*, pk: int) -> Quotation:
    return (
        Quotation.objects.select_related(
            "customer__party", "party", "owner", "opportunity", "campaign", "sales_order", "created_by"
        )
        .prefetch_related("lines__item", "lines__tax_code")
        .get(pk=pk)
    )


def quotation_revisions(quotation: Quotation, *, with_lines: bool = False) -> list[QuotationRevision]:
    revisions = quotation.revisions.select_related("created_by").order_by("number")
    if with_lines:
        revisions = revisions.prefetch_related("lines__item", "lines__tax_code")
    return list(revisions)


def quotation_emails(quotation: Quotation, *, limit: int = 10) -> list[QuotationEmail]:
    """The newest emails of the quotation, for its page."""
    return list(quotation.emails.order_by("-queued_at", "-id")[:limit])


def revision_get(*, quotation: Quotation, number: int) -> QuotationRevision:
    """Raises ``QuotationRevision.DoesNotExist`` when the quotation has no revision ``number``."""
    return QuotationRevision.objects.select_related("quotation", "customer__party", "party").get(
        quotation=quotation, number=number
    )


def revision_lines(revision: QuotationRevision) -> list[QuotationRevisionLine]:
    return list(revision.lines.select_related("item", "tax_code").order_by("line_no"))


@dataclass(frozen=True)
class LineChange:
    line_no: int
    item: str
    description: str
    before: QuotationRevisionLine | None
    after: QuotationRevisionLine | None
    changed: tuple[str, ...] = ()  # quantity, unit_price, discount_percent

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.changed else "same"

    @property
    def net_delta(self) -> Decimal:
        return (self.after.net_amount if self.after else ZERO) - (self.before.net_amount if self.before else ZERO)


@dataclass(frozen=True)
class RevisionComparison:
    a: QuotationRevision
    b: QuotationRevision
    lines: list[LineChange] = field(default_factory=list)

    @property
    def added(self) -> list[LineChange]:
        return [line for line in self.lines if line.kind == "added"]

    @property
    def removed(self) -> list[LineChange]:
        return [line for line in self.lines if line.kind == "removed"]

    @property
    def changed(self) -> list[LineChange]:
        return [line for line in self.lines if line.kind == "changed"]

    @property
    def net_delta(self) -> Decimal:
        return self.b.amount_net - self.a.amount_net

    @property
    def total_delta(self) -> Decimal:
        return self.b.amount_total - self.a.amount_total


COMPARED_FIELDS = ("quantity", "unit_price", "discount_percent")


def revision_compare(a: QuotationRevision, b: QuotationRevision) -> RevisionComparison:
    """What changed from revision ``a`` to ``b``: lines added, removed and changed (quantity, price, discount),
    and the total delta. A line is the same line in both when it has the same line number and item; a line whose
    item was replaced counts as removed and added."""
    before = {(line.line_no, line.item_id): line for line in revision_lines(a)}
    after = {(line.line_no, line.item_id): line for line in revision_lines(b)}
    changes = []
    for key in sorted(set(before) | set(after), key=lambda key: (key[0], key[1] or 0)):
        old, new = before.get(key), after.get(key)
        shown = new or old
        changed = tuple(name for name in COMPARED_FIELDS if old and new and getattr(old, name) != getattr(new, name))
        changes.append(
            LineChange(
                line_no=key[0],
                item=shown.item.number if shown.item else "",
                description=shown.description,
                before=old,
                after=new,
                changed=changed,
            )
        )
    return RevisionComparison(a=a, b=b, lines=changes)


@dataclass(frozen=True)
class ConversionRow:
    key: int | None
    label: str
    accepted: int
    decided: int

    @property
    def rate(self) -> Decimal | None:
        """Accepted / decided, in %, one decimal; None before anything was decided."""
        if not self.decided:
            return None
        return (Decimal(self.accepted) * 100 / Decimal(self.decided)).quantize(Decimal("0.1"))


def _conversion(group: str, label: str) -> list[ConversionRow]:
    rows = (
        Quotation.objects.filter(state__in=DECIDED_STATES)
        .values(group, label)
        .annotate(
            accepted=Count("id", filter=Q(state=QuotationState.ACCEPTED)),
            decided=Count("id"),
        )
        .order_by(label)
    )
    return [
        ConversionRow(key=row[group], label=row[label] or "—", accepted=row["accepted"], decided=row["decided"])
        for row in rows
    ]


def conversion_by_owner() -> list[ConversionRow]:
    """Quotations accepted out of those decided (accepted or lost), per owner, in one query."""
    return _conversion("owner_id", "owner__username")


def conversion_by_campaign() -> list[ConversionRow]:
    """The same per campaign; quotations without a campaign form one row."""
    return _conversion("campaign_id", "campaign__name")


def quotation_convert_choices(*, lines, user) -> list[tuple[str, str]]:
    """The documents the quotation with these (sent, so current-revision) lines may convert into for ``user``:
    (name, label), the sales order first."""
    return [
        (converter.name, str(converter.label))
        for converter in extensions.quotation_converters_sorted()
        if user.has_perm(converter.permission) and converter.refusal(lines) is None
    ]


def prospect_tax_group_id(quotation: Quotation) -> int | None:
    """For a prospect's quotation, the customer tax group the prospect's account will get, so its lines are taxed
    (and previewed while typed) as the order or invoice made from it will be; looked up once per quotation
    object. None for a customer's quotation: the customer's own group applies."""
    if quotation.customer_id:
        return None
    if not hasattr(quotation, "_prospect_tax_group_id"):
        group = customer_terms_for(party=quotation.party).tax_group
        quotation._prospect_tax_group_id = group.pk if group else None
    return quotation._prospect_tax_group_id
