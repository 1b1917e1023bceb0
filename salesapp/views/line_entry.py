"""Live line entry, shared by the pages that add lines to a sales document (an order, a quotation): the line
being typed as it will be saved, and the document's totals with it, computed by the server (htmx)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from core.money import TaxableLine, document_totals
from salesapp.choices import LineType
from salesapp.line_types import taxable
from salesapp.models import Customer
from salesapp.selectors.pricing import LinePreview, line_previews
from salesapp.selectors.promising import Promise, atp_dates


def line_previews_for(
    forms_: list, *, customer: Customer | None, date: datetime.date, currency: str, tax_group_id: int | None = None
) -> tuple[list[LinePreview], object]:
    """The lines of valid line forms priced by the engine; a prospect (no customer) gets the prices for all, and
    the tax codes of the customer tax group ``tax_group_id`` its account will get."""
    entries = [form.line_entry() for form in forms_]
    return line_previews(customer=customer, lines=entries, date=date, currency=currency, tax_group_id=tax_group_id)


def line_preview_context(
    form,
    *,
    customer: Customer | None,
    date: datetime.date,
    currency: str,
    existing: Iterable,
    tax_group_id: int | None = None,
    ship_date: datetime.date | None = None,
) -> dict:
    """What ``salesapp/includes/line_preview.html`` shows for the add-line form ``form``: nothing until it holds
    a line, then the line and the totals of ``existing`` lines (with their tax codes) plus it. A comment line
    leaves the totals as they are. An item held in stock also gets the first date its quantity is available to
    promise (from the later of today and the document's requested ``ship_date``)."""
    context = {"preview": None, "currency": currency}
    if form.is_valid():
        [preview], _totals = line_previews_for(
            [form], customer=customer, date=date, currency=currency, tax_group_id=tax_group_id
        )
        added = (
            [TaxableLine(net=preview.net_amount, tax_code_id=preview.tax_code.pk, tax_rate=preview.tax_code.rate)]
            if preview.tax_code is not None
            else []
        )
        context["preview"] = preview
        context["totals"] = document_totals([*taxable(existing), *added])
        context["promise"] = line_promise(preview, ship_date)
    return context


def line_promise(preview: LinePreview, ship_date: datetime.date | None) -> Promise | None:
    """When ``preview`` is an item line of a product held in stock, the first date its quantity is available
    to promise; None for services, write-ins and comments (they are not promised from stock)."""
    return line_promises_of([preview], ship_date)[0]


def line_promises_of(previews: list[LinePreview], ship_date: datetime.date | None) -> list[Promise | None]:
    """``line_promise`` for each of ``previews`` (each line on its own), in two queries."""
    today = timezone.localdate()
    first = max(ship_date, today) if ship_date else today
    asked = [
        index
        for index, preview in enumerate(previews)
        if preview.line_type in ("", LineType.ITEM) and preview.item is not None and preview.quantity > 0
    ]
    found = atp_dates([(previews[index].item, previews[index].quantity) for index in asked], first) if asked else []
    promises: list[Promise | None] = [None] * len(previews)
    for index, promise in zip(asked, found, strict=True):
        promises[index] = None if promise.unstocked else promise
    return promises
