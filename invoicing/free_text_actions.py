"""The page actions of free text invoices and PRO FORMA PDFs (core.extensions): editing a free text draft's
lines, and the pro forma of what an order would invoice now, on the order page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import extensions
from core.extensions import DocumentAction
from core.transitions import Refusal
from invoicing.choices import InvoiceState
from invoicing.services.invoices import ORDER_INVOICE_RULES
from salesapp.order_types import policy_for


def register() -> None:
    for action in (
        DocumentAction(
            model="invoicing.invoice",
            name="edit_lines",
            label=_("Edit lines"),
            url=lambda invoice: reverse("invoicing:free_text_invoice_edit", args=[invoice.pk]),
            permissions=("invoicing.change_invoice",),
            rules=(
                Refusal(lambda invoice: invoice.is_free_text and invoice.state == InvoiceState.DRAFT, "", shown=False),
            ),
            order=10,
        ),
        # What invoicing the order now would bill; a returned order is credited, so it has none.
        DocumentAction(
            model="salesapp.salesorder",
            name="pro_forma",
            label=_("Pro forma PDF"),
            url=lambda order: reverse("invoicing:order_pro_forma", args=[order.pk]),
            permissions=("invoicing.view_invoice",),
            rules=(
                Refusal(lambda order: not policy_for(order.order_type).invoice_makes_credit_note, "", shown=False),
                *ORDER_INVOICE_RULES,
            ),
            order=35,
            secondary=True,
        ),
    ):
        extensions.register_document_action(action)
