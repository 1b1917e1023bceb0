"""A customer's account page: balance, open invoices and recent payments; the aging of all customers."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, ValidationFailed
from core.listing import Column, date_field, list_response
from core.pdf import pdf_response
from core.web import list_url, panel_rows, permission
from invoicing.documents import customer_statement_pdf as statement_pdf_render
from invoicing.selectors import customer_accounts as account_selectors
from invoicing.selectors import invoices as invoice_selectors
from invoicing.selectors import payments as payment_selectors
from invoicing.selectors import statements as statement_selectors
from invoicing.selectors.aging import AgingReport
from invoicing.services.statements import customer_statement_send
from salesapp.models import Customer
from salesapp.selectors.pricing import company_currency

RECENT_PAYMENTS = 5


@permission("invoicing.view_invoice")
def customer_account(request, customer_pk: int):
    """The receivables panel of a customer page, loaded by htmx (no page layout)."""
    customer = get_object_or_404(Customer.objects.select_related("party"), pk=customer_pk)
    context = {
        "customer": customer,
        # Balance, overdue and sales in a few aggregate statements, whatever the number of documents.
        "balance": account_selectors.customer_figures(customer=customer),
        "open_invoices": panel_rows(
            invoice_selectors.invoice_list_open(customer_id=customer.pk),
            url=list_url("invoicing:invoice_list", customer=customer.pk, open="on"),
        ),
        "payments": panel_rows(
            payment_selectors.payment_list(customer_id=customer.pk),
            url=list_url("invoicing:payment_list", customer=customer.pk),
            limit=RECENT_PAYMENTS,
        ),
        "today": timezone.localdate(),
        "statement_form": StatementForm(initial=statement_period_default(timezone.localdate())),
    }
    return render(request, "invoicing/customer_account.html", context)


class AgingForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    as_of = date_field(_("As of"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("Customer name or number"), type="search", autofocus=True)


AGING_COLUMNS = [
    Column("customer_number", _("Customer number"), lambda row: row.customer_number),
    Column("customer", _("Customer"), lambda row: row.customer_name),
    Column("currency", _("Currency"), lambda row: row.currency, page=False),
    Column("current", _("Current"), lambda row: row.current, css="num"),
    Column("days_1_30", _("1–30 days"), lambda row: row.days_1_30, css="num"),
    Column("days_31_60", _("31–60 days"), lambda row: row.days_31_60, css="num"),
    Column("days_61_90", _("61–90 days"), lambda row: row.days_61_90, css="num"),
    Column("days_over_90", _("Over 90 days"), lambda row: row.days_over_90, css="num"),
    Column("total", _("Total"), lambda row: row.total, css="num"),
    Column("total_company", _("Total in the company currency"), lambda row: row.total_company, css="num"),
]


@permission("invoicing.view_invoice")
def aging(request):
    """What every customer has open, by days overdue on a date (today unless chosen), in name order."""
    form = AgingForm(request.GET)
    wanted = form.cleaned_data if form.is_valid() else {}
    as_of = wanted.get("as_of") or timezone.localdate()
    report = AgingReport(as_of=as_of, search=wanted.get("q", ""))
    return list_response(
        request,
        queryset=report,
        columns=AGING_COLUMNS,
        sorts={},
        template="invoicing/aging.html",
        filename="aging",
        form=form,
        context={"filters": form, "as_of": as_of, "company_currency": company_currency()},
    )


class StatementForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    to = forms.EmailField(label=_("Email to"), required=False, help_text=_("Empty: the customer's email address."))


def statement_period_default(today) -> dict:
    """The month so far."""
    return {"date_from": today.replace(day=1), "date_to": today}


@permission("invoicing.view_invoice")
def customer_statement_pdf(request, customer_pk: int):
    customer = get_object_or_404(Customer.objects.select_related("party"), pk=customer_pk)
    # Without a period: the month so far.
    form = StatementForm(request.GET or statement_period_default(timezone.localdate()))
    if not form.is_valid():
        return HttpResponseBadRequest("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    try:
        statement = statement_selectors.customer_statement(
            customer=customer, date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"]
        )
    except ValidationFailed as exc:
        return HttpResponseBadRequest(exc.reason)
    return pdf_response(*statement_pdf_render(statement))


@require_POST
@permission("invoicing.add_customerstatement")
def customer_statement_email(request, customer_pk: int):
    customer = get_object_or_404(Customer.objects.select_related("party"), pk=customer_pk)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            customer_statement_send(
                customer=customer,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                to=form.cleaned_data["to"] or None,
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("The statement will be emailed shortly."))
    else:
        messages.error(request, "; ".join(f"{form[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("salesapp:customer_detail", customer.pk)
