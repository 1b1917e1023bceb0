"""Trade agreement pages: the list managers maintain (clerks read it), a line's form, and the price list import."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.listing import Column, list_response
from core.web import form_save, permission
from salesapp.forms.pricing import PriceListImportForm, TradeAgreementFilterForm, TradeAgreementLineForm
from salesapp.models import TradeAgreementLine
from salesapp.selectors import pricing as selectors
from salesapp.services.price_list_import import PriceListImportRefused, price_list_import
from salesapp.services.pricing import trade_agreement_line_deactivate


def _for_whom(line: TradeAgreementLine) -> str:
    if line.customer_id:
        return str(line.customer)
    if line.price_group_id:
        return str(line.price_group)
    return str(line.get_applies_to_display())


TRADE_AGREEMENT_COLUMNS = [
    Column("kind", gettext_lazy("Kind"), lambda line: line.get_kind_display()),
    Column("applies_to", gettext_lazy("For"), _for_whom),
    Column("item", gettext_lazy("Item or group"), lambda line: line.item.number if line.item else line.item_group.code),
    Column("currency", gettext_lazy("Currency"), lambda line: line.currency),
    Column("unit", gettext_lazy("Unit"), lambda line: line.unit),
    Column("from_quantity", gettext_lazy("From quantity"), lambda line: line.from_quantity, css="num"),
    Column("valid_from", gettext_lazy("Valid from"), lambda line: line.valid_from),
    Column("valid_to", gettext_lazy("Valid to"), lambda line: line.valid_to),
    Column("unit_price", gettext_lazy("Unit price"), lambda line: line.unit_price, css="num"),
    Column("discount_percent", gettext_lazy("Discount %"), lambda line: line.discount_percent, css="num"),
    Column("active", gettext_lazy("Active"), lambda line: line.active),
]


@permission("salesapp.view_tradeagreementline")
def trade_agreement_list(request):
    filters = TradeAgreementFilterForm(request.GET)
    lines = selectors.trade_agreement_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=lines,
        columns=TRADE_AGREEMENT_COLUMNS,
        sorts=selectors.TRADE_AGREEMENT_SORTS,
        template="salesapp/trade_agreement_list.html",
        filename="trade-agreements",
        form=filters,
        context={"filters": filters},
    )


@permission("salesapp.add_tradeagreementline")
def trade_agreement_create(request):
    form = TradeAgreementLineForm(request.POST or None, initial={"currency": "EUR", "from_quantity": 0})
    if form_save(request, form) is not None:
        messages.success(request, _("Trade agreement line saved."))
        return redirect("salesapp:trade_agreement_list")
    return render(request, "salesapp/trade_agreement_form.html", {"form": form, "line": None})


@permission("salesapp.change_tradeagreementline")
def trade_agreement_update(request, pk: int):
    line = get_object_or_404(TradeAgreementLine.objects.select_related("customer__party", "item"), pk=pk)
    form = TradeAgreementLineForm(request.POST or None, instance=line)
    if form_save(request, form) is not None:
        messages.success(request, _("Trade agreement line saved."))
        return redirect("salesapp:trade_agreement_list")
    return render(request, "salesapp/trade_agreement_form.html", {"form": form, "line": line})


@permission("salesapp.change_tradeagreementline")
@require_POST
def trade_agreement_deactivate(request, pk: int):
    line = get_object_or_404(TradeAgreementLine, pk=pk)
    trade_agreement_line_deactivate(line=line, by=request.user)
    messages.success(request, _("Trade agreement line deactivated: new lines no longer get it."))
    return redirect("salesapp:trade_agreement_list")


@permission("salesapp.add_tradeagreementline")
@require_http_methods(["GET", "POST"])
def price_list_import_page(request):
    form = PriceListImportForm(request.POST or None, request.FILES or None)
    imported: list[TradeAgreementLine] = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = price_list_import(file=form.cleaned_data["file"], by=request.user)
        except PriceListImportRefused as exc:
            form.add_error("file", exc.reason)
            for row in exc.rows:
                form.add_error("file", row)
        else:
            messages.success(
                request,
                ngettext("%(count)d price line imported.", "%(count)d price lines imported.", len(imported))
                % {"count": len(imported)},
            )
            return redirect("salesapp:trade_agreement_list")
    return render(request, "salesapp/price_list_import.html", {"form": form}, status=400 if form.errors else 200)
