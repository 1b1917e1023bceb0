"""The actions invoicing pages offer besides the documents' transitions, on invoices and on sales orders
(core.extensions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import extensions
from core.extensions import DocumentAction
from core.transitions import Refusal
from invoicing.choices import InvoiceKind, InvoiceState
from invoicing.models import Invoice
from invoicing.services.invoices import ORDER_INVOICE_RULES
from salesapp.order_types import policy_for


def _credits(order) -> bool:
    return policy_for(order.order_type).invoice_makes_credit_note


def register() -> None:
    for action in (
        DocumentAction(
            model="salesapp.salesorder",
            name="invoice",
            label=_("Create invoice"),
            url=lambda order: reverse("invoicing:invoice_create") + f"?order={order.pk}",
            permissions=("invoicing.add_invoice",),
            rules=(Refusal(lambda order: not _credits(order), "", shown=False), *ORDER_INVOICE_RULES),
            order=30,
        ),
        # A returned order is invoiced with a credit note (invoicing.services.invoices.invoice_create_from_order).
        DocumentAction(
            model="salesapp.salesorder",
            name="credit",
            label=_("Create credit note"),
            url=lambda order: reverse("invoicing:invoice_create") + f"?order={order.pk}",
            permissions=("invoicing.add_invoice",),
            rules=(Refusal(_credits, "", shown=False), *ORDER_INVOICE_RULES),
            order=30,
        ),
        DocumentAction(
            model="invoicing.invoice",
            name="pay",
            label=_("Register payment"),
            url=lambda invoice: reverse("invoicing:payment_create") + f"?invoice={invoice.pk}",
            permissions=("invoicing.add_payment",),
            rules=tuple(Refusal(rule.predicate, rule.message, shown=False) for rule in Invoice.PAY_RULES),
            order=20,
        ),
        # The goods an invoice billed come back on a returned order of the invoice's order.
        DocumentAction(
            model="invoicing.invoice",
            name="return",
            label=_("Return goods"),
            url=lambda invoice: reverse("salesapp:returned_order_create", args=[invoice.order_id]),
            permissions=("salesapp.add_salesorder",),
            rules=(
                Refusal(
                    lambda invoice: (
                        invoice.state == InvoiceState.POSTED
                        and not invoice.is_credit_note
                        and invoice.order_id is not None
                    ),
                    "",
                    shown=False,
                ),
            ),
            secondary=True,
            order=80,
            # Entering returns is the sales clerk's: billing is not told on every invoice that it may not.
            permitted_only=True,
        ),
        # A value-only credit note (price correction, goodwill) for a posted invoice.
        DocumentAction(
            model="invoicing.invoice",
            name="credit_note",
            label=_("Credit note"),
            url=lambda invoice: reverse("invoicing:invoice_credit_note", args=[invoice.pk]),
            permissions=("invoicing.add_invoice",),
            rules=(
                Refusal(
                    lambda invoice: invoice.state == InvoiceState.POSTED and invoice.kind == InvoiceKind.INVOICE,
                    "",
                    shown=False,
                ),
            ),
            order=55,
        ),
        # Cancel (the invoice's transition) plus a new draft copy to edit.
        DocumentAction(
            model="invoicing.invoice",
            name="correct",
            label=_("Correct"),
            url=lambda invoice: reverse("invoicing:invoice_correct", args=[invoice.pk]),
            permissions=("invoicing.cancel_invoice", "invoicing.add_invoice"),
            rules=(
                Refusal(lambda invoice: invoice.state == InvoiceState.POSTED, "", shown=False),
                *Invoice.CANCEL_CONDITIONS,
            ),
            method="post",
            confirm=_("Correct this invoice? It is canceled by a credit note posted today and a new draft copy opens."),
            order=65,
        ),
        DocumentAction(
            model="invoicing.invoice",
            name="email",
            label=_("Email to customer"),
            url=lambda invoice: reverse("invoicing:invoice_email", args=[invoice.pk]),
            permissions=("invoicing.send_invoice",),
            rules=(Refusal(lambda invoice: invoice.state == InvoiceState.POSTED, "", shown=False),),
            method="post",
            secondary=True,
            order=60,
        ),
        DocumentAction(
            model="invoicing.invoice",
            name="delete",
            label=_("Delete draft"),
            url=lambda invoice: reverse("invoicing:invoice_delete", args=[invoice.pk]),
            permissions=("invoicing.delete_invoice",),
            rules=(Refusal(lambda invoice: invoice.state == InvoiceState.DRAFT, "", shown=False),),
            method="post",
            confirm=_("Delete this draft invoice?"),
            order=90,
            secondary=True,
        ),
    ):
        extensions.register_document_action(action)
