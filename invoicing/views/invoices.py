"""Invoice pages: the list, creating one from an order, the invoice page, posting, the PDF."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, ValidationFailed
from core.listing import Column, choice_labels, list_response, row_query, row_url
from core.pdf import pdf_response
from core.selectors import transition_log_for
from core.web import (
    form_add_domain_error,
    page_actions,
    panel_rows,
    permission,
    query_pk,
    run_action,
    status_steps,
)
from invoicing.choices import InvoiceState
from invoicing.documents import invoice_pdf as invoice_pdf_document
from invoicing.forms.invoices import InvoiceCreateForm, InvoiceFilterForm
from invoicing.models import Invoice
from invoicing.selectors import invoices as invoice_selectors
from invoicing.selectors import payments as payment_selectors
from invoicing.selectors.invoice_emails import invoice_email_list
from invoicing.selectors.summary_runs import summary_invoice_covers
from invoicing.services.invoices import invoice_delete as invoice_delete_service
from invoicing.services.invoices import invoice_post as invoice_post_service
from marketing.selectors.activities import activities_open_for, activities_url, document_key
from salesapp.models import SalesOrder
from salesapp.order_types import policy_for

INVOICE_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda invoice: invoice.number),
    Column("kind", gettext_lazy("Kind"), lambda invoice: invoice.get_kind_display(), page=False),
    Column("customer", gettext_lazy("Customer"), lambda invoice: invoice.customer.party.name),
    Column("customer_number", gettext_lazy("Customer number"), lambda invoice: invoice.customer.number, page=False),
    Column("order", gettext_lazy("Order"), lambda invoice: invoice.order.number if invoice.order else ""),
    Column("invoice_date", gettext_lazy("Invoice date"), lambda invoice: invoice.invoice_date),
    Column("due_date", gettext_lazy("Due date"), lambda invoice: invoice.due_date),
    Column("state", gettext_lazy("Status"), lambda invoice: invoice.get_state_display()),
    Column("payment_state", gettext_lazy("Payment"), lambda invoice: invoice.get_payment_state_display()),
    Column("currency", gettext_lazy("Currency"), lambda invoice: invoice.currency, page=False),
    Column("total", gettext_lazy("Total"), lambda invoice: invoice.amount_total, css="num"),
    Column("open", pgettext_lazy("amount", "Open"), lambda invoice: invoice.amount_open, css="num"),
]


def _invoice_rows(request):
    """What the invoice list shows beside each row's fields, with the links built once per page."""
    detail_url = row_url("invoicing:invoice_detail")
    customer_url = row_url("salesapp:customer_detail")
    order_url = row_url("salesapp:order_detail")
    customer_filter_url = row_query(request, "customer")
    state_labels = choice_labels(Invoice, "state")
    payment_labels = choice_labels(Invoice, "payment_state")

    def rows(invoices) -> list[Invoice]:
        invoices = list(invoices)
        for invoice in invoices:
            invoice.detail_url = detail_url(invoice.pk)
            invoice.customer_url = customer_url(invoice.customer_id)
            invoice.order_url = order_url(invoice.order_id) if invoice.order_id else ""
            invoice.customer_filter_url = customer_filter_url(invoice.customer_id)
            invoice.state_label = state_labels.get(invoice.state, invoice.state)
            invoice.payment_state_label = payment_labels.get(invoice.payment_state, invoice.payment_state)
        return invoices

    return rows


@permission("invoicing.view_invoice")
def invoice_list(request):
    filters = InvoiceFilterForm(request.GET)
    invoices = invoice_selectors.invoice_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=invoices,
        columns=INVOICE_COLUMNS,
        sorts=invoice_selectors.INVOICE_SORTS,
        template="invoicing/invoice_list.html",
        filename="invoices",
        form=filters,
        context={"filters": filters},
        page_rows=_invoice_rows(request),
    )


@permission("invoicing.add_invoice")
def invoice_create(request):
    order_pk = query_pk(request, "order")
    if order_pk is None:
        messages.info(request, _("Open the sales order to invoice and choose “Create invoice” there."))
        return redirect("salesapp:order_list")
    order = get_object_or_404(SalesOrder.objects.select_related("customer__party"), pk=order_pk)
    reason = order.refusal_reason("invoice")
    if reason:
        messages.error(request, reason)
        return redirect("salesapp:order_detail", pk=order.pk)
    initial = {"basis": request.GET["basis"]} if request.GET.get("basis") else {}
    form = InvoiceCreateForm(request.POST or None, order=order, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = form.save(by=request.user)
        except ValidationFailed as exc:
            form_add_domain_error(form, exc)
        except DomainError as exc:
            messages.error(request, exc.reason)
            return redirect("salesapp:order_detail", pk=order.pk)
        else:
            if invoice.is_credit_note:
                created = _("Draft credit note #%(pk)s created for returned order %(order)s.")
            else:
                created = _("Draft invoice #%(pk)s created for order %(order)s.")
            messages.success(request, created % {"pk": invoice.pk, "order": order})
            return redirect("invoicing:invoice_detail", pk=invoice.pk)
    context = {
        "order": order,
        "form": form,
        "credits": policy_for(order.order_type).invoice_makes_credit_note,
        "lines": order.lines.select_related("item").order_by("line_no"),
        "draft": order.invoices.filter(state=InvoiceState.DRAFT).first(),
    }
    return render(request, "invoicing/invoice_create.html", context)


def invoice_steps(invoice: Invoice) -> list[dict]:
    road = [InvoiceState.DRAFT, InvoiceState.POSTED]
    return status_steps(
        invoice.state, [*road, InvoiceState.CANCELED] if invoice.state == InvoiceState.CANCELED else road
    )


@permission("invoicing.view_invoice")
def invoice_detail(request, pk: int):
    try:
        invoice = invoice_selectors.invoice_get(pk=pk)
    except Invoice.DoesNotExist:
        raise Http404(_("No such invoice.")) from None
    page = page_actions(invoice, user=request.user, url=lambda name: reverse(f"invoicing:invoice_{name}", args=[pk]))
    context = {
        "invoice": invoice,
        "lines": invoice_selectors.invoice_lines_shown(invoice),
        "taxes": invoice_selectors.invoice_taxes_shown(invoice),
        "applications": payment_selectors.document_settlements(invoice=invoice),
        "journal_lines": invoice_selectors.invoice_journal_lines(invoice),
        "transitions": transition_log_for(invoice),
        "steps": invoice_steps(invoice),
        "page": page,
        "allowed": page.allowed,
        "refusals": page.refusals,
        "overdue": invoice.is_overdue(),
        "covered": summary_invoice_covers(invoice),
        # Reminder calls and questions about this invoice.
        "activities": panel_rows(
            activities_open_for(document=invoice), url=activities_url(party_id=invoice.customer.party_id)
        ),
        "activity_query": urlencode({"party": invoice.customer.party_id, "document": document_key(invoice)}),
        "emails": invoice_email_list(invoice=invoice) if invoice.state == InvoiceState.POSTED else [],
    }
    return render(request, "invoicing/invoice_detail.html", context)


@require_POST
@permission("invoicing.post_invoice")
def invoice_post(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    posted = _("Credit note posted.") if invoice.is_credit_note else _("Invoice posted.")
    run_action(request, lambda: invoice_post_service(invoice=invoice, by=request.user), success=posted)
    return redirect("invoicing:invoice_detail", pk=invoice.pk)


@require_POST
@permission("invoicing.delete_invoice")
def invoice_delete(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)

    def delete() -> bool:
        invoice_delete_service(invoice=invoice, by=request.user)
        return True

    if not run_action(request, delete, success=_("Draft invoice deleted.")):
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    if invoice.order_id:
        return redirect("salesapp:order_detail", pk=invoice.order_id)
    return redirect("invoicing:invoice_list")


PDF_POLLS = 24  # one poll every 5 s: two minutes


@permission("invoicing.view_invoice")
@require_GET
def invoice_pdf_link(request, pk: int):
    """The PDF button alone: the invoice page asks for it while the stored PDF is being prepared by its job,
    for two minutes at most; then it says the worker may not be running (the button renders the PDF anyway)."""
    invoice = get_object_or_404(Invoice, pk=pk)
    try:
        polls_left = max(0, min(PDF_POLLS, int(request.GET.get("polls_left", PDF_POLLS))))
    except ValueError:
        polls_left = PDF_POLLS
    return render(
        request,
        "invoicing/includes/invoice_pdf_link.html",
        {"invoice": invoice, "pdf_polls_left": polls_left, "pdf_polls_next": max(polls_left - 1, 0)},
    )


@permission("invoicing.view_invoice")
def invoice_pdf(request, pk: int):
    invoice = get_object_or_404(Invoice.objects.select_related("customer__party"), pk=pk)
    content, filename = invoice_pdf_document(invoice)
    return pdf_response(content, filename)
