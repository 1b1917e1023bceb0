"""The demo company's quotations, one in each stage of the story, made through the services: a draft for a
prospect, a sent offer, one revised to r2 and sent again, one accepted into a sales order, one of services
accepted into an invoice draft, one lost, and one expired by the same service the daily job runs."""

from __future__ import annotations

import datetime
from decimal import Decimal

from core.actors import system_actor
from marketing.models import Party
from salesapp.choices import QuotationLostReason
from salesapp.models import Customer, Item, Quotation
from salesapp.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create,
    quotation_line_add,
    quotation_lose,
    quotation_revise,
    quotation_send,
    quotations_expire_due,
)

D = Decimal

# (key, [(item, quantity)]): what each demo quotation offers.
DEMO_QUOTATION_LINES = {
    "draft": [("FUR-1002", "6"), ("FUR-1011", "6"), ("SRV-9002", "1")],
    "sent": [("IT-2001", "8"), ("IT-2005", "8"), ("SRV-9004", "8")],
    "revised": [("FUR-1001", "12"), ("FUR-1003", "12")],
    "accepted": [("IT-2004", "10"), ("IT-2006", "10")],
    "services": [("SRV-9003", "6"), ("SRV-9007", "2")],
    "lost": [("IT-2011", "2"), ("CON-3003", "4")],
    "expired": [("FUR-1005", "2"), ("FUR-1006", "8")],
}


def _lines(key: str, by_number: dict[str, Item]) -> list[QuotationLineInput]:
    return [
        QuotationLineInput(item=by_number[number], quantity=D(quantity))
        for number, quantity in DEMO_QUOTATION_LINES[key]
    ]


def demo_quotations_build(
    *, customers: list[Customer], items: list[Item], prospect: Party, today: datetime.date, by, manager
) -> None:
    """Built once: an existing demo company keeps the quotations it has."""
    if Quotation.objects.exists():
        return
    by_number = {item.number: item for item in items}
    # Read again: a customer may have been blocked since the list was made, and a blocked one is not quoted.
    open_customers = list(
        Customer.objects.filter(pk__in=[customer.pk for customer in customers], blocked=False).order_by("pk")
    )
    first, second, third, fourth, fifth, sixth = open_customers[:6]

    quotation_create(party=prospect, lines=_lines("draft", by_number), by=by)

    quotation_send(quotation=quotation_create(customer=first, lines=_lines("sent", by_number), by=by), by=by)

    revised = quotation_send(
        quotation=quotation_create(customer=second, lines=_lines("revised", by_number), by=by), by=by
    )
    quotation_revise(quotation=revised, by=by)
    # The customer asked for footrests with the chairs: r2.
    quotation_line_add(quotation=revised, line=QuotationLineInput(item=by_number["FUR-1012"], quantity=D("12")), by=by)
    quotation_send(quotation=revised, by=by)

    accepted = quotation_send(
        quotation=quotation_create(customer=third, lines=_lines("accepted", by_number), by=by), by=by
    )
    quotation_accept(quotation=accepted, revision=1, by=by)

    services = quotation_send(
        quotation=quotation_create(customer=fourth, lines=_lines("services", by_number), by=by), by=by
    )
    quotation_accept(quotation=services, revision=1, convert_to="invoice", by=by)

    lost = quotation_send(quotation=quotation_create(customer=fifth, lines=_lines("lost", by_number), by=by), by=by)
    quotation_lose(quotation=lost, reason=QuotationLostReason.COMPETITOR, note="Ordered from their IT reseller.", by=by)

    expired = quotation_send(
        quotation=quotation_create(customer=sixth, lines=_lines("expired", by_number), by=manager), by=manager
    )
    # Demo-only back-dating (as demo/history.py does for marketing): the offer was made six weeks ago and ran out
    # a fortnight ago; the service the daily job runs then expires it.
    Quotation.objects.filter(pk=expired.pk).update(
        quotation_date=today - datetime.timedelta(days=42), valid_until=today - datetime.timedelta(days=14)
    )
    quotations_expire_due(by=system_actor(), today=today)
