"""Demo invoices and payments for the demo orders (``manage.py seed_demo``), through the services.

Some customers pay on time, some in part, some late or not at all, so the receivables show every
payment status and an overdue list."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from core.money import round_money
from demo.sales import (
    DELIVERED_DRAFT_INVOICE,
    INVOICED_FROM_ORDER,
    INVOICED_FROM_SLIPS,
    PARTIAL_INVOICED,
    DemoOrder,
)
from invoicing.choices import InvoiceBasis, PaymentMethod, PaymentState
from invoicing.models import Invoice, Payment
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from marketing.choices import PartyKind

D = Decimal
FROM_SLIPS = (PARTIAL_INVOICED, INVOICED_FROM_SLIPS, DELIVERED_DRAFT_INVOICE)


def _not_after(date: datetime.date, today: datetime.date) -> datetime.date:
    return min(date, today)


def demo_invoices_build(
    *,
    plan: list[DemoOrder],
    rng: random.Random,
    today: datetime.date,
    clerk=None,
    billing=None,
    store_pdfs: bool = False,
) -> list[Invoice]:
    """Invoices made by the clerk and posted by billing a few days after the goods left, in date
    order so that the gapless numbers run with the calendar. Returns the posted invoices, oldest first;
    the drafts stay for billing to review."""
    to_post: list[tuple[datetime.date, int, Invoice]] = []
    for entry in plan:
        if entry.fate in FROM_SLIPS:
            invoice = invoice_create_from_order(order=entry.order, basis=InvoiceBasis.PACKING_SLIPS, by=clerk)
            if entry.fate == DELIVERED_DRAFT_INVOICE:
                continue
            invoice_date = _not_after(entry.last_ship_date + datetime.timedelta(days=rng.randint(0, 4)), today)
        elif entry.fate == INVOICED_FROM_ORDER:
            # "Ship and invoice": posting delivers what is left, on the invoice date.
            invoice = invoice_create_from_order(order=entry.order, basis=InvoiceBasis.ORDER, by=clerk)
            invoice_date = _not_after(entry.order.order_date + datetime.timedelta(days=rng.randint(1, 10)), today)
        else:
            continue
        to_post.append((invoice_date, invoice.pk, invoice))
    return [
        invoice_post(invoice=invoice, invoice_date=invoice_date, store_pdf=store_pdfs, by=billing)
        for invoice_date, _pk, invoice in sorted(to_post, key=lambda pending: pending[:2])
    ]


def _payment_plan(invoices: list[Invoice], rng: random.Random, today: datetime.date) -> dict[int, str]:
    """Paid, partially paid or unpaid per invoice; invoices past their due date are mostly paid."""
    plan = {}
    for invoice in invoices:
        due = invoice.due_date < today
        weights = (70, 10, 20) if due else (25, 20, 55)
        plan[invoice.pk] = rng.choices(
            [PaymentState.PAID, PaymentState.PARTIALLY_PAID, PaymentState.UNPAID], weights=weights
        )[0]
    # However the dice fell, the demo shows every status and at least one overdue invoice.
    overdue = [invoice for invoice in invoices if invoice.due_date < today]
    if overdue and not any(plan[invoice.pk] == PaymentState.UNPAID for invoice in overdue):
        plan[overdue[0].pk] = PaymentState.UNPAID
    for state in (PaymentState.PAID, PaymentState.PARTIALLY_PAID):
        if state not in plan.values():
            plan[invoices[-1].pk] = state
    return plan


def _method(invoice: Invoice, rng: random.Random) -> str:
    if invoice.customer.party.kind == PartyKind.PERSON:
        return rng.choice([PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER])
    return rng.choice([PaymentMethod.BANK_TRANSFER] * 4 + [PaymentMethod.DIRECT_DEBIT])


def demo_payments_build(*, invoices: list[Invoice], rng: random.Random, today: datetime.date, by=None) -> list[Payment]:
    """Payments received: one per invoice, or one for two invoices of the same customer, plus a
    prepayment left on account. Registered in date order, as the bank statements came in."""
    plan = _payment_plan(invoices, rng, today)
    received: list[tuple[datetime.date, int, dict]] = []
    paid_in_full: dict[int, list[tuple[datetime.date, Invoice]]] = defaultdict(list)
    for invoice in invoices:
        latest = invoice.customer.payment_terms_days + 15
        paid_on = _not_after(invoice.invoice_date + datetime.timedelta(days=rng.randint(3, latest)), today)
        if plan[invoice.pk] == PaymentState.PAID:
            paid_in_full[invoice.customer_id].append((paid_on, invoice))
        elif plan[invoice.pk] == PaymentState.PARTIALLY_PAID:
            amount = round_money(invoice.amount_total * rng.choice([D("0.25"), D("0.4"), D("0.5")]))
            received.append(
                (
                    paid_on,
                    len(received),
                    {
                        "customer": invoice.customer,
                        "amount": amount,
                        "method": _method(invoice, rng),
                        "reference": f"{invoice.number} (part)",
                        "applications": [ApplicationInput(invoice=invoice, amount=amount)],
                    },
                )
            )
    for paid in paid_in_full.values():
        paid.sort(key=lambda pair: pair[0])
        while paid:
            # Accounts departments often settle two invoices with one transfer.
            batch = [paid.pop(0)] + ([paid.pop(0)] if paid and rng.random() < 0.3 else [])
            settled = [invoice for _paid_on, invoice in batch]
            received.append(
                (
                    max(paid_on for paid_on, _invoice in batch),
                    len(received),
                    {
                        "customer": settled[0].customer,
                        "amount": sum((invoice.amount_total for invoice in settled), D("0")),
                        "method": _method(settled[0], rng),
                        "reference": " ".join(invoice.number for invoice in settled),
                        "applications": [ApplicationInput(invoice=i, amount=i.amount_total) for i in settled],
                    },
                )
            )
    if invoices:
        first = invoices[0]
        received.append(
            (
                _not_after(first.invoice_date + datetime.timedelta(days=5), today),
                len(received),
                {
                    "customer": first.customer,
                    "amount": D("500.00"),
                    "method": PaymentMethod.BANK_TRANSFER,
                    "reference": "Prepayment next order",
                },
            )
        )
    return [payment_register(payment_date=paid_on, by=by, **payment) for paid_on, _seq, payment in sorted(received)]
