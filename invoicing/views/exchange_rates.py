"""Exchange rate pages: the rates by currency and day (with CSV export), entering one, removing one, and a CSV
import. Everyone who sees invoices reads them; the sales manager keeps them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.listing import Column, list_response
from core.web import form_action, permission
from invoicing.forms.exchange_rates import ExchangeRateFilterForm, ExchangeRateForm, ExchangeRateImportForm
from invoicing.models import ExchangeRate
from invoicing.selectors import exchange_rates as selectors
from invoicing.services import exchange_rates as services
from salesapp.selectors.pricing import company_currency

EXCHANGE_RATE_COLUMNS = [
    Column("currency", gettext_lazy("Currency"), lambda rate: rate.currency),
    Column("valid_from", gettext_lazy("Valid from"), lambda rate: rate.valid_from),
    Column("rate", gettext_lazy("Rate"), lambda rate: rate.rate, css="num"),
]


def _list_page(request, *, form=None, status: int = 200):
    filter_form = ExchangeRateFilterForm(request.GET)
    response = list_response(
        request,
        queryset=selectors.exchange_rate_list(**filter_form.filters(), ordering=request.GET.get("sort", "")),
        columns=EXCHANGE_RATE_COLUMNS,
        sorts=selectors.EXCHANGE_RATE_SORTS,
        template="invoicing/exchange_rate_list.html",
        filename="exchange-rates",
        form=filter_form,
        context={
            "filter_form": filter_form,
            "form": form or ExchangeRateForm(initial={"currency": filter_form.filters()["currency"] or None}),
            "company_currency": company_currency(),
        },
    )
    response.status_code = status if response.status_code == 200 else response.status_code
    return response


@permission("invoicing.view_exchangerate")
@require_GET
def exchange_rate_list(request):
    return _list_page(request)


@permission("invoicing.add_exchangerate")
@require_POST
def exchange_rate_set(request):
    form = ExchangeRateForm(request.POST)
    if form.is_valid():
        done = form_action(
            request,
            form,
            lambda: services.exchange_rate_set(by=request.user, **form.cleaned_data),
            success=lambda rate: (
                _("The rate of %(currency)s from %(date)s is %(rate)s.")
                % {"currency": rate.currency, "date": rate.valid_from.isoformat(), "rate": f"{rate.rate.normalize():f}"}
            ),
            done_url=reverse("invoicing:exchange_rate_list"),
        )
        if done:
            return done
    return _list_page(request, form=form, status=400)


@permission("invoicing.delete_exchangerate")
@require_POST
def exchange_rate_delete(request, pk: int):
    rate = get_object_or_404(ExchangeRate, pk=pk)
    try:
        services.exchange_rate_delete(exchange_rate=rate, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The rate %(rate)s is removed.") % {"rate": rate})
    return redirect("invoicing:exchange_rate_list")


@permission("invoicing.add_exchangerate")
@require_http_methods(["GET", "POST"])
def exchange_rate_import(request):
    form = ExchangeRateImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.exchange_rates_import(file=form.cleaned_data["file"], by=request.user)
        except services.ExchangeRateImportRefused as exc:
            for row in exc.rows or [exc.reason]:
                form.add_error("file", row)
        else:
            messages.success(
                request, ngettext("%(count)d rate imported.", "%(count)d rates imported.", count) % {"count": count}
            )
            return redirect("invoicing:exchange_rate_list")
    context = {"form": form, "company_currency": company_currency()}
    return render(request, "invoicing/exchange_rate_import.html", context, status=400 if form.errors else 200)
