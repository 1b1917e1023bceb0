"""What invoicing tells marketing and sales: invoices and payments on a party's timeline, the revenue invoiced
through a campaign, the invoices of an order, and the invoice draft an accepted quotation of services converts
into (see core.extensions)."""

from __future__ import annotations

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from core import extensions
from core.money import ZERO
from core.web import list_url, panel_rows
from invoicing.models import Invoice, Payment
from invoicing.selectors.customer_accounts import customer_account_balance, customers_receivables
from invoicing.selectors.invoices import receivable_documents
from invoicing.services.invoices import invoice_create_from_quotation, quotation_invoice_refusal
from salesapp.choices import QuotationState


def invoice_timeline(party_ids: list[int], limit: int) -> list[extensions.TimelineEntry]:
    # Dated, and so ordered, by posting once posted: the timeline merges sources by that moment.
    invoices = (
        Invoice.objects.filter(customer__party_id__in=party_ids)
        .only("id", "number", "kind", "state", "payment_state", "created_at", "posted_at", "amount_total", "currency")
        .annotate(moment=Coalesce("posted_at", "created_at"))
        .order_by("-moment", "-id")[:limit]
    )
    return [
        extensions.TimelineEntry(
            at=invoice.posted_at or invoice.created_at,
            kind="invoice",
            kind_label=gettext("Credit note") if invoice.is_credit_note else gettext("Invoice"),
            title=str(invoice),
            detail=f"{invoice.currency} {floatformat(invoice.amount_total, '2g')}",
            url=reverse("invoicing:invoice_detail", args=[invoice.pk]),
            state=invoice.get_state_display(),
        )
        for invoice in invoices
    ]


def payment_timeline(party_ids: list[int], limit: int) -> list[extensions.TimelineEntry]:
    payments = (
        Payment.objects.filter(customer__party_id__in=party_ids)
        .only("id", "number", "created_at", "amount", "currency")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        extensions.TimelineEntry(
            at=payment.created_at,
            kind="payment",
            kind_label=gettext("Payment"),
            title=payment.number,
            detail=f"{payment.currency} {floatformat(payment.amount, '2g')}",
            url=reverse("invoicing:payment_detail", args=[payment.pk]),
        )
        for payment in payments
    ]


def campaign_invoiced_revenue(campaign_ids: list[int]) -> dict[int, list[extensions.CampaignFigure]]:
    # An invoice bills an order or, made directly from a quotation, no order: either document carries the campaign.
    rows = (
        receivable_documents()
        .annotate(campaign_id=Coalesce("order__campaign_id", "quotation__campaign_id"))
        .filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(total=Sum("amount_net"))
    )
    found = {row["campaign_id"]: row["total"] for row in rows}
    return {
        pk: [
            extensions.CampaignFigure(
                key="invoiced_revenue", label=gettext("Invoiced revenue (net)"), amount=found.get(pk) or ZERO
            )
        ]
        for pk in campaign_ids
    }


def order_invoices_panel(order, user) -> dict:
    url = list_url("invoicing:invoice_list", q=order.number)
    return {"invoices": panel_rows(Invoice.objects.filter(order=order).order_by("id"), url=url)}


def order_subscription_periods_panel(order, user) -> dict:
    # Only a subscription is billed by period: the other orders cost no query.
    if not order.billing_period:
        return {"invoices": None}
    invoices = (
        Invoice.objects.filter(order=order, subscription_period__isnull=False)
        .select_related("subscription_period")
        .order_by("-subscription_period__period_start")
    )
    return {"invoices": panel_rows(invoices, url=list_url("invoicing:invoice_list", q=order.number))}


def quotation_invoice_panel(quotation, user) -> dict:
    # Only an accepted quotation was converted: the others cost no query.
    if quotation.state != QuotationState.ACCEPTED:
        return {"invoice": None}
    return {"invoice": Invoice.objects.filter(quotation_id=quotation.pk).first()}


def quotation_invoices(quotation_ids: list[int]) -> dict[int, Invoice]:
    # Not .only(): the state machine reads its protected fields on every loaded row.
    invoices = Invoice.objects.filter(quotation_id__in=quotation_ids)
    return {invoice.quotation_id: invoice for invoice in invoices}


def opportunity_has_quotation_invoice(opportunity) -> bool:
    return Invoice.objects.filter(quotation__opportunity_id=opportunity.pk).exists()


def _invoice_title(invoice: Invoice) -> str:
    if invoice.number:
        return gettext("invoice %(number)s") % {"number": invoice.number}
    return gettext("invoice draft #%(id)s") % {"id": invoice.pk}


def customer_account_panel(customer, user) -> dict:
    return {"customer_id": customer.pk}


def register() -> None:
    extensions.register_page_panel(
        extensions.PagePanel(
            model="salesapp.salesorder",
            name="invoices",
            template="invoicing/includes/order_invoices_panel.html",
            context=order_invoices_panel,
            permission="invoicing.view_invoice",
        )
    )
    extensions.register_page_panel(
        extensions.PagePanel(
            model="salesapp.salesorder",
            name="subscription_periods",
            template="invoicing/includes/order_subscription_periods_panel.html",
            context=order_subscription_periods_panel,
            permission="invoicing.view_invoice",
            order=40,
        )
    )
    extensions.register_page_panel(
        extensions.PagePanel(
            model="salesapp.customer",
            name="receivables",
            template="invoicing/includes/customer_account_panel.html",
            context=customer_account_panel,
            permission="invoicing.view_invoice",
        )
    )
    extensions.register_page_panel(
        extensions.PagePanel(
            model="salesapp.quotation",
            name="invoice",
            template="invoicing/includes/quotation_invoice_panel.html",
            context=quotation_invoice_panel,
            permission="invoicing.view_invoice",
        )
    )
    extensions.register_quotation_converter(
        extensions.QuotationConverter(
            name="invoice",
            label=gettext_lazy("Invoice draft"),
            convert=invoice_create_from_quotation,
            permission="invoicing.add_invoice",
            describe=_invoice_title,
            url=lambda invoice: reverse("invoicing:invoice_detail", args=[invoice.pk]),
            refusal=quotation_invoice_refusal,
            order=20,
            documents_of=quotation_invoices,
        )
    )
    extensions.register_opportunity_document_type(
        extensions.OpportunityDocumentType(
            label=gettext_lazy("invoice from a quotation"), exists=opportunity_has_quotation_invoice, suggested=False
        )
    )
    extensions.register_activity_document_type("invoicing.invoice")
    extensions.register_activity_document_type("invoicing.payment")
    extensions.register_timeline_source(invoice_timeline)
    extensions.register_timeline_source(payment_timeline)
    extensions.register_campaign_revenue_source(campaign_invoiced_revenue)
    extensions.register_receivables_source(customers_receivables)
    extensions.register_balance_source(customer_account_balance)
