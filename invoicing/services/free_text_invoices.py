"""Free text invoices: the clerk types the lines (revenue account, description, quantity, price, tax code) for a
customer; no order, quotation or delivery behind them. Posting is ``invoice_post``, as for any invoice: the
next number of the invoice series and a receivable/revenue/tax journal entry per line's revenue account."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import MAX_QUANTITY, MAX_UNIT_PRICE, ZERO, line_net
from invoicing.choices import AccountKind, InvoiceBasis, InvoiceState
from invoicing.errors import ErrorCode
from invoicing.lock_objects import lock_invoice
from invoicing.models import Invoice, InvoiceLine, LedgerAccount
from invoicing.services.invoices import invoice_totals_refresh
from salesapp.choices import Currency, LineType, PriceSource
from salesapp.line_types import item_line_type
from salesapp.models import Customer, Item, TaxCode
from salesapp.models.customers import customer_blocked_refusal
from salesapp.selectors.pricing import tax_code_for
from salesapp.services.customers import CREDIT_PERMISSION
from salesapp.services.orders import next_line_no

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DESCRIPTION_LENGTH = InvoiceLine._meta.get_field("description").max_length
REFERENCE_LENGTH = Invoice._meta.get_field("customer_reference").max_length
MAX_TERMS_DAYS = 365


@dataclass
class FreeTextLineInput:
    """One typed line. ``tax_code`` may stay empty when an item is given: the customer × item tax
    determination then decides, as on an order line."""

    revenue_account: LedgerAccount | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: TaxCode | None = None
    item: Item | None = None
    discount_percent: Decimal = ZERO


def revenue_account_list():
    """The accounts a free text line may credit: revenue accounts only."""
    return LedgerAccount.objects.filter(kind=AccountKind.REVENUE).order_by("number")


def _line_errors(customer: Customer, line: FreeTextLineInput, prefix: str) -> tuple[dict[str, str], TaxCode | None]:
    """Everything wrong with ``line``, by field name (``prefix`` + field), and the tax code it gets."""
    errors: dict[str, str] = {}
    account = line.revenue_account
    if account is None:
        errors[f"{prefix}revenue_account"] = gettext("Choose the revenue account the line is booked on.")
    elif account.kind != AccountKind.REVENUE:
        errors[f"{prefix}revenue_account"] = gettext(
            "Account %(account)s is not a revenue account: a free text line is booked on revenue."
        ) % {"account": account}
    if not (line.description or "").strip():
        errors[f"{prefix}description"] = gettext("Describe what is invoiced: the description is printed.")
    elif len(line.description) > DESCRIPTION_LENGTH:
        errors[f"{prefix}description"] = gettext("At most %(max)s characters.") % {"max": DESCRIPTION_LENGTH}
    if line.quantity is None or not ZERO < line.quantity <= MAX_QUANTITY:
        errors[f"{prefix}quantity"] = gettext("The quantity must be more than 0.")
    if line.unit_price is None or not ZERO <= line.unit_price <= MAX_UNIT_PRICE:
        errors[f"{prefix}unit_price"] = gettext("The unit price must be 0 or more.")
    if line.discount_percent is None or not ZERO <= line.discount_percent <= Decimal(100):
        errors[f"{prefix}discount_percent"] = gettext("The discount must be between 0 and 100 %.")
    tax_code = line.tax_code
    if tax_code is None and line.item is not None:
        tax_code = tax_code_for(customer=customer, item=line.item)
    if tax_code is None:
        errors[f"{prefix}tax_code"] = gettext("Choose a tax code (or an item, whose tax code then applies).")
    return errors, tax_code


def _line_build(invoice: Invoice, line: FreeTextLineInput, tax_code: TaxCode, line_no: int) -> InvoiceLine:
    built = InvoiceLine(
        invoice=invoice,
        line_no=line_no,
        line_type=item_line_type(line.item) if line.item else LineType.SERVICE,
        item=line.item,
        description=line.description.strip(),
        quantity=line.quantity,
        unit=line.item.unit if line.item else "pcs",
        unit_price=line.unit_price,
        price_source=PriceSource.MANUAL,
        discount_percent=line.discount_percent,
        tax_code=tax_code,
        revenue_account=line.revenue_account,
    )
    built.net_amount = line_net(
        quantity=built.quantity, unit_price=built.unit_price, discount_percent=built.discount_percent
    )
    return built


def _header_errors(
    *,
    customer: Customer,
    currency: str | None,
    terms_days: int | None,
    due_date: datetime.date | None,
    customer_reference: str,
    by: User,
) -> dict:
    """What is wrong with a header. Terms other than the customer's are a credit decision, as on an order: a role
    without the customer credit right is refused."""
    errors = {}
    if currency is not None and currency not in Currency.values:
        errors["currency"] = gettext("Choose one of %(currencies)s.") % {"currencies": ", ".join(Currency.values)}
    if terms_days is not None and not 0 <= terms_days <= MAX_TERMS_DAYS:
        errors["payment_terms_days"] = gettext("Enter a number of days from 0 to %(max)s.") % {"max": MAX_TERMS_DAYS}
    elif terms_days is not None and terms_days != customer.payment_terms_days and not by.has_perm(CREDIT_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow agreeing payment terms other than the customer's (%(days)s days).")
            % {"days": customer.payment_terms_days},
            field="payment_terms_days",
        )
    if due_date is not None and due_date < timezone.localdate():
        errors["due_date"] = gettext("The due date cannot be in the past.")
    if len(customer_reference or "") > REFERENCE_LENGTH:
        errors["customer_reference"] = gettext("At most %(max)s characters.") % {"max": REFERENCE_LENGTH}
    return errors


def _refuse_unless_editable(invoice: Invoice) -> None:
    if not invoice.is_free_text:
        raise TransitionRefused(
            code=ErrorCode.INVOICE_NOT_FREE_TEXT,
            reason=gettext("%(invoice)s is not a free text invoice: its lines come from its order or quotation.")
            % {"invoice": invoice},
        )
    if invoice.state != InvoiceState.DRAFT:
        if invoice.state == InvoiceState.POSTED:
            reason = gettext("Invoice %(number)s is posted and cannot be changed: correct it with a credit note.")
        else:
            reason = gettext("Invoice %(number)s is canceled and cannot be changed.")
        raise TransitionRefused(code=ErrorCode.INVOICE_POSTED, reason=reason % {"number": invoice.number})


@transaction.atomic
def free_text_invoice_create(
    *,
    customer: Customer,
    lines: list[FreeTextLineInput],
    currency: str | None = None,
    payment_terms_days: int | None = None,
    due_date: datetime.date | None = None,
    customer_reference: str = "",
    by: User,
) -> Invoice:
    """A draft free text invoice: currency and payment terms default to the customer's; a due date, when
    given, stands at posting instead of the one the terms give."""
    reason = customer_blocked_refusal(customer)
    if reason:
        raise TransitionRefused(code=ErrorCode.INVOICE_NOT_POSTABLE, reason=reason)
    errors = _header_errors(
        customer=customer,
        currency=currency,
        terms_days=payment_terms_days,
        due_date=due_date,
        customer_reference=customer_reference,
        by=by,
    )
    invoice = Invoice(
        customer=customer,
        basis=InvoiceBasis.FREE_TEXT,
        currency=currency or customer.currency,
        terms_days=customer.payment_terms_days if payment_terms_days is None else payment_terms_days,
        due_date=due_date,
        customer_reference=customer_reference or "",
        created_by=by,
    )
    built = []
    for index, line in enumerate(lines):
        line_errors, tax_code = _line_errors(customer, line, f"lines[{index}].")
        errors.update(line_errors)
        if not line_errors:
            built.append(_line_build(invoice, line, tax_code, line_no=(index + 1) * 10))
    if errors:
        raise ValidationFailed(field_errors=errors)
    invoice.save()
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    invoice_totals_refresh(invoice)
    return invoice


_UNSET = object()


@transaction.atomic
def free_text_invoice_update(
    *,
    invoice: Invoice,
    by: User,
    currency: str | None = None,
    payment_terms_days=_UNSET,
    due_date=_UNSET,
    customer_reference: str | None = None,
) -> Invoice:
    """Change the header of a draft; arguments left out stay as they are (``due_date=None`` clears it:
    the terms decide at posting)."""
    invoice = lock_invoice(invoice.pk)
    _refuse_unless_editable(invoice)
    terms = invoice.terms_days if payment_terms_days is _UNSET else payment_terms_days
    due = invoice.due_date if due_date is _UNSET else due_date
    reference = invoice.customer_reference if customer_reference is None else customer_reference
    errors = _header_errors(
        customer=invoice.customer,
        currency=currency,
        terms_days=terms if payment_terms_days is not _UNSET else None,
        due_date=due if due_date is not _UNSET else None,
        customer_reference=reference,
        by=by,
    )
    if errors:
        raise ValidationFailed(field_errors=errors)
    invoice.currency = currency or invoice.currency
    invoice.terms_days = invoice.customer.payment_terms_days if terms is None else terms
    invoice.due_date = due
    invoice.customer_reference = reference
    invoice.save(update_fields=["currency", "terms_days", "due_date", "customer_reference", "updated_at"])
    return invoice


@transaction.atomic
def free_text_invoice_line_add(*, invoice: Invoice, line: FreeTextLineInput, by: User) -> InvoiceLine:
    invoice = lock_invoice(invoice.pk)
    _refuse_unless_editable(invoice)
    errors, tax_code = _line_errors(invoice.customer, line, "")
    if errors:
        raise ValidationFailed(field_errors=errors)
    built = _line_build(invoice, line, tax_code, line_no=next_line_no(invoice.lines.all()))
    built.save()
    invoice_totals_refresh(invoice)
    return built


@transaction.atomic
def free_text_invoice_line_update(*, invoice_line: InvoiceLine, by: User, **changes) -> InvoiceLine:
    """Change fields of a draft's line (``FreeTextLineInput`` names); fields left out stay as they are. A new
    item without a tax code takes the item's determined one."""
    invoice = lock_invoice(invoice_line.invoice_id)
    _refuse_unless_editable(invoice)
    current = InvoiceLine.objects.select_related("revenue_account", "item", "tax_code").get(pk=invoice_line.pk)
    unknown = set(changes) - set(FreeTextLineInput.__dataclass_fields__)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})
    item_changed = "item" in changes and "tax_code" not in changes
    wanted = FreeTextLineInput(
        revenue_account=changes.get("revenue_account", current.revenue_account),
        description=changes.get("description", current.description),
        quantity=changes.get("quantity", current.quantity),
        unit_price=changes.get("unit_price", current.unit_price),
        tax_code=None if item_changed and changes["item"] else changes.get("tax_code", current.tax_code),
        item=changes.get("item", current.item),
        discount_percent=changes.get("discount_percent", current.discount_percent),
    )
    errors, tax_code = _line_errors(invoice.customer, wanted, "")
    if errors:
        raise ValidationFailed(field_errors=errors)
    built = _line_build(invoice, wanted, tax_code, line_no=current.line_no)
    built.pk = current.pk
    built.save()
    invoice_totals_refresh(invoice)
    return built


@transaction.atomic
def free_text_invoice_line_delete(*, invoice_line: InvoiceLine, by: User) -> Invoice:
    invoice = lock_invoice(invoice_line.invoice_id)
    _refuse_unless_editable(invoice)
    InvoiceLine.objects.filter(pk=invoice_line.pk, invoice=invoice).delete()
    invoice_totals_refresh(invoice)
    return invoice
