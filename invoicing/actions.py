"""The actions invoicing pages offer besides the documents' transitions, on invoices and on sales orders
(core.extensions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import extensions
from core.extensions import DocumentAction
from core.transitions import Refusal
from invoicing.choices import InvoiceState
from invoicing.models import Invoice
from invoicing.services.invoices import ORDER_INVOICE_RULES


def register() -> None:
    for action in (
        DocumentAction(
            model="salesapp.salesorder",
            name="invoice",
            label=_("Create invoice"),
            url=lambda order: reverse("invoicing:invoice_create") + f"?order={order.pk}",
            permissions=("invoicing.add_invoice",),
            rules=ORDER_INVOICE_RULES,
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
